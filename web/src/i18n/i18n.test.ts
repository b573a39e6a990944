// @vitest-environment jsdom
import i18next from 'i18next';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  currentLanguage,
  currentLocale,
  LANGUAGE_STORAGE_KEY,
  startI18n,
  switchLanguage,
} from './i18n.js';

function browserLanguages(languages: string[]): void {
  Object.defineProperty(navigator, 'languages', { value: languages, configurable: true });
}

describe('starting the UI language', () => {
  beforeEach(() => localStorage.clear());

  it('follows the browser, loads only that catalogue and sets lang and dir on <html>', async () => {
    browserLanguages(['he-IL', 'en-US']);
    const i18n = await startI18n(i18next.createInstance());
    expect(currentLanguage(i18n)).toBe('he');
    expect(currentLocale(i18n)).toBe('he-IL');
    expect(i18n.t('nav.sources')).toBe('מקורות');
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(false);
    expect(document.documentElement.lang).toBe('he');
    expect(document.documentElement.dir).toBe('rtl');
  });

  it('prefers the language chosen before, and remembers a new choice', async () => {
    browserLanguages(['de-DE']);
    localStorage.setItem(LANGUAGE_STORAGE_KEY, 'it');
    const i18n = await startI18n(i18next.createInstance());
    expect(i18n.t('nav.sources')).toBe('Sorgenti');
    expect(document.documentElement.dir).toBe('ltr');
    await switchLanguage('de', i18n);
    expect(i18n.t('nav.sources')).toBe('Quellen');
    expect(localStorage.getItem(LANGUAGE_STORAGE_KEY)).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    expect(currentLocale(i18n)).toBe('de-DE');
  });
});
