/**
 * The fonts embedded in every document: Noto Sans for Latin scripts (and €, ₪) and Noto Sans
 * Hebrew, as TrueType files from npm packages (SIL Open Font License 1.1, which allows embedding
 * in documents). They are read from node_modules: nothing is downloaded while rendering.
 * react-pdf picks, character by character, the first family in FONT_FAMILY that has a glyph.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Font } from '@react-pdf/renderer';

export const LATIN_FAMILY = 'IpnhubNotoSans';
export const HEBREW_FAMILY = 'IpnhubNotoSansHebrew';
/** The fallback chain every text style uses. */
export const FONT_FAMILY = [LATIN_FAMILY, HEBREW_FAMILY];

const require = createRequire(import.meta.url);

/** The `fonts/` folder of a font package (their `exports` hide every path but the main entry). */
function fontFolder(packageName: string): string {
  return join(dirname(require.resolve(packageName)), '..', 'fonts');
}

export interface FontFile {
  family: string;
  weight: 400 | 700;
  path: string;
}

export function documentFontFiles(): FontFile[] {
  const latin = fontFolder('@embedpdf/fonts-latin');
  const hebrew = fontFolder('@embedpdf/fonts-hebrew');
  return [
    { family: LATIN_FAMILY, weight: 400, path: join(latin, 'NotoSans-Regular.ttf') },
    { family: LATIN_FAMILY, weight: 700, path: join(latin, 'NotoSans-Bold.ttf') },
    { family: HEBREW_FAMILY, weight: 400, path: join(hebrew, 'NotoSansHebrew-Regular.ttf') },
    { family: HEBREW_FAMILY, weight: 700, path: join(hebrew, 'NotoSansHebrew-Bold.ttf') },
  ];
}

let registered = false;

/** Registers the fonts with react-pdf once per process (react-pdf keeps them parsed after the first use). */
export function registerDocumentFonts(): void {
  if (registered) return;
  const files = documentFontFiles();
  for (const family of [LATIN_FAMILY, HEBREW_FAMILY]) {
    Font.register({
      family,
      fonts: files
        .filter((f) => f.family === family)
        .map((f) => ({ src: f.path, fontWeight: f.weight })),
    });
  }
  // react-pdf hyphenates English words by default; names, numbers and e-mail addresses on an
  // invoice must never be split with an inserted hyphen, so words only wrap whole.
  Font.registerHyphenationCallback((word) => [word]);
  registered = true;
}
