/**
 * The master key's written form: 32 bytes as 64 hex characters or as base64/base64url. Read by
 * the settings (a malformed `IPNHUB_MASTER_KEY` is refused with the other settings) and by the
 * key file loader (`secrets/master-key.ts`).
 */

export const MASTER_KEY_BYTES = 32;

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** 64 hex characters or base64/base64url of exactly 32 bytes; anything else → undefined. */
export function parseMasterKey(text: string): Buffer | undefined {
  const value = text.trim();
  if (HEX.test(value)) return Buffer.from(value, 'hex');
  if (!BASE64.test(value)) return undefined;
  const bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== MASTER_KEY_BYTES) return undefined;
  // Refuse encodings that only decode by ignoring stray bits or characters.
  const canonical = bytes.toString('base64');
  const normalized = value.replace(/-/g, '+').replace(/_/g, '/');
  return normalized === canonical || `${normalized}=` === canonical ? bytes : undefined;
}
