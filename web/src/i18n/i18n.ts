/**
 * i18next set up for the UI: one catalogue per language (locales/*.json), loaded on demand so
 * only the chosen language travels with the first page. The chosen language is remembered in
 * localStorage (the language only: nothing else of the user's is stored in the browser) and
 * set on `<html lang dir>`, which is all Hebrew needs: the styles use logical properties.
 */
import i18next from 'i18next';
import type { i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type en from './locales/en.json';
import { directionOf, isLanguage, localeFor, pickLanguage } from './languages.js';
import type { LanguageCode } from './languages.js';

/**
 * The catalogue as the compiler checks `t()` keys against. Config field labels
 * (`configFields`) are read by keys built at run time (dynamic-text.ts), never through `t()`;
 * left out of the type, their hundreds of keys do not make every `t()` call slower to check.
 */
export type Catalogue = Omit<typeof en, 'configFields'>;

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Catalogue };
  }
}

export const LANGUAGE_STORAGE_KEY = 'ipnhub.language';

const CATALOGUES: Record<LanguageCode, () => Promise<{ default: Catalogue }>> = {
  de: () => import('./locales/de.json'),
  en: () => import('./locales/en.json'),
  it: () => import('./locales/it.json'),
  he: () => import('./locales/he.json'),
};

function storedLanguage(): string | null {
  try {
    return window.localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

function browserLanguages(): readonly string[] {
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

function applyToDocument(language: LanguageCode): void {
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

async function ensureCatalogue(instance: I18n, language: LanguageCode): Promise<void> {
  if (instance.hasResourceBundle(language, 'translation')) return;
  const catalogue = await CATALOGUES[language]();
  instance.addResourceBundle(language, 'translation', catalogue.default);
}

/** Starts i18next in the language the browser asks for (or the remembered one), catalogue loaded. */
export async function startI18n(instance: I18n = i18next): Promise<I18n> {
  const language = pickLanguage(storedLanguage(), browserLanguages());
  await instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: false,
    resources: {},
    partialBundledLanguages: true,
    interpolation: { escapeValue: false },
    returnEmptyString: false,
  });
  await ensureCatalogue(instance, language);
  await instance.changeLanguage(language);
  applyToDocument(language);
  return instance;
}

/** Switches the UI language and remembers it for this browser. */
export async function switchLanguage(
  language: LanguageCode,
  instance: I18n = i18next,
): Promise<void> {
  await ensureCatalogue(instance, language);
  await instance.changeLanguage(language);
  try {
    window.localStorage.setItem(LANGUAGE_STORAGE_KEY, language);
  } catch {
    // Private mode without storage: the choice holds until the page is closed.
  }
  applyToDocument(language);
}

export function currentLanguage(instance: I18n = i18next): LanguageCode {
  return isLanguage(instance.language) ? instance.language : pickLanguage(null, browserLanguages());
}

export function currentLocale(instance: I18n = i18next): string {
  return localeFor(currentLanguage(instance), browserLanguages());
}
