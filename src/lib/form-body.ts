/**
 * Strict `application/x-www-form-urlencoded` parsing of a raw body.
 *
 * Values come out exactly as PHP's `$_POST` or `new URLSearchParams(rawBody)` present them for
 * a well-formed UTF-8 body: pairs split on `&`, empty pairs dropped, name and value split at
 * the first `=`, `+` becomes a space and each `%XX` is decoded once. Where those parsers are
 * lenient (a bad `%` escape kept literally, invalid UTF-8 replaced by U+FFFD, the last of two
 * equal names winning) this parser rejects the body instead: signatures are computed over the
 * decoded values, and a body two parsers could read differently is not one to trust.
 *
 * Generic on purpose: it assumes UTF-8. Providers with another charset bring their own parser.
 */

export type FormBodyErrorCode = 'MALFORMED_BODY' | 'DUPLICATE_FIELD';

export type FormBodyResult =
  | {
      ok: true;
      /** Decoded values by decoded name; a null-prototype object, so any name is a plain key. */
      fields: Record<string, string>;
      /** The names in the order they occur in the body. */
      order: string[];
    }
  | { ok: false; code: FormBodyErrorCode; reason: string };

const AMPERSAND = 0x26;
const EQUALS = 0x3d;
const PLUS = 0x2b;
const PERCENT = 0x25;
const SPACE = 0x20;

// ignoreBOM keeps a leading U+FEFF in the value, as URLSearchParams does, instead of eating it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Longest name quoted back in an error reason; the reason ends up in the sender's log. */
const MAX_QUOTED_NAME = 64;

type Decoded = { ok: true; text: string } | { ok: false; reason: string };

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x41 + 10;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

/** Decodes `body[start, end)`: `+` → space, `%XX` → byte, then the bytes as strict UTF-8. */
function decodeComponent(body: Buffer, start: number, end: number): Decoded {
  // Most names and many values are plain ASCII without escapes: no copy, no decoder.
  let plain = true;
  for (let i = start; i < end; i++) {
    const byte = body[i] as number;
    if (byte === PLUS || byte === PERCENT || byte >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return { ok: true, text: body.toString('latin1', start, end) };
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
    } else {
      out[length++] = byte;
    }
  }
  try {
    return { ok: true, text: utf8.decode(out.subarray(0, length)) };
  } catch {
    return { ok: false, reason: `invalid UTF-8 in the pair starting at byte ${start}` };
  }
}

function quoteName(name: string): string {
  return JSON.stringify(name.length > MAX_QUOTED_NAME ? `${name.slice(0, MAX_QUOTED_NAME)}…` : name);
}

/**
 * Parses a form-encoded body. An empty body is a valid body with no fields; deciding which
 * fields are required is the caller's job. Rejects, as `MALFORMED_BODY`, a bad `%` escape
 * (`%ZZ`, a truncated `%E4%`), bytes that are not UTF-8 after decoding, and an empty name; and,
 * as `DUPLICATE_FIELD`, a name that occurs twice after decoding.
 */
export function parseFormBody(body: Buffer): FormBodyResult {
  const fields = Object.create(null) as Record<string, string>;
  const order: string[] = [];
  const failure = forEachFormPair(body, (start, split, end) => {
    const name = decodeComponent(body, start, split);
    if (!name.ok) return { code: 'MALFORMED_BODY', reason: name.reason };
    if (name.text === '') return { code: 'MALFORMED_BODY', reason: `empty field name at byte ${start}` };
    const value = split < end ? decodeComponent(body, split + 1, end) : ({ ok: true, text: '' } as const);
    if (!value.ok) return { code: 'MALFORMED_BODY', reason: value.reason };
    if (Object.hasOwn(fields, name.text)) return { code: 'DUPLICATE_FIELD', reason: `field ${quoteName(name.text)} occurs more than once` };
    order.push(name.text);
    fields[name.text] = value.text;
    return undefined;
  });
  return failure ? { ok: false, ...failure } : { ok: true, fields, order };
}

export interface FormPairFailure<Code extends string = FormBodyErrorCode> {
  code: Code;
  reason: string;
}

/**
 * Calls `visit` with the byte ranges of each non-empty `name=value` pair of a form body, in
 * order: the pair is `[start, end)`, the name `[start, split)`, the value `[split + 1, end)`
 * (`split === end` when there is no `=`). Splits raw bytes only, so a value holding an escaped
 * `&` or `=` stays whole; decoding is the caller's. Stops at the first failure `visit` returns.
 */
export function forEachFormPair<Code extends string>(
  body: Buffer,
  visit: (start: number, split: number, end: number) => FormPairFailure<Code> | undefined,
): FormPairFailure<Code> | undefined {
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
