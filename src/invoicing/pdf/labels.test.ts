import { describe, expect, it } from 'vitest';
import { DOCUMENT_LANGUAGES } from '../document-snapshot.js';
import { DOCUMENT_LABELS } from './labels.js';
import { LEGAL_NOTES } from './legal-notes.js';

/** Every leaf of a label table: its dotted key and what it prints (functions are called with markers). */
function leaves(value: unknown, path = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function') return [[path, String(value('⟨a⟩', '⟨b⟩'))]];
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) =>
      leaves(child, path ? `${path}.${key}` : key),
    );
  }
  throw new Error(`${path}: unexpected ${typeof value}`);
}

describe.each([
  ['DOCUMENT_LABELS', DOCUMENT_LABELS],
  ['LEGAL_NOTES', LEGAL_NOTES],
] as const)('%s', (_name, table) => {
  const reference = new Map(leaves(table.en));

  it.each(DOCUMENT_LANGUAGES)('%s has every key, each with a text', (language) => {
    const own = new Map(leaves(table[language]));
    expect([...own.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [key, text] of own) expect(text.trim(), `${language}.${key}`).not.toBe('');
  });

  it.each(DOCUMENT_LANGUAGES)('%s prints what its texts are given', (language) => {
    for (const [key, text] of leaves(table[language])) {
      if (reference.get(key)?.includes('⟨a⟩')) expect(text, `${language}.${key}`).toContain('⟨a⟩');
      if (reference.get(key)?.includes('⟨b⟩')) expect(text, `${language}.${key}`).toContain('⟨b⟩');
    }
  });
});

describe('the languages', () => {
  it('Hebrew reads right to left, the others left to right', () => {
    expect(DOCUMENT_LANGUAGES.map((l) => DOCUMENT_LABELS[l].direction)).toEqual([
      'ltr',
      'ltr',
      'ltr',
      'rtl',
    ]);
  });

  it('each names a locale Intl knows', () => {
    for (const language of DOCUMENT_LANGUAGES) {
      const locale = DOCUMENT_LABELS[language].locale;
      expect(Intl.NumberFormat.supportedLocalesOf([locale])).toEqual([locale]);
      expect(locale.startsWith(language)).toBe(true);
    }
  });
});
