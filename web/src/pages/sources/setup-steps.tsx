/**
 * What to do at the provider so that its notifications reach a source, step by step in the
 * user's language: Digistore24's IPN connection, PayPal's IPN settings, PayPal's webhook (then
 * its Webhook ID). Providers without steps of their own get the one step every provider needs.
 */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Source } from '../../api/types.js';
import { InboundUrl } from './source-card.js';

function HttpsWarning({ url }: { url: string }) {
  const { t } = useTranslation();
  if (url.startsWith('https://')) return null;
  return (
    <p className="notice notice-warning" role="note">
      {t('setup.httpsWarning')}
    </p>
  );
}

/** A note on the add form, for values that are only known later. */
export function SetupHint({ providerId }: { providerId: string }) {
  const { t } = useTranslation();
  if (providerId !== 'paypal-webhooks') return null;
  return <p className="notice">{t('setup.paypal-webhooks.createHint')}</p>;
}

export function SetupSteps({ source }: { source: Source }) {
  const { t } = useTranslation();
  // The step that asks for the address shows it, with its copy button.
  const withUrl = (text: string): ReactNode => (
    <>
      {text}
      <InboundUrl url={source.inboundUrl} />
    </>
  );
  let steps: ReactNode[];
  switch (source.provider) {
    case 'digistore24':
      steps = [
        t('setup.digistore24.step1'),
        withUrl(t('setup.digistore24.step2')),
        t('setup.digistore24.step3'),
        t('setup.digistore24.step4'),
        t('setup.digistore24.step5'),
        t('setup.digistore24.step6'),
      ];
      break;
    case 'paypal-ipn':
      steps = [
        t('setup.paypal-ipn.step1'),
        withUrl(t('setup.paypal-ipn.step2')),
        t('setup.paypal-ipn.step3'),
        t('setup.paypal-ipn.step4'),
        t('setup.paypal-ipn.step5'),
      ];
      break;
    case 'paypal-webhooks':
      steps = [
        t('setup.paypal-webhooks.step1'),
        withUrl(t('setup.paypal-webhooks.step2')),
        t('setup.paypal-webhooks.step3'),
        <>
          {t('setup.paypal-webhooks.step4')}{' '}
          <Link className="button button-small" to={`/sources/${source.id}/edit`}>
            {t('setup.paypal-webhooks.setWebhookId')}
          </Link>
        </>,
        t('setup.paypal-webhooks.step5'),
      ];
      break;
    default:
      steps = [withUrl(t('setup.generic.step1'))];
  }
  return (
    <section className="setup" aria-labelledby="setup-title">
      <h2 id="setup-title">{t('setup.title')}</h2>
      <HttpsWarning url={source.inboundUrl} />
      <ol className="setup-steps">
        {steps.map((step, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the fixed steps of a guide, never reordered; the position is the step's number
          <li key={index}>{step}</li>
        ))}
      </ol>
    </section>
  );
}
