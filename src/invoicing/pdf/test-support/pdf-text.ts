/**
 * Reads a PDF back for tests: its text line by line in reading (logical) order, and its font
 * dictionaries. pdf.js (pdf-reader.ts) returns the text pieces of a page in visual order, left
 * to right, each right-to-left word already in logical order. A line that holds Hebrew is turned
 * back into logical order here by the inverse of the display rule for a right-to-left paragraph:
 * the pieces are reversed, except that a run of Latin letters and digits (with the spaces and
 * punctuation inside it) keeps its order, and a bracket outside such a run is mirrored back. So a
 * document whose Hebrew words, numbers or Latin names were placed wrongly on the page reads back
 * wrongly and fails the test that expects the sentence.
 */
import { readPdf } from './pdf-reader.js';

interface Piece {
  text: string;
  x: number;
  y: number;
  width: number;
}

const HEBREW = /[\u0590-\u05ff\ufb1d-\ufb4f]/;
const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const DIGIT = /\p{N}/u;
/** Signs that stick to an adjacent number (UAX #9 rules W4/W5: 18%, -11.90, €5). */
const NUMBER_SIGN = /[%‰#$€₪£+\-−]/;
const MIRRORED: Readonly<Record<string, string>> = {
  '(': ')',
  ')': '(',
  '[': ']',
  ']': '[',
  '{': '}',
  '}': '{',
  '<': '>',
  '>': '<',
};
/** Pieces whose baselines differ by less than this (points) are on one line. */
const SAME_LINE = 3;
/** A horizontal gap wider than this (points) between two pieces separates two texts (cells). */
const GAP = 1.5;
/** Marks that steer the bidi algorithm but print nothing (Intl puts them into Hebrew amounts). */
const BIDI_MARKS = /[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]/g;

/** Removes the invisible direction marks from a text, as it reads back from a page. */
export function withoutBidiMarks(text: string): string {
  return text.replace(BIDI_MARKS, '');
}

type Token = { text: string; kind: 'rtl' | 'ltr' | 'neutral' };

/**
 * Splits a left-to-right piece into cores of letters and digits (with the signs that stick to a
 * number) and the neutral characters around and between them: "514567890 :" gives the core
 * "514567890" and the neutrals " " and ":", which belong to the Hebrew side.
 */
function tokens(piece: string): Token[] {
  if (HEBREW.test(piece)) return [{ text: piece, kind: 'rtl' }];
  const chars = [...piece];
  const core = chars.map((c, i) => {
    if (LETTER_OR_DIGIT.test(c)) return true;
    const touchesDigit = DIGIT.test(chars[i - 1] ?? '') || DIGIT.test(chars[i + 1] ?? '');
    return NUMBER_SIGN.test(c) && touchesDigit;
  });
  const out: Token[] = [];
  chars.forEach((c, i) => {
    const last = out.at(-1);
    if (core[i] && last?.kind === 'ltr' && core[i - 1]) last.text += c;
    else out.push({ text: c, kind: core[i] ? 'ltr' : 'neutral' });
  });
  return out;
}

/** Two left-to-right cores with only `between` (neutrals) between them read as one run (UAX #9 W4, W7, N1). */
function oneRun(left: string, between: string, right: string): boolean {
  // Digits after Latin letters take their direction (W7), and neutrals between two such runs too (N1).
  if (LETTER.test(left)) return LETTER_OR_DIGIT.test(right[0] ?? '');
  // Between two numbers only a single separator keeps them one number (W4: 1,180.00).
  return /^[,.:/+-]$/.test(between) && DIGIT.test(right[0] ?? '');
}

/**
 * One right-to-left text from its pieces in visual order (see the file comment). Neutrals
 * between Latin runs stay inside them; between numbers, or a number and Hebrew, they take the
 * paragraph's direction.
 */
function logicalRtl(visual: string[]): string {
  const all = visual.flatMap(tokens);
  const runs: Token[] = [];
  for (let i = 0; i < all.length; i += 1) {
    const token = all[i];
    if (!token) continue;
    if (token.kind !== 'ltr') {
      runs.push(token);
      continue;
    }
    let text = token.text;
    let j = i + 1;
    for (;;) {
      let k = j;
      while (all[k]?.kind === 'neutral') k += 1;
      const next = all[k];
      const between = all
        .slice(j, k)
        .map((t) => t.text)
        .join('');
      if (next?.kind !== 'ltr' || !oneRun(text, between, next.text)) break;
      text += between + next.text;
      j = k + 1;
    }
    runs.push({ text, kind: 'ltr' });
    i = j - 1;
  }
  return runs
    .reverse()
    .map((run) => (run.kind === 'neutral' ? (MIRRORED[run.text] ?? run.text) : run.text))
    .join('');
}

/** A line's texts (separated by gaps: table cells, columns) in reading order, joined by a space. */
function lineText(pieces: Piece[], direction: 'ltr' | 'rtl'): string {
  const sorted = [...pieces].sort((a, b) => a.x - b.x);
  const texts: string[][] = [];
  let end: number | null = null;
  for (const piece of sorted) {
    if (end === null || piece.x - end > GAP) texts.push([]);
    texts.at(-1)?.push(piece.text);
    end = piece.x + piece.width;
  }
  const read = direction === 'rtl' ? texts.reverse().map(logicalRtl) : texts.map((t) => t.join(''));
  // No-break spaces (Intl puts them between amount and currency) read back as plain spaces.
  return read
    .join(' ')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Every page's lines, top to bottom, in logical order; `direction` is the document's. */
export async function pdfLines(
  bytes: Uint8Array,
  direction: 'ltr' | 'rtl' = 'ltr',
): Promise<string[][]> {
  return readPdf(bytes, async (pdf) => {
    const pages: string[][] = [];
    for (let n = 1; n <= pdf.numPages; n += 1) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const pieces: Piece[] = [];
      for (const item of content.items) {
        if (!('str' in item) || item.str === '') continue;
        pieces.push({
          text: item.str,
          x: Number(item.transform[4]),
          y: Number(item.transform[5]),
          width: item.width,
        });
      }
      pieces.sort((a, b) => b.y - a.y);
      const lines: Piece[][] = [];
      for (const piece of pieces) {
        const line = lines.find((l) => Math.abs((l[0]?.y ?? Infinity) - piece.y) < SAME_LINE);
        if (line) line.push(piece);
        else lines.push([piece]);
      }
      pages.push(lines.map((line) => lineText(line, direction)).filter((line) => line !== ''));
    }
    return pages;
  });
}

export interface PdfFont {
  baseFont: string;
  subtype: string;
}

/**
 * The font dictionaries of a PDF written without object streams (as react-pdf's pdfkit writes
 * it: dictionaries in plain text, only stream contents compressed), and whether every font
 * descriptor carries an embedded font program.
 */
export function pdfFonts(bytes: Uint8Array): {
  fonts: PdfFont[];
  descriptors: number;
  embeddedPrograms: number;
} {
  const text = Buffer.from(bytes).toString('latin1');
  const fonts: PdfFont[] = [];
  for (const match of text.matchAll(/<<((?:(?!>>)[\s\S])*?\/Type \/Font\b(?:(?!>>)[\s\S])*?)>>/g)) {
    const body = match[1] ?? '';
    const baseFont = /\/BaseFont \/([^\s/>]+)/.exec(body)?.[1];
    const subtype = /\/Subtype \/([^\s/>]+)/.exec(body)?.[1];
    if (baseFont && subtype) fonts.push({ baseFont, subtype });
  }
  const descriptors = text.match(/\/Type \/FontDescriptor\b/g)?.length ?? 0;
  const embeddedPrograms = text.match(/\/FontFile[23]? \d+ 0 R/g)?.length ?? 0;
  return { fonts, descriptors, embeddedPrograms };
}
