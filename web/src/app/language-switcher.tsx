import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, switchLanguage } from '../i18n/i18n.js';
import { LANGUAGES, isLanguage } from '../i18n/languages.js';

/** The language menu: each language in its own name and script; the choice is remembered. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <div className="language-switcher">
      <label htmlFor={id}>{t('app.language')}</label>
      <select
        id={id}
        className="input"
        value={currentLanguage(i18n)}
        onChange={(e) => {
          if (isLanguage(e.target.value)) void switchLanguage(e.target.value, i18n);
        }}
      >
        {LANGUAGES.map((language) => (
          <option key={language.code} value={language.code} lang={language.code}>
            {language.name}
          </option>
        ))}
      </select>
    </div>
  );
}
