/**
 * The string PayPal signs for every webhook delivery (docs/protocols/paypal.md#webhook-signature-verification method 1,
 * steps 4–5): `<transmission id>|<transmission time>|<webhook id>|<crc32>`, where the CRC-32
 * (IEEE, as zlib computes it) is taken over the raw body bytes and written as an UNSIGNED
 * decimal — not hex, not a signed 32-bit integer.
 */
import { crc32 } from 'node:zlib';

/** CRC-32 of `rawBody` as an unsigned decimal string, e.g. `3573380616`. */
export function crc32Decimal(rawBody: Buffer): string {
  return String(crc32(rawBody) >>> 0);
}

export interface SignedFields {
  transmissionId: string;
  transmissionTime: string;
  /** Our configured Webhook ID; it is not in the request. */
  webhookId: string;
  rawBody: Buffer;
}

/** The UTF-8 bytes the `PAYPAL-TRANSMISSION-SIG` signature is computed over. */
export function signedBytes(fields: SignedFields): Buffer {
  return Buffer.from(
    `${fields.transmissionId}|${fields.transmissionTime}|${fields.webhookId}|${crc32Decimal(fields.rawBody)}`,
    'utf8',
  );
}
