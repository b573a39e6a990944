/**
 * Why and since when ipnhub switched a connection off on its own (its deliveries kept failing
 * for `autoDisableAfterDays`): shown on its card and its page while it is off. The reason is
 * the server's text, in English.
 */
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/use-format.js';
import type { Connection } from './connection-types.js';

export function SwitchedOffNotice({
  connection,
}: {
  connection: Pick<Connection, 'active' | 'disabledAt' | 'disabledReason'>;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  if (connection.active || connection.disabledAt === null) return null;
  return (
    <div className="switched-off-notice" role="note">
      <p>{t('connections.switchedOff.text', { date: format.dateTime(connection.disabledAt) })}</p>
      {connection.disabledReason ? (
        <p>
          {t('connections.switchedOff.reason')} <span lang="en">{connection.disabledReason}</span>
        </p>
      ) : null}
    </div>
  );
}
