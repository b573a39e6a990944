/** Switches a connection on or off at once (on its card and its page): while off, no deliveries are made for it. */
import { useTranslation } from 'react-i18next';
import { ErrorDisplay } from '../../components/error-display.js';
import type { Connection } from './connection-types.js';
import { useSetActive } from './connection-queries.js';

export function ActiveSwitch({
  connection,
}: {
  connection: Pick<Connection, 'id' | 'name' | 'active'>;
}) {
  const { t } = useTranslation();
  const setActive = useSetActive(connection);
  const checked = setActive.isPending
    ? (setActive.variables ?? connection.active)
    : connection.active;
  const id = `active-${connection.id}`;
  return (
    <div className="active-switch">
      <input
        id={id}
        type="checkbox"
        // biome-ignore lint/a11y/useAriaPropsForRole: a checkbox input's own checked state is the switch's state; ARIA in HTML says not to repeat it in aria-checked
        role="switch"
        checked={checked}
        aria-label={t('connections.activeFor', { name: connection.name })}
        onChange={(event) => setActive.mutate(event.target.checked)}
        disabled={setActive.isPending}
      />
      <label htmlFor={id}>{checked ? t('connections.active') : t('connections.inactive')}</label>
      {setActive.isError ? <ErrorDisplay error={setActive.error} /> : null}
    </div>
  );
}
