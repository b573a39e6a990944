/**
 * Decoding of a classic PayPal IPN body (docs/protocols/paypal.md#ipn-transport-and-character-set "Character set"): the raw
 * bytes are split on `&`, each pair at its first `=`, `+` becomes a space and `%XX` a byte;
 * only then are the bytes decoded as text, in the charset the message names in its own
 * `charset` field (windows-1252 when there is none). Splitting happens on the raw bytes, so
 * a merchant's `custom=a%3D1%26b%3D2` stays one value. The form decoder is the shared one
 * (lib/form-body.ts); this file holds what is PayPal's.
 */
import { parseFormBody } from '../../lib/form-body.js';
import type { FormBodyOptions, FormBodyResult } from '../../lib/form-body.js';

export type IpnBodyResult = FormBodyResult;

/** What PayPal and django-paypal assume when a message names no charset (docs/protocols/paypal.md#ipn-transport-and-character-set). */
export const DEFAULT_IPN_CHARSET = 'windows-1252';

/** PayPal percent-encodes everything outside printable ASCII, so a raw byte there is refused. */
const IPN_FORM: FormBodyOptions = {
  charsetField: 'charset',
  defaultCharset: DEFAULT_IPN_CHARSET,
  escapedOnly: true,
};

/**
 * Parses an IPN body. An empty body parses to no fields; which fields are required is the
 * caller's decision. Fails with `MALFORMED_BODY` on a bad `%` escape, a raw byte outside
 * printable ASCII, an empty name, or bytes that are not valid in the charset (UTF-8 only:
 * every byte is a windows-1252 character); with `DUPLICATE_FIELD` when a name occurs twice
 * (PayPal never sends that); with `UNSUPPORTED_CHARSET` when `charset` names an encoding the
 * platform's `TextDecoder` does not know or one that is not ASCII-compatible.
 */
export function parseIpnBody(body: Buffer): IpnBodyResult {
  return parseFormBody(body, IPN_FORM);
}
