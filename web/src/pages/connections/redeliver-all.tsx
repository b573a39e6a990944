/**
 * "Redeliver all": after fixing a connection, every delivery of it that gave up or failed is
 * queued once more (in event order per order), after a confirmation; the answer says how many.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorDisplay } from '../../components/error-display.js';
import type { Connection } from './connection-types.js';
import { useRedeliverAll } from './connection-queries.js';

export function RedeliverAll({ connection }: { connection: Pick<Connection, 'id' | 'name' | 'dead' | 'failed'> }) {
  const { t } = useTranslation();
  const redeliver = useRedeliverAll(connection.id);
  const [confirming, setConfirming] = useState(false);
  const waiting = connection.dead + connection.failed;
  return (
    <div className="redeliver-all">
      <button type="button" className="button" onClick={() => setConfirming(true)} disabled={waiting === 0 || redeliver.isPending}>
        {t('connections.redeliver.button')}
      </button>
      {waiting === 0 && !redeliver.data ? <p className="muted">{t('connections.redeliver.nothing')}</p> : null}
      <div aria-live="polite">
        {redeliver.data ? (
          <p className="notice notice-success">{t('connections.redeliver.done', { count: redeliver.data.redelivered })}</p>
        ) : null}
      </div>
      {redeliver.isError ? <ErrorDisplay error={redeliver.error} /> : null}
      <ConfirmDialog
        open={confirming}
        title={t('connections.redeliver.confirmTitle', { name: connection.name })}
        confirmLabel={t('connections.redeliver.confirm')}
        busy={redeliver.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() => redeliver.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        <p>{t('connections.redeliver.confirmBody', { count: waiting })}</p>
      </ConfirmDialog>
    </div>
  );
}
