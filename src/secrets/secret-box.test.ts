import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { createSecretBox } from './secret-box.js';

const key = Buffer.alloc(32, 7);

function decryptError(run: () => string): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  return null;
}

function expectDecryptFailed(run: () => string): void {
  const err = decryptError(run);
  expect(err).toBeInstanceOf(IpnhubError);
  expect((err as IpnhubError).code).toBe('SECRET_DECRYPT_FAILED');
}

describe('secret box', () => {
  it('round-trips UTF-8 text, including the empty string', () => {
    const box = createSecretBox(key);
    for (const plain of ['', 'passphrase', 'Grüße, 東京 🎉 \u0000 end', 'x'.repeat(10_000)]) {
      expect(box.decrypt(box.encrypt(plain))).toBe(plain);
    }
  });

  it('writes v1.<iv>.<tag>.<ciphertext> with a 12-byte IV, a 16-byte tag and no plaintext', () => {
    const token = createSecretBox(key).encrypt('hunter2-secret');
    const parts = token.split('.');
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe('v1');
    expect(Buffer.from(parts[1] ?? '', 'base64url')).toHaveLength(12);
    expect(Buffer.from(parts[2] ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[3] ?? '', 'base64url')).toHaveLength('hunter2-secret'.length);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(token).not.toContain('hunter2');
  });

  it('uses a fresh IV per call, so equal texts give different tokens', () => {
    const box = createSecretBox(key);
    const a = box.encrypt('same');
    const b = box.encrypt('same');
    expect(a).not.toBe(b);
    expect(a.split('.')[1]).not.toBe(b.split('.')[1]);
    expect(box.decrypt(a)).toBe('same');
    expect(box.decrypt(b)).toBe('same');
  });

  it('refuses a token encrypted under another key', () => {
    const token = createSecretBox(key).encrypt('secret');
    expectDecryptFailed(() => createSecretBox(randomBytes(32)).decrypt(token));
  });

  it('refuses a tampered ciphertext, tag or IV', () => {
    const box = createSecretBox(key);
    const token = box.encrypt('pay me 100');
    const [version, iv, tag, data] = token.split('.') as [string, string, string, string];
    const flip = (part: string, index: number): string => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[index] = (bytes[index] ?? 0) ^ 0x01;
      return bytes.toString('base64url');
    };
    expectDecryptFailed(() => box.decrypt([version, iv, tag, flip(data, 0)].join('.')));
    expectDecryptFailed(() => box.decrypt([version, iv, flip(tag, 15), data].join('.')));
    expectDecryptFailed(() => box.decrypt([version, flip(iv, 11), tag, data].join('.')));
    // Truncated ciphertext.
    expectDecryptFailed(() => box.decrypt([version, iv, tag, data.slice(0, -2)].join('.')));
  });

  it('refuses malformed tokens without throwing anything else', () => {
    const box = createSecretBox(key);
    const token = box.encrypt('x');
    const tagPart = token.split('.')[2] ?? '';
    // Changing only the unused low bits of the tag's last base64 character decodes to the
    // same bytes; the strict decoder refuses it anyway.
    const last = tagPart.at(-1) ?? 'A';
    const sibling = last === 'A' ? 'B' : 'A';
    const nonCanonical = token.replace(`.${tagPart}.`, `.${tagPart.slice(0, -1)}${sibling}.`);
    for (const bad of [
      '',
      'v1',
      'v1.a.b',
      `v2.${token.slice(3)}`,
      `${token}.extra`,
      token.replace(/\./g, '!'),
      'v1.@@@@.####.$$$$',
      nonCanonical,
    ]) {
      expectDecryptFailed(() => box.decrypt(bad));
    }
  });

  it('rejects a master key that is not 32 bytes as a programming error', () => {
    expect(() => createSecretBox(Buffer.alloc(16))).toThrow(RangeError);
  });
});
