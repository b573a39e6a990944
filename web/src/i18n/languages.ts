/**
 * The languages of the UI and how one is chosen: the one the user picked (remembered in this
 * browser), else the first of the browser's languages that the UI speaks, else English.
 */
export const LANGUAGES = [
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'it', name: 'Italiano', dir: 'ltr' },
  { code: 'he', name: 'עברית', dir: 'rtl' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];
export type Direction = (typeof LANGUAGES)[number]['dir'];

export const DEFAULT_LANGUAGE: LanguageCode = 'en';

/** Old or alternative tags browsers still send for the same languages. */
const ALIASES: Readonly<Record<string, LanguageCode>> = { iw: 'he' };

export function isLanguage(value: unknown): value is LanguageCode {
  return typeof value === 'string' && LANGUAGES.some((language) => language.code === value);
}

/** The UI language a BCP 47 tag asks for (`de-AT` → `de`, `iw` → `he`), if the UI has it. */
export function languageOfTag(tag: string): LanguageCode | undefined {
  const base = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  const code = ALIASES[base] ?? base;
  return isLanguage(code) ? code : undefined;
}

export function pickLanguage(
  stored: string | null,
  browserLanguages: readonly string[],
): LanguageCode {
  if (isLanguage(stored)) return stored;
  for (const tag of browserLanguages) {
    const language = languageOfTag(tag);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}

/**
 * The locale for dates and numbers: the browser's own tag when it is of the chosen language
 * (a Swiss browser formats German as `de-CH`), else the language itself.
 */
export function localeFor(language: LanguageCode, browserLanguages: readonly string[]): string {
  for (const tag of browserLanguages) {
    if (languageOfTag(tag) !== language) continue;
    try {
      return Intl.getCanonicalLocales(tag)[0] ?? language;
    } catch {
      return language;
    }
  }
  return language;
}

export function directionOf(language: LanguageCode): Direction {
  return LANGUAGES.find((entry) => entry.code === language)?.dir ?? 'ltr';
}
