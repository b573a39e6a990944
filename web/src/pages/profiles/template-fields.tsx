/**
 * The mail texts of a profile: per language, the buyer's mail and the seller's notice for an
 * invoice and for a credit note, and the mails of a Digistore24 sale (with Digistore24's own
 * invoice links). Empty means the standard text (shown as the placeholder); each mail lists the
 * placeholders the server fills in for it.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { TextAreaField, TextField } from '../../components/form-field.js';
import {
  DEFAULT_MAIL_TEMPLATES,
  DOCUMENT_LANGUAGES,
  MAIL_TEMPLATE_KEYS,
  placeholdersOf,
} from './mail-texts.js';
import type { DocumentLanguage, MailTemplateKey } from './mail-texts.js';
import type { ProfileProblems, TemplatesValue } from './profile-form-value.js';

export interface TemplateFieldsProps {
  value: TemplatesValue;
  problems: ProfileProblems;
  disabled: boolean;
  onChange(value: TemplatesValue): void;
}

/** Memoized: four languages of six mails each are not rendered again for a key typed in another field. */
export const TemplateFields = memo(function TemplateFields({
  value,
  problems,
  disabled,
  onChange,
}: TemplateFieldsProps) {
  const { t } = useTranslation();
  const set = (
    language: DocumentLanguage,
    key: MailTemplateKey,
    part: 'subject' | 'body',
    text: string,
  ): void =>
    onChange({
      ...value,
      [language]: { ...value[language], [key]: { ...value[language][key], [part]: text } },
    });
  const changed = (language: DocumentLanguage): number =>
    MAIL_TEMPLATE_KEYS.filter(
      (key) => value[language][key].subject !== '' || value[language][key].body !== '',
    ).length;
  return (
    <fieldset>
      <legend>{t('profiles.templates.title')}</legend>
      <p className="muted">{t('profiles.templates.help')}</p>
      {DOCUMENT_LANGUAGES.map((language) => {
        // The texts are written in their own language, whatever the page's is.
        const direction = language === 'he' ? 'rtl' : 'ltr';
        const languageProblems = [...problems.keys()].some((path) =>
          path.startsWith(`settings.templates.${language}`),
        );
        return (
          <details key={language} className="template-editor" open={languageProblems || undefined}>
            <summary>
              {t(`documents.language.${language}`)} ·{' '}
              {t('profiles.templates.changed', { count: changed(language) })}
            </summary>
            {MAIL_TEMPLATE_KEYS.map((key) => {
              const path = `settings.templates.${language}.${key}`;
              const standard = DEFAULT_MAIL_TEMPLATES[language][key];
              const label = `${t(`profiles.templates.key.${key}`)} (${t(`documents.language.${language}`)})`;
              return (
                <div key={key}>
                  <p className="muted">
                    {t('profiles.templates.placeholders')}{' '}
                    <code dir="ltr">
                      {placeholdersOf(key)
                        .map((name) => `{{${name}}}`)
                        .join(' ')}
                    </code>
                  </p>
                  <TextField
                    label={t('profiles.templates.subject', { mail: label })}
                    value={value[language][key].subject}
                    placeholder={standard.subject}
                    lang={language}
                    dir={direction}
                    maxLength={300}
                    error={problems.get(`${path}.subject`)}
                    disabled={disabled}
                    onChange={(text) => set(language, key, 'subject', text)}
                  />
                  <TextAreaField
                    label={t('profiles.templates.body', { mail: label })}
                    value={value[language][key].body}
                    placeholder={standard.body}
                    lang={language}
                    dir={direction}
                    rows={6}
                    maxLength={10_000}
                    error={problems.get(`${path}.body`)}
                    disabled={disabled}
                    onChange={(text) => set(language, key, 'body', text)}
                  />
                </div>
              );
            })}
          </details>
        );
      })}
    </fieldset>
  );
});
