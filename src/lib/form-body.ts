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
import { isUtf8 } from 'node:buffer';
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
  /**
   * Every byte below 0x80 is the ASCII character, whatever comes before or after it (not so in
   * stateful encodings such as ISO-2022-JP, where an escape sequence changes what follows), so
   * a name or value whose decoded bytes are all ASCII reads the same as Latin-1.
   */
  asciiTransparent: boolean;
}

const WINDOWS_1252: Charset = {
  encoding: 'windows-1252',
  decode: decodeWindows1252,
  asciiTransparent: true,
};

const UTF_8: Charset = {
  encoding: 'utf-8',
  // The same strict reading as a fatal TextDecoder (no overlong forms, no surrogates), without
  // its per-call overhead; Buffer's UTF-8 reading keeps a leading U+FEFF, as ignoreBOM does.
  decode(bytes) {
    if (!isUtf8(bytes)) throw new TypeError('invalid UTF-8');
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  },
  asciiTransparent: true,
};

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
      : decoder.encoding === UTF_8.encoding
        ? UTF_8
        : {
            encoding: decoder.encoding,
            decode: (bytes: Uint8Array) => decoder.decode(bytes),
            asciiTransparent: false,
          };
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

// What a name or value holds, found while the body is split: `+` or `%XX` to undo, raw bytes
// from 0x80 up. Neither: ASCII as sent, read without a copy.
const ESCAPED = 1;
const HIGH = 2;

/**
 * The pairs of the body being parsed, four numbers each: start, split (the `=`, or the end
 * when there is none), end, and the name's flags plus the value's flags shifted by 2. One
 * array reused by every call (parsing is synchronous), grown when a body has more pairs.
 */
let pairs = new Int32Array(4 * 128);
/** The bytes of a name or value with its escapes undone; reused, grown when needed. */
let scratch = Buffer.allocUnsafeSlow(4096);
/** Whether the last {@link undoEscapes} produced a byte from 0x80 up. */
let unescapedHigh = false;

interface FormPairFailure {
  code: FormBodyErrorCode;
  reason: string;
}

function malformed(reason: string): FormPairFailure {
  return { code: 'MALFORMED_BODY', reason };
}

/**
 * Splits `body` into its non-empty `name=value` pairs in one pass over the bytes, into
 * {@link pairs}, checking each `%` escape and, with `escapedOnly`, each raw byte on the way.
 * Splits raw bytes only, so a value holding an escaped `&` or `=` stays whole. Returns the
 * number of pairs, or the first failure in body order.
 */
function splitPairs(body: string, escapedOnly: boolean): number | FormPairFailure {
  const length = body.length;
  let count = 0;
  let start = 0;
  let split = -1;
  let nameFlags = 0;
  let flags = 0;
  for (let i = 0; i <= length; i++) {
    const byte = i < length ? body.charCodeAt(i) : AMPERSAND;
    if (byte === AMPERSAND) {
      if (i > start) {
        if (4 * count + 4 > pairs.length) {
          const grown = new Int32Array(pairs.length * 2);
          grown.set(pairs);
          pairs = grown;
        }
        const at = 4 * count++;
        pairs[at] = start;
        if (split < 0) {
          pairs[at + 1] = i;
          pairs[at + 3] = flags;
        } else {
          pairs[at + 1] = split;
          pairs[at + 3] = nameFlags | (flags << 2);
        }
        pairs[at + 2] = i;
      }
      start = i + 1;
      split = -1;
      flags = 0;
    } else if (byte === EQUALS && split < 0) {
      if (i === start) return malformed(`empty field name at byte ${start}`);
      split = i;
      nameFlags = flags;
      flags = 0;
    } else if (byte === PLUS) {
      flags |= ESCAPED;
    } else if (byte === PERCENT) {
      if (hexValue(body.charCodeAt(i + 1)) < 0 || hexValue(body.charCodeAt(i + 2)) < 0)
        return malformed(`invalid percent escape at byte ${i}`);
      flags |= ESCAPED;
      i += 2;
    } else if (escapedOnly && (byte < 0x21 || byte > 0x7e)) {
      return malformed(`unencoded byte 0x${byte.toString(16).padStart(2, '0')} at byte ${i}`);
    } else if (byte >= 0x80) {
      flags |= HIGH;
    }
  }
  return count;
}

/**
 * `body[start, end)` with `+` → space and `%XX` → byte, into {@link scratch} (the escapes were
 * checked by {@link splitPairs}); returns the length and sets {@link unescapedHigh}.
 */
function undoEscapes(body: Buffer, start: number, end: number): number {
  if (scratch.length < end - start) scratch = Buffer.allocUnsafeSlow(2 * (end - start));
  const out = scratch;
  let length = 0;
  let high = 0;
  for (let i = start; i < end; i++) {
    let byte = body[i] as number;
    if (byte === PLUS) {
      byte = SPACE;
    } else if (byte === PERCENT) {
      byte = hexValue(body[i + 1]) * 16 + hexValue(body[i + 2]);
      i += 2;
    }
    high |= byte;
    out[length++] = byte;
  }
  unescapedHigh = high >= 0x80;
  return length;
}

