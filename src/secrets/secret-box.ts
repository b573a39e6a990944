/**
 * Encryption at rest for secret config fields (docs/security.md): AES-256-GCM under the master
 * key, a fresh random 12-byte IV per call. A token is
 * `v1.<base64url iv>.<base64url tag>.<base64url ciphertext>`; the version prefix leaves room
 * for a later algorithm or key rotation without guessing what a stored value is.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { IpnhubError } from '../core/errors.js';

export interface SecretBox {
  /** Encrypts UTF-8 text; two calls with the same text give different tokens. */
  encrypt(plain: string): string;
  /**
   * Decrypts a token made by `encrypt` under the same key. A wrong key, a tampered or
   * malformed token → `IpnhubError('SECRET_DECRYPT_FAILED')`.
   */
  decrypt(token: string): string;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict: a non-canonical encoding (changed padding bits) is refused, not silently accepted. */
function decodePart(part: string): Buffer | undefined {
  if (!BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/** A box bound to one 32-byte master key. A key of another length is a bug and throws. */
export function createSecretBox(masterKey: Buffer): SecretBox {
  if (masterKey.length !== KEY_BYTES)
    throw new RangeError(`master key must be ${KEY_BYTES} bytes, got ${masterKey.length}`);
  // A private copy: the caller may reuse or zero its buffer.
  const key = Buffer.from(masterKey);

  return {
    encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        iv.toString('base64url'),
        tag.toString('base64url'),
        ciphertext.toString('base64url'),
      ].join('.');
    },
    decrypt(token) {
      const parts = token.split('.');
      const [version, ivPart, tagPart, dataPart] = parts;
      if (
        parts.length !== 4 ||
        version !== VERSION ||
        ivPart === undefined ||
        tagPart === undefined ||
        dataPart === undefined
      ) {
        throw new IpnhubError('SECRET_DECRYPT_FAILED', 'malformed token');
      }
      const iv = decodePart(ivPart);
      const tag = decodePart(tagPart);
      const data = decodePart(dataPart);
      if (!iv || !tag || !data || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
        throw new IpnhubError('SECRET_DECRYPT_FAILED', 'malformed token');
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new IpnhubError('SECRET_DECRYPT_FAILED', 'wrong master key or tampered value', {
          cause: err,
        });
      }
    },
  };
}
