import { createSecretBox } from '../../src/secrets/secret-box.js';
import type { SecretBox } from '../../src/secrets/secret-box.js';

/** A real secret box that counts its decryptions, so tests can show a cache saved them. */
export function countingBox(key: Buffer): SecretBox & { decrypts: number } {
  const inner = createSecretBox(key);
  const box = {
    decrypts: 0,
    encrypt: (plain: string) => inner.encrypt(plain),
    decrypt: (token: string) => {
      box.decrypts += 1;
      return inner.decrypt(token);
    },
  };
  return box;
}