/**
 * A name or value as text. ASCII as sent is read as Latin-1 without a copy when `asIs` allows
 * it; anything else has its escapes undone and, if that leaves bytes from 0x80 up (or the
 * charset is not ASCII-transparent), is read in `charset`, which throws on invalid bytes.
 */
function textOf(
  body: Buffer,
  latin1: string,
  start: number,
  end: number,
  flags: number,
  charset: Charset,
  asIs: boolean,
): string {
  if (flags === 0 && asIs) return latin1.slice(start, end);
  if ((flags & ESCAPED) === 0) return charset.decode(body.subarray(start, end));
  const length = undoEscapes(body, start, end);
  if (!unescapedHigh && charset.asciiTransparent) return scratch.toString('latin1', 0, length);
  return charset.decode(scratch.subarray(0, length));
}

/** `body[start, end)` with its escapes undone, as Latin-1 (a byte is a character). */
function latin1Of(body: Buffer, start: number, end: number, flags: number): string {
  if ((flags & ESCAPED) === 0) return body.toString('latin1', start, end);
  const length = undoEscapes(body, start, end);
  return scratch.toString('latin1', 0, length);
}

/** The value of the first pair whose decoded name is `name`, as Latin-1, or undefined. */
function declaredCharset(body: Buffer, count: number, name: string): string | undefined {
  for (let p = 0; p < count; p++) {
    const at = 4 * p;
    const start = pairs[at] as number;
    const split = pairs[at + 1] as number;
    const end = pairs[at + 2] as number;
    const flags = pairs[at + 3] as number;
    // The names' bytes compared as Latin-1 text: a byte is a character, so equal text is equal bytes.
    if (latin1Of(body, start, split, flags & 3) !== name) continue;
    return split === end ? '' : latin1Of(body, split + 1, end, flags >> 2);
  }
  return undefined;
}

/**
 * Parses a form-encoded body. An empty body is a valid body with no fields; deciding which
 * fields are required is the caller's job. Rejects, as `MALFORMED_BODY`, a bad `%` escape
 * (`%ZZ`, a truncated `%E4%`), an empty name, bytes that are not valid in the charset after
 * decoding, and with `escapedOnly` a raw byte outside printable ASCII; as `DUPLICATE_FIELD`, a
 * name that occurs twice after decoding; as `UNSUPPORTED_CHARSET`, a charset the platform's
 * `TextDecoder` does not know or one that is not ASCII-compatible.
 */
export function parseFormBody(body: Buffer, options: FormBodyOptions = {}): FormBodyResult {
  // The body read once as Latin-1 (a byte is a character): it is split as text, and a name or
  // value that is ASCII as sent is a slice of it, with no call into the Buffer per field.
  const latin1 = body.toString('latin1');
  const split = splitPairs(latin1, options.escapedOnly === true);
  if (typeof split !== 'number') return { ok: false, ...split };
  const count = split;

  // The charset value is plain ASCII in every ASCII-compatible encoding, so it can be read first.
  const declared =
    options.charsetField === undefined
      ? undefined
      : declaredCharset(
          body,
          count,
          Buffer.from(options.charsetField, 'latin1').toString('latin1'),
        );
  const label = declared ?? options.defaultCharset ?? 'utf-8';
  const charset = charsetFor(label);
  if (charset === null)
    return {
      ok: false,
      code: 'UNSUPPORTED_CHARSET',
      reason: `charset ${quote(label)} is not supported`,
    };

  const fields = Object.create(null) as Record<string, string>;
  const order: string[] = new Array<string>(count);
  for (let p = 0; p < count; p++) {
    const at = 4 * p;
    const start = pairs[at] as number;
    const nameEnd = pairs[at + 1] as number;
    const end = pairs[at + 2] as number;
    const flags = pairs[at + 3] as number;
    // In a charset that is not ASCII-transparent a pair is read as Latin-1 only if all of it is
    // ASCII as sent, otherwise all of it in the charset.
    const asIs = charset.asciiTransparent || flags === 0;
    let name: string;
    let value: string;
    try {
      name = textOf(body, latin1, start, nameEnd, flags & 3, charset, asIs);
      value =
        nameEnd < end ? textOf(body, latin1, nameEnd + 1, end, flags >> 2, charset, asIs) : '';
    } catch {
      return {
        ok: false,
        code: 'MALFORMED_BODY',
        reason: `the pair at byte ${start} is not valid ${charset.encoding}`,
      };
    }
    if (fields[name] !== undefined)
      return {
        ok: false,
        code: 'DUPLICATE_FIELD',
        reason: `field ${quote(name)} occurs more than once`,
      };
    fields[name] = value;
    order[p] = name;
  }
  return {
    ok: true,
    fields,
    order,
    charset: charset.encoding,
    charsetDeclared: declared !== undefined,
  };
}
