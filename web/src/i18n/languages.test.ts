import { describe, expect, it } from 'vitest';
import { directionOf, languageOfTag, localeFor, pickLanguage } from './languages.js';

describe('choosing the language', () => {
  it('keeps the remembered choice over the browser', () => {
    expect(pickLanguage('he', ['de-DE', 'en'])).toBe('he');
  });

  it('takes the first browser language the UI speaks, by its base language', () => {
    expect(pickLanguage(null, ['fr-FR', 'it-CH', 'de'])).toBe('it');
    expect(pickLanguage(null, ['de-AT'])).toBe('de');
    expect(pickLanguage(null, ['iw-IL'])).toBe('he');
    expect(pickLanguage('xx', ['pt-BR'])).toBe('en');
    expect(pickLanguage(null, [])).toBe('en');
  });

  it('reads tags in any case and with underscores', () => {
    expect(languageOfTag('DE_ch')).toBe('de');
    expect(languageOfTag('he')).toBe('he');
    expect(languageOfTag('fr')).toBeUndefined();
  });

  it('formats with the browser’s regional locale when it is of the chosen language', () => {
    expect(localeFor('de', ['de-CH', 'en-US'])).toBe('de-CH');
    expect(localeFor('he', ['en-US', 'he-IL'])).toBe('he-IL');
    expect(localeFor('it', ['de-DE'])).toBe('it');
  });

  it('writes Hebrew right to left and the others left to right', () => {
    expect(directionOf('he')).toBe('rtl');
    expect(['de', 'en', 'it'].map((code) => directionOf(code as 'de'))).toEqual([
      'ltr',
      'ltr',
      'ltr',
    ]);
  });
});
