/**
 * Klick-Tipp's partner authentication (docs/protocols/klicktipp.md#authentication): no session, two headers
 * on every request: `X-Un: <username>` and
 * `X-Ci: base64( HMAC-SHA256(key = hex-decoded developer key, msg = customer key) ‖ customer key )`.
 */
import { createHmac } from 'node:crypto';

/** The `X-Ci` value for a hexadecimal developer key and a customer key. */
export function partnerCipher(developerKeyHex: string, customerKey: string): string {
  const mac = createHmac('sha256', Buffer.from(developerKeyHex, 'hex'))
    .update(customerKey, 'utf8')
    .digest();
  return Buffer.concat([mac, Buffer.from(customerKey, 'utf8')]).toString('base64');
}

/** Both partner headers. */
export function partnerHeaders(
  username: string,
  developerKeyHex: string,
  customerKey: string,
): Record<string, string> {
  return { 'x-un': username, 'x-ci': partnerCipher(developerKeyHex, customerKey) };
}
