/**
 * "Redeliver failed and given-up deliveries" of one connection, after it was fixed: counts them
 * (a dry run) and asks first, then says how many were queued again.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { useFormat } from '../../i18n/use-format.js';
import { useRedeliverConnection } from './delivery-queries.js';

export interface RedeliverAllProps {
  connectionId: string;
  /** The connection's name, for the question; its id when it is not known. */
  connectionName: string;
}

export function RedeliverAll({ connectionId, connectionName }: RedeliverAllProps) {
  const { t } = useTranslation();
  const format = useFormat();
  const redeliver = useRedeliverConnection();
  const count = useRedeliverConnection(true);
  const [confirming, setConfirming] = useState(false);
  const queued = redeliver.data?.redelivered;
  const matched = count.data?.matched;
  return (
    <div className="redeliver-all">
      <button
        type="button"
        className="button"
        onClick={() => {
          redeliver.reset();
          count.mutate(connectionId, { onSuccess: () => setConfirming(true) });
        }}
        disabled={redeliver.isPending || count.isPending}
      >
        {t('deliveries.redeliverAll.button', { name: connectionName })}
      </button>
      <div aria-live="polite">
        {queued === undefined ? null : (
          <p className="notice notice-success">
            {queued === 0
              ? t('deliveries.redeliverAll.none')
              : t('deliveries.redeliverAll.done', {
                  count: queued,
                  formatted: format.number(queued),
                })}
          </p>
        )}
      </div>
      {redeliver.isError ? <ErrorDisplay error={redeliver.error} /> : null}
      {count.isError ? <ErrorDisplay error={count.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t('deliveries.redeliverAll.title', { name: connectionName })}
        confirmLabel={t('deliveries.redeliverAll.confirm')}
        busy={redeliver.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => redeliver.mutate(connectionId, { onSettled: () => setConfirming(false) })}
      >
        <p>{t('deliveries.redeliverAll.body')}</p>
        {matched === undefined ? null : (
          <p>
            <strong>
              {t('deliveries.redeliverAll.count', {
                count: matched,
                formatted: format.number(matched),
              })}
            </strong>
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
