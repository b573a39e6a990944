/**
 * Standard Webhooks signing secrets (docs/protocols/webhooks.md#standard-webhooks): `whsec_` followed by the
 * base64 of 24–64 random bytes; the HMAC key is the decoded bytes, not the text.
 */
import { randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_BYTES = 24;
const MAX_BYTES = 64;

/** A fresh secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key inside a secret, or null when the secret is malformed. Unpadded base64 is accepted. */
export function decodeWebhookSecret(secret: string): Buffer | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_BYTES && key.length <= MAX_BYTES ? key : null;
}

/** True for a well-formed `whsec_` secret of 24–64 bytes. */
export function isValidWebhookSecret(secret: string): boolean {
  return decodeWebhookSecret(secret) !== null;
}
