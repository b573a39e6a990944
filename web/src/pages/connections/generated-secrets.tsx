/**
 * Secrets the server generated for a connection (the webhook's signing secret): shown once,
 * right after it was created, to be copied into the target. Held in memory only; once the page
 * is left, "Done" pressed or the browser reloaded they are gone for good (replace the secret
 * to get a new one).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/copy-button.js';
import type { DescribeField } from '../../schema-form/form-context.js';
import { asSchema } from '../../schema-form/json-schema.js';
import type { ConnectorEntry } from './connection-types.js';
import { generatedSecretsKey } from './connection-queries.js';

export function GeneratedSecrets({
  connectionId,
  connector,
  describe,
}: {
  connectionId: string;
  connector: ConnectorEntry | undefined;
  describe: DescribeField;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const key = generatedSecretsKey(connectionId);
  // Put there by the create; gone once this page is left (gcTime 0) or "Done" is pressed.
  const secrets = useQuery({
    queryKey: key,
    queryFn: () => ({}) as Record<string, string>,
    enabled: false,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
  });
  const entries = Object.entries(secrets.data ?? {});
  if (entries.length === 0) return null;
  const schema = asSchema(connector?.configSchema);
  return (
    <section className="notice notice-warning generated-secrets" aria-labelledby="secrets-title">
      <h2 id="secrets-title">{t('connections.secrets.title')}</h2>
      <p>{t('connections.secrets.intro')}</p>
      <dl className="facts">
        {entries.map(([field, value]) => {
          const label = describe(field.split('.'), schema.properties?.[field] ?? {}).title;
          return (
            <Fragment key={field}>
              <dt>{label}</dt>
              <dd>
                <code dir="ltr">{value}</code> <CopyButton text={value} label={label} />
              </dd>
            </Fragment>
          );
        })}
      </dl>
      <button type="button" className="button" onClick={() => queryClient.setQueryData(key, {})}>
        {t('connections.secrets.done')}
      </button>
    </section>
  );
}
