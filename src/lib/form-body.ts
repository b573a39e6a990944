/**
 * Strict `application/x-www-form-urlencoded` parsing of a raw body: the one decoder every
 * provider and caller uses.
 *
 * Values come out exactly as PHP's `$_POST` or `new URLSearchParams(rawBody)` present them for
 * a well-formed body: pairs split on `&` (on the raw bytes, so an escaped `&` or `=` stays in its
 * value), empty pairs dropped, name and value split at the first `=`, `+` becomes a space and
 * each `%XX` is decoded once; only then are the bytes read as text, in the body's charset.
 * Where those parsers are lenient (a bad `%` escape kept literally, invalid bytes replaced by
 * U+FFFD, the last of two equal names winning) this parser rejects the body instead: signatures
 * are computed over the decoded values, and a body two parsers could read differently is not
 * one to trust.
 *
 * The charset is UTF-8 unless the caller names a field that carries it (PayPal IPN's `charset`,
 * docs/providers.md), with a default for bodies without that field.
 */
import { TextDecoder } from 'node:util';
import { decodeWindows1252 } from './windows-1252.js';
import { quote } from './quote.js';

export type FormBodyErrorCode = 'MALFORMED_BODY' | 'DUPLICATE_FIELD' | 'UNSUPPORTED_CHARSET';

export interface FormBodyOptions {
  /** The field whose value names the body's charset (a WHATWG label), e.g. `charset`. */
  charsetField?: string;
  /** The charset when there is no such field, or no `charsetField`; default `utf-8`. */
  defaultCharset?: string;
  /**
   * Refuse raw bytes outside printable ASCII: a sender that percent-encodes everything else
   * (PayPal) never sends them, and their meaning would depend on the reader.
   */
  escapedOnly?: boolean;
}

export type FormBodyResult =
  | {
      ok: true;
      /** Decoded values by decoded name; a null-prototype object, so any name is a plain key. */
      fields: Record<string, string>;
      /** The names in the order they occur in the body. */
      order: string[];
      /** The WHATWG name of the encoding used (`utf-8`, `windows-1252`, …). */
      charset: string;
      /** True when the body named its charset in `charsetField`. */
      charsetDeclared: boolean;
    }
  | { ok: false; code: FormBodyErrorCode; reason: string };

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

// Form encoding is ASCII-compatible; these encodings are not, so `&`/`=` bytes would not mean
// what they mean in the body (UTF-16), or no text could come out at all (replacement).
const NOT_ASCII_COMPATIBLE = new Set(['utf-16le', 'utf-16be', 'replacement']);

interface Charset {
  /** The WHATWG encoding name. */
  encoding: string;
  /** Throws on bytes that are not valid in the encoding. */
  decode(bytes: Uint8Array): string;
}

const WINDOWS_1252: Charset = { encoding: 'windows-1252', decode: decodeWindows1252 };

// Decoders by label: a pure function of the label, so one map serves every runtime.
const charsets = new Map<string, Charset>();

