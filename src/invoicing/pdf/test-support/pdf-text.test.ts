import { Document, Page, Text, renderToBuffer } from '@react-pdf/renderer';
import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { FONT_FAMILY, registerDocumentFonts } from '../fonts.js';
import { pdfLines } from './pdf-text.js';

/** One page with one line of text laid out in the given paragraph direction. */
async function pageWith(text: string, direction: 'ltr' | 'rtl'): Promise<Uint8Array> {
  registerDocumentFonts();
  const style = {
    fontFamily: FONT_FAMILY,
    direction,
    textAlign: direction === 'rtl' ? 'right' : 'left',
  } as const;
  return new Uint8Array(
    await renderToBuffer(h(Document, null, h(Page, null, h(Text, { style }, text)))),
  );
}

describe('pdfLines', () => {
  const sentence = 'קורס Python למתחילים (חדש): 3 × 99.00 ₪';

  it('reads a right-to-left paragraph back in logical order', async () => {
    expect(await pdfLines(await pageWith(sentence, 'rtl'), 'rtl')).toEqual([[sentence]]);
  });

  it('does not read the same words back in order when they were laid out left to right', async () => {
    // Laid out as a left-to-right paragraph, the Hebrew words stand in another visual order: a
    // document placed like this must fail the tests that expect the sentence.
    const [[line]] = (await pdfLines(await pageWith(sentence, 'ltr'), 'rtl')) as [[string]];
    expect(line).not.toBe(sentence);
  });

  it('reads left-to-right text as it stands', async () => {
    expect(await pdfLines(await pageWith('Gesamtbetrag 1.213,80 €', 'ltr'))).toEqual([
      ['Gesamtbetrag 1.213,80 €'],
    ]);
  });
});
