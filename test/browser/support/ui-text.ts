/**
 * The UI's own texts, read from its catalogues (web/src/i18n/locales/*.json), so a browser test
 * can name a control in any language the way a user sees it: `uiText('de', 'signIn.submit')`.
 * `{{name}}` placeholders are filled from `values`; a key missing from the catalogue throws.
 */
import { readFileSync } from 'node:fs';

export type UiLanguage = 'de' | 'en' | 'it' | 'he';

type Catalogue = { [key: string]: string | Catalogue };

const catalogues = new Map<UiLanguage, Catalogue>();

function catalogue(language: UiLanguage): Catalogue {
  let loaded = catalogues.get(language);
  if (!loaded) {
    loaded = JSON.parse(
      readFileSync(
        new URL(`../../../web/src/i18n/locales/${language}.json`, import.meta.url),
        'utf8',
      ),
    ) as Catalogue;
    catalogues.set(language, loaded);
  }
  return loaded;
}

export function uiText(
  language: UiLanguage,
  key: string,
  values: Readonly<Record<string, string | number>> = {},
): string {
  let node: string | Catalogue | undefined = catalogue(language);
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  if (typeof node !== 'string') throw new Error(`The ${language} catalogue has no text ${key}`);
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_whole, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${language} ${key} needs a value for ${name}`);
    return String(value);
  });
}

/** A browser of a user of each language: its locale and time zone. */
export const BROWSER_OF: Readonly<Record<UiLanguage, { locale: string; timezoneId: string }>> = {
  de: { locale: 'de-DE', timezoneId: 'Europe/Berlin' },
  en: { locale: 'en-US', timezoneId: 'Europe/Berlin' },
  it: { locale: 'it-IT', timezoneId: 'Europe/Rome' },
  he: { locale: 'he-IL', timezoneId: 'Asia/Jerusalem' },
};
