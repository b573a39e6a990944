/** The interface language as a choice on the page (the header's menu does the same); remembered in this browser. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, switchLanguage } from '../../i18n/i18n.js';
import { LANGUAGES } from '../../i18n/languages.js';

export function LanguageChoice() {
  const { t, i18n } = useTranslation();
  const current = currentLanguage(i18n);
  // The choice shows at once; the language follows when its catalogue has loaded.
  const [chosen, setChosen] = useState(current);
  useEffect(() => setChosen(current), [current]);
  return (
    <CardSection title={t('settings.language.title')}>
      <fieldset className="choices">
        <legend>{t('settings.language.legend')}</legend>
        {LANGUAGES.map((language) => (
          <div key={language.code} className="field field-checkbox">
            <input
              id={`language-${language.code}`}
              type="radio"
              name="ui-language"
              value={language.code}
              checked={chosen === language.code}
              onChange={() => {
                setChosen(language.code);
                void switchLanguage(language.code, i18n);
              }}
            />
            <label
              htmlFor={`language-${language.code}`}
              className="field-label"
              lang={language.code}
            >
              {language.name}
            </label>
          </div>
        ))}
      </fieldset>
      <p className="muted">{t('settings.language.help')}</p>
    </CardSection>
  );
}
import { CardSection } from '../../components/card-section.js';
