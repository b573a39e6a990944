/**
 * windows-1252, PayPal's most common IPN charset (docs/protocols/paypal.md#ipn-transport-and-character-set), both directions,
 * per the WHATWG Encoding Standard's index-windows-1252: ISO-8859-1 except for 0x80–0x9F,
 * where 27 bytes are printable characters (0x80 is `€`) and five map to C1 controls.
 *
 * Why not `TextDecoder('windows-1252')`: since v20.18.3 / v22.13.0 Node decodes that label
 * through its Latin-1 fast path, so 0x80 comes out as U+0080 instead of `€`
 * (nodejs/node#56542, #60888; seen on v20.20.2). The table below does not depend on the runtime.
 */

/** Code points of bytes 0x80–0x9F (WHATWG index-windows-1252, pointers 0–31). */
const C1_RANGE: readonly number[] = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
];

const C1_CHARS = C1_RANGE.map((codePoint) => String.fromCodePoint(codePoint));

const BYTE_BY_CODE_POINT: ReadonlyMap<number, number> = new Map(
  C1_RANGE.map((codePoint, i) => [codePoint, 0x80 + i]),
);

const QUESTION_MARK = 0x3f;

/** `bytes` as windows-1252 text. Every byte is a character, so this cannot fail. */
export function decodeWindows1252(bytes: Uint8Array): string {
  // Latin-1 is right for every byte outside 0x80–0x9F; those are then swapped for the table's.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/[\x80-\x9f]/g, (char) => C1_CHARS[char.charCodeAt(0) - 0x80] ?? char);
}

/** `text` as windows-1252 bytes; each character the charset cannot represent becomes `?`. */
export function encodeWindows1252(text: string): Buffer {
  const bytes: number[] = [];
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? -1;
    const direct = codePoint < 0x80 || (codePoint >= 0xa0 && codePoint <= 0xff);
    bytes.push(direct ? codePoint : (BYTE_BY_CODE_POINT.get(codePoint) ?? QUESTION_MARK));
  }
  return Buffer.from(bytes);
}
