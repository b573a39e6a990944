/** Settings: the installation's facts, the language, a test e-mail and rotating the admin token. */
import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/page-header.js';
import { LanguageChoice } from './language-choice.js';
import { RotateToken } from './rotate-token.js';
import { SystemFacts } from './system-facts.js';
import { TestEmail } from './test-email.js';

export function SettingsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.settings')} description={t('settings.description')} />
      <SystemFacts />
      <LanguageChoice />
      <TestEmail />
      <RotateToken />
    </>
  );
}
