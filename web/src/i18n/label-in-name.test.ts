/**
 * A button whose visible word is short ("Copy") and whose accessible name says more ("Copy
 * Inbound URL") must contain the visible word in its name, in every language (WCAG 2.5.3
 * "Label in Name"; axe's label-content-name-mismatch): people who steer by voice say what they
 * see. Hebrew needs care here, as its construct form changes the word ("העתקה" → "העתקת"), so
 * its names start with the visible word itself ("העתקה: כתובת קבלה").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from './languages.js';

type Tree = { [key: string]: string | Tree };

/** [visible text, accessible name] of the buttons and links that carry an `aria-label` besides their text. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['common.copy', 'common.copyLabel'],
  ['form.replace', 'form.replaceLabel'],
  ['form.removeSecret', 'form.removeSecretLabel'],
  ['form.add', 'form.addEntryLabel'],
  ['form.remove', 'form.removeEntryLabel'],
  ['connections.choose', 'connections.addConnector'],
  ['connections.health.open', 'connections.health.openLast'],
];

function text(tree: Tree, key: string): string {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`no text ${key}`);
  return node;
}

describe.each(LANGUAGES.map(({ code }) => code))('%s', (code) => {
  const catalogue = JSON.parse(
    readFileSync(new URL(`./locales/${code}.json`, import.meta.url), 'utf8'),
  ) as Tree;

  it.each(PAIRS)('names the %s button with its visible text', (visibleKey, nameKey) => {
    const visible = text(catalogue, visibleKey).toLocaleLowerCase(code);
    expect(text(catalogue, nameKey).toLocaleLowerCase(code)).toContain(visible);
  });
});
