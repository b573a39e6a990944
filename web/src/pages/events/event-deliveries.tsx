/** Where an event went: one delivery per connection whose filters accepted it. */
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.js';
import { useDeliveryColumns } from '../deliveries/delivery-columns.js';
import type { EventDetail } from './event-queries.js';

export function EventDeliveries({ event }: { event: EventDetail }) {
  const { t } = useTranslation();
  const columns = useDeliveryColumns({ withEvent: false });
  return (
    <DataTable
      caption={t('events.deliveriesCaption')}
      showCaption
      rows={event.deliveries}
      rowKey={(delivery) => delivery.id}
      columns={columns}
      empty={
        <p className="muted">
          {event.source.test ? t('events.noDeliveriesTest') : t('events.noDeliveries')}
        </p>
      }
    />
  );
}
