/**
 * Decoding of a classic PayPal IPN body (docs/protocols/paypal.md#ipn-transport-and-character-set "Character set"): the raw
 * bytes are split on `&`, each pair at its first `=`, `+` becomes a space and `%XX` a byte;
 * only then are the bytes decoded as text, in the charset the message names in its own
 * `charset` field (windows-1252 when there is none). Splitting happens on the raw bytes, so
 * a merchant's `custom=a%3D1%26b%3D2` stays one value.
 */
import { TextDecoder } from 'node:util';
import { forEachFormPair } from '../../lib/form-body.js';
import { decodeWindows1252 } from './windows-1252.js';

export type IpnBodyErrorCode = 'MALFORMED_BODY' | 'DUPLICATE_FIELD' | 'UNSUPPORTED_CHARSET';

export type IpnBodyResult =
  | {
      ok: true;
      /** Decoded values by decoded name; a null-prototype object, so any name is a plain key. */
      fields: Record<string, string>;
      /** The names in the order they occur in the body. */
      order: string[];
      /** The WHATWG name of the encoding used (`windows-1252`, `utf-8`, …). */
      charset: string;
      /** False when the body had no `charset` field and windows-1252 was assumed. */
      charsetDeclared: boolean;
    }
  | { ok: false; code: IpnBodyErrorCode; reason: string };

/** What PayPal and django-paypal assume when a message names no charset (docs/protocols/paypal.md#ipn-transport-and-character-set). */
export const DEFAULT_IPN_CHARSET = 'windows-1252';

const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;
const CHARSET_NAME = Buffer.from('charset', 'latin1');
/** Longest name or charset label quoted back in a reason; reasons end up in logs. */
const MAX_QUOTED = 64;

// Form encoding is ASCII-compatible; these encodings are not, so `&`/`=` bytes would not mean
// what they mean in the body (UTF-16), or no text could come out at all (replacement).
const NOT_ASCII_COMPATIBLE = new Set(['utf-16le', 'utf-16be', 'replacement']);

interface Charset {
  /** The WHATWG encoding name. */
  encoding: string;
  /** Throws on bytes that are not valid in the encoding. */
  decode(bytes: Buffer): string;
}

const WINDOWS_1252: Charset = { encoding: 'windows-1252', decode: decodeWindows1252 };

const charsets = new Map<string, Charset>();

/** A strict decoder for `label`, or null when the platform does not know the label. */
function charsetFor(label: string): Charset | null {
  const key = label.trim().toLowerCase();
  const cached = charsets.get(key);
  if (cached) return cached;
  let decoder: TextDecoder;
  try {
    // ignoreBOM keeps a leading U+FEFF in the value instead of silently eating it.
    decoder = new TextDecoder(key, { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
  if (NOT_ASCII_COMPATIBLE.has(decoder.encoding)) return null;
  // TextDecoder resolves the label (latin1, iso-8859-1, cp1252, … all mean windows-1252 in
  // WHATWG); its windows-1252 decoding is wrong on current Node, see windows-1252.ts.
  const charset = decoder.encoding === WINDOWS_1252.encoding ? WINDOWS_1252 : { encoding: decoder.encoding, decode: (bytes: Buffer) => decoder.decode(bytes) };
  charsets.set(key, charset);
  return charset;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

type Bytes = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/** `body[start, end)` with `+` → space and `%XX` → byte; the result is still bytes, not text. */
function percentDecode(body: Buffer, start: number, end: number): Bytes {
  const out = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT) {
      const high = hexValue(body[i + 1]);
      const low = hexValue(body[i + 2]);
      if (i + 2 >= end || high < 0 || low < 0) return { ok: false, reason: `invalid percent escape at byte ${i}` };
      out[length++] = high * 16 + low;
      i += 2;
    } else if (byte < 0x21 || byte > 0x7e) {
      // PayPal percent-encodes everything outside printable ASCII; a raw byte here means the
      // body was not produced by a form encoder, and its meaning would depend on the reader.
      return { ok: false, reason: `unencoded byte 0x${byte.toString(16).padStart(2, '0')} at byte ${i}` };
    } else {
      out[length++] = byte;
    }
  }
  return { ok: true, bytes: out.subarray(0, length) };
}

function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
}

/**
 * Parses an IPN body. An empty body parses to no fields; which fields are required is the
 * caller's decision. Fails with `MALFORMED_BODY` on a bad `%` escape, a raw byte outside
 * printable ASCII, an empty name, or bytes that are not valid in the charset (UTF-8 only:
 * every byte is a windows-1252 character); with `DUPLICATE_FIELD` when a name occurs twice
 * (PayPal never sends that); with `UNSUPPORTED_CHARSET` when `charset` names an encoding the
 * platform's `TextDecoder` does not know or one that is not ASCII-compatible.
 */
export function parseIpnBody(body: Buffer): IpnBodyResult {
  const pairs: Array<{ name: Buffer; value: Buffer; at: number }> = [];
  const failure = forEachFormPair(body, (start, split, end) => {
    const name = percentDecode(body, start, split);
    if (!name.ok) return { code: 'MALFORMED_BODY', reason: name.reason };
    if (name.bytes.length === 0) return { code: 'MALFORMED_BODY', reason: `empty field name at byte ${start}` };
    const value = split < end ? percentDecode(body, split + 1, end) : ({ ok: true, bytes: Buffer.alloc(0) } as const);
    if (!value.ok) return { code: 'MALFORMED_BODY', reason: value.reason };
    pairs.push({ name: name.bytes, value: value.bytes, at: start });
    return undefined;
  });
  if (failure) return { ok: false, ...failure };

  // The charset value is plain ASCII in every encoding PayPal uses, so it can be read first.
  const charsetPair = pairs.find((pair) => pair.name.equals(CHARSET_NAME));
  const label = charsetPair === undefined ? DEFAULT_IPN_CHARSET : charsetPair.value.toString('latin1');
  const charset = charsetFor(label);
  if (charset === null) return { ok: false, code: 'UNSUPPORTED_CHARSET', reason: `charset ${quote(label)} is not supported` };

  const fields = Object.create(null) as Record<string, string>;
  const order: string[] = [];
  for (const pair of pairs) {
    let name: string;
    let value: string;
    try {
      name = charset.decode(pair.name);
      value = charset.decode(pair.value);
    } catch {
      return { ok: false, code: 'MALFORMED_BODY', reason: `the pair at byte ${pair.at} is not valid ${charset.encoding}` };
    }
    if (Object.hasOwn(fields, name)) return { ok: false, code: 'DUPLICATE_FIELD', reason: `field ${quote(name)} occurs more than once` };
    fields[name] = value;
    order.push(name);
  }
  return { ok: true, fields, order, charset: charset.encoding, charsetDeclared: charsetPair !== undefined };
}

