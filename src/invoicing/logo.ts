/**
 * A seller's logo as uploaded: base64 text (the admin API takes JSON only), PNG or JPEG as the
 * file's own first bytes say — not as a file name or a declared type claims — and at most
 * {@link MAX_LOGO_BYTES}, so a profile's logo fits every document it is printed on.
 */
import { IpnhubError } from '../core/errors.js';

export const MAX_LOGO_BYTES = 256 * 1024;

/** The base64 text of the largest logo: 4 characters for every 3 bytes begun. */
export const MAX_LOGO_BASE64_CHARS = Math.ceil(MAX_LOGO_BYTES / 3) * 4;

/**
 * The largest logo upload request worth reading (`{ "data": "…" }`): the largest logo's base64
 * with a line break every 64 characters written as the JSON escape `\r\n` (4 bytes; base64
 * tools wrap lines at 64 or 76), and 1 KiB for the JSON around it. A larger request carries a
 * logo that is too large, and is answered so without being read to its end.
 */
export const MAX_LOGO_UPLOAD_BYTES =
  MAX_LOGO_BASE64_CHARS + Math.ceil(MAX_LOGO_BASE64_CHARS / 64) * 4 + 1024;

export type LogoMediaType = 'image/png' | 'image/jpeg';

export interface Logo {
  mediaType: LogoMediaType;
  bytes: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The media type the bytes start with, or null for anything but PNG and JPEG. */
export function sniffLogo(bytes: Buffer): LogoMediaType | null {
  if (bytes.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE)) return 'image/png';
  if (bytes.subarray(0, JPEG_SIGNATURE.length).equals(JPEG_SIGNATURE)) return 'image/jpeg';
  return null;
}

/** Decodes and checks an upload: `LOGO_INVALID` (not base64, not PNG/JPEG) or `LOGO_TOO_LARGE`. */
export function parseLogo(base64: string): Logo {
  const text = base64.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text))
    throw new IpnhubError('LOGO_INVALID', 'Send the image file as base64 text.');
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > MAX_LOGO_BYTES)
    throw new IpnhubError('LOGO_TOO_LARGE', `It has ${bytes.length} bytes.`);
  const mediaType = sniffLogo(bytes);
  if (mediaType === null)
    throw new IpnhubError(
      'LOGO_INVALID',
      'Its first bytes are neither a PNG nor a JPEG signature.',
    );
  return { mediaType, bytes };
}
