import { describe, expect, it } from 'vitest';
import { decodeWindows1252, encodeWindows1252 } from './windows-1252.js';

/** WHATWG index-windows-1252 for 0x80–0x9F, written out independently of the implementation. */
const C1: Array<[number, string]> = [
  [0x80, '€'],
  [0x81, '\u0081'],
  [0x82, '‚'],
  [0x83, 'ƒ'],
  [0x84, '„'],
  [0x85, '…'],
  [0x86, '†'],
  [0x87, '‡'],
  [0x88, 'ˆ'],
  [0x89, '‰'],
  [0x8a, 'Š'],
  [0x8b, '‹'],
  [0x8c, 'Œ'],
  [0x8d, '\u008d'],
  [0x8e, 'Ž'],
  [0x8f, '\u008f'],
  [0x90, '\u0090'],
  [0x91, '‘'],
  [0x92, '’'],
  [0x93, '“'],
  [0x94, '”'],
  [0x95, '•'],
  [0x96, '–'],
  [0x97, '—'],
  [0x98, '˜'],
  [0x99, '™'],
  [0x9a, 'š'],
  [0x9b, '›'],
  [0x9c, 'œ'],
  [0x9d, '\u009d'],
  [0x9e, 'ž'],
  [0x9f, 'Ÿ'],
];

describe('decodeWindows1252', () => {
  it('decodes 0x80–0x9F by the WHATWG table, not as ISO-8859-1', () => {
    for (const [byte, char] of C1)
      expect(decodeWindows1252(Uint8Array.of(byte)), `0x${byte.toString(16)}`).toBe(char);
  });

  it('decodes ASCII and 0xA0–0xFF as ISO-8859-1', () => {
    expect(decodeWindows1252(Buffer.from([0x4a, 0xf6, 0x72, 0x67, 0x20, 0xa0, 0xdf, 0xff]))).toBe(
      'Jörg \u00a0ßÿ',
    );
  });

  it('decodes a subarray by its own bounds', () => {
    const bytes = Buffer.from([0x41, 0x80, 0x42, 0x43]);
    expect(decodeWindows1252(bytes.subarray(1, 3))).toBe('€B');
  });
});

describe('encodeWindows1252', () => {
  it('is the inverse of the decoder for every byte', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(encodeWindows1252(decodeWindows1252(all))).toEqual(all);
  });

  it('writes the euro sign, dashes and quotes as their single bytes', () => {
    expect([...encodeWindows1252('€ – “x” Jörg')]).toEqual([
      0x80, 0x20, 0x96, 0x20, 0x93, 0x78, 0x94, 0x20, 0x4a, 0xf6, 0x72, 0x67,
    ]);
  });

  it('writes ? for each character it cannot represent, astral ones included', () => {
    expect(encodeWindows1252('a\u0080b€ł😀').toString('latin1')).toBe('a?b\x80??');
  });
});