/** A strict decoder for `label`, or null when the platform does not know the label. */
function charsetFor(label: string): Charset | null {
  const key = label.trim().toLowerCase();
  const cached = charsets.get(key);
  if (cached) return cached;
  let decoder: TextDecoder;
  try {
    // ignoreBOM keeps a leading U+FEFF in the value, as URLSearchParams does, instead of eating it.
    decoder = new TextDecoder(key, { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
  if (NOT_ASCII_COMPATIBLE.has(decoder.encoding)) return null;
  // TextDecoder resolves the label (latin1, iso-8859-1, cp1252, … all mean windows-1252 in
  // WHATWG); its windows-1252 decoding is wrong on current Node, see windows-1252.ts.
  const charset =
    decoder.encoding === WINDOWS_1252.encoding
      ? WINDOWS_1252
      : { encoding: decoder.encoding, decode: (bytes: Uint8Array) => decoder.decode(bytes) };
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

/** A name or value with `+` and `%XX` undone: still bytes; `plain` when they are ASCII as sent. */
type Unescaped = { ok: true; bytes: Buffer; plain: boolean } | { ok: false; reason: string };

/** `body[start, end)` with `+` → space and `%XX` → byte. */
function percentDecode(body: Buffer, start: number, end: number, escapedOnly: boolean): Unescaped {
  // Most names and many values are plain ASCII without escapes: no copy.
  let plain = true;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (
      byte === PLUS ||
      byte === PERCENT ||
      byte >= 0x80 ||
      (escapedOnly && (byte < 0x21 || byte > 0x7e))
    ) {
      plain = false;
      break;
    }
  }
  if (plain) return { ok: true, bytes: body.subarray(start, end), plain };
  const out = Buffer.allocUnsafe(end - start);
  let length = 0;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (byte === PLUS) {
      out[length++] = SPACE;
    } else if (byte === PERCENT) {
      const high = i + 1 < end ? hexValue(body[i + 1]) : -1;
      const low = i + 2 < end ? hexValue(body[i + 2]) : -1;
      if (high < 0 || low < 0) return { ok: false, reason: `invalid percent escape at byte ${i}` };
      out[length++] = high * 16 + low;
      i += 2;
    } else if (escapedOnly && (byte < 0x21 || byte > 0x7e)) {
      return {
        ok: false,
        reason: `unencoded byte 0x${byte.toString(16).padStart(2, '0')} at byte ${i}`,
      };
    } else {
      out[length++] = byte;
    }
  }
  return { ok: true, bytes: out.subarray(0, length), plain };
}

interface RawPair {
  name: Buffer;
  value: Buffer;
  plain: boolean;
  at: number;
}

const EMPTY: Unescaped = { ok: true, bytes: Buffer.alloc(0), plain: true };

/**
 * Parses a form-encoded body. An empty body is a valid body with no fields; deciding which
 * fields are required is the caller's job. Rejects, as `MALFORMED_BODY`, a bad `%` escape
 * (`%ZZ`, a truncated `%E4%`), an empty name, bytes that are not valid in the charset after
 * decoding, and with `escapedOnly` a raw byte outside printable ASCII; as `DUPLICATE_FIELD`, a
 * name that occurs twice after decoding; as `UNSUPPORTED_CHARSET`, a charset the platform's
 * `TextDecoder` does not know or one that is not ASCII-compatible.
 */
export function parseFormBody(body: Buffer, options: FormBodyOptions = {}): FormBodyResult {
  const escapedOnly = options.escapedOnly === true;
  const pairs: RawPair[] = [];
  const failure = forEachFormPair(body, (start, split, end) => {
    const name = percentDecode(body, start, split, escapedOnly);
    if (!name.ok) return { code: 'MALFORMED_BODY', reason: name.reason };
    if (name.bytes.length === 0)
      return { code: 'MALFORMED_BODY', reason: `empty field name at byte ${start}` };
    const value = split < end ? percentDecode(body, split + 1, end, escapedOnly) : EMPTY;
    if (!value.ok) return { code: 'MALFORMED_BODY', reason: value.reason };
    pairs.push({
      name: name.bytes,
      value: value.bytes,
      plain: name.plain && value.plain,
      at: start,
    });
    return undefined;
  });
  if (failure) return { ok: false, ...failure };

  // The charset value is plain ASCII in every ASCII-compatible encoding, so it can be read first.
  const charsetName =
    options.charsetField === undefined ? undefined : Buffer.from(options.charsetField, 'latin1');
  const charsetPair =
    charsetName === undefined ? undefined : pairs.find((pair) => pair.name.equals(charsetName));
  const label =
    charsetPair === undefined
      ? (options.defaultCharset ?? 'utf-8')
      : charsetPair.value.toString('latin1');
  const charset = charsetFor(label);
  if (charset === null)
    return {
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
      reason: `charset ${quote(label)} is not supported`,
    };

  const fields = Object.create(null) as Record<string, string>;
  const order: string[] = [];
  for (const pair of pairs) {
    let name: string;
    let value: string;
    if (pair.plain) {
      // ASCII bytes read the same in every ASCII-compatible charset.
      name = pair.name.toString('latin1');
      value = pair.value.toString('latin1');
    } else {
      try {
        name = charset.decode(pair.name);
        value = charset.decode(pair.value);
      } catch {
        return {
          ok: false,
          code: 'MALFORMED_BODY',
          reason: `the pair at byte ${pair.at} is not valid ${charset.encoding}`,
        };
      }
    }
    if (Object.hasOwn(fields, name))
      return {
        ok: false,
        code: 'DUPLICATE_FIELD',
        reason: `field ${quote(name)} occurs more than once`,
      };
    fields[name] = value;
    order.push(name);
  }
  return {
    ok: true,
    fields,
    order,
    charset: charset.encoding,
    charsetDeclared: charsetPair !== undefined,
  };
}

interface FormPairFailure {
  code: FormBodyErrorCode;
  reason: string;
}

/**
 * Calls `visit` with the byte ranges of each non-empty `name=value` pair of a form body, in
 * order: the pair is `[start, end)`, the name `[start, split)`, the value `[split + 1, end)`
 * (`split === end` when there is no `=`). Splits raw bytes only, so a value holding an escaped
 * `&` or `=` stays whole. Stops at the first failure `visit` returns.
 */
function forEachFormPair(
  body: Buffer,
  visit: (start: number, split: number, end: number) => FormPairFailure | undefined,
): FormPairFailure | undefined {
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(AMPERSAND, start);
    if (end === -1) end = body.length;
    if (end > start) {
      let split = body.indexOf(EQUALS, start);
      if (split === -1 || split > end) split = end;
      const failure = visit(start, split, end);
      if (failure) return failure;
    }
    start = end + 1;
  }
  return undefined;
}
