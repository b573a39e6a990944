/**
 * The delivery log: one row per event and connection, newest first, filtered by connection and
 * status on the server. With a connection chosen, everything of it that failed or was given up
 * can be redelivered at once.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import type { DeliveryStatus } from '../../api/types.js';
import { DataTable } from '../../components/data-table.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { FilterBar } from '../../components/filter-bar.js';
import { SelectField } from '../../components/form-field.js';
import { PageHeader } from '../../components/page-header.js';
import { Pager } from '../../components/pager.js';
import { EmptyState, Loading } from '../../components/states.js';
import { useDeliveryColumns } from './delivery-columns.js';
import {
  DELIVERY_ORIGINS,
  DELIVERY_STATUSES,
  deliveryFiltersOf,
  NO_DELIVERY_FILTERS,
} from './delivery-filters.js';
import type { DeliveryFilters, DeliveryOrigin } from './delivery-filters.js';
import { useConnectionList, useDeliveriesPage } from './delivery-queries.js';
import type { ConnectionItem } from './delivery-queries.js';
import { RedeliverAll } from './redeliver-all.js';

function DeliveryFilterBar({
  applied,
  connections,
  onApply,
}: {
  applied: DeliveryFilters;
  connections: readonly ConnectionItem[];
  onApply(filters: DeliveryFilters): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<DeliveryFilters>(applied);
  const options = connections.map((connection) => ({
    value: connection.id,
    label: connection.name,
  }));
  // A connection the preset names that is not in the list (deleted since) stays selectable.
  if (draft.connectionId && !connections.some((connection) => connection.id === draft.connectionId))
    options.push({ value: draft.connectionId, label: draft.connectionId });
  return (
    <FilterBar
      label={t('deliveries.filtersLabel')}
      onApply={() => onApply(draft)}
      onReset={() => {
        setDraft(NO_DELIVERY_FILTERS);
        onApply(NO_DELIVERY_FILTERS);
      }}
    >
      <SelectField
        label={t('deliveries.connection')}
        value={draft.connectionId}
        options={[{ value: '', label: t('deliveries.anyConnection') }, ...options]}
        onChange={(connectionId) => setDraft({ ...draft, connectionId })}
      />
      <SelectField
        label={t('deliveries.status')}
        value={draft.status}
        options={[
          { value: '', label: t('deliveries.anyStatus') },
          ...DELIVERY_STATUSES.map((status) => ({
            value: status,
            label: t(`status.delivery.${status}`),
          })),
        ]}
        onChange={(status) => setDraft({ ...draft, status: status as DeliveryStatus | '' })}
      />
      <SelectField
        label={t('deliveries.origin.label')}
        value={draft.origin}
        options={[
          { value: '', label: t('deliveries.origin.any') },
          ...DELIVERY_ORIGINS.map((origin) => ({
            value: origin,
            label: t(`deliveries.origin.${origin}`),
          })),
        ]}
        onChange={(origin) => setDraft({ ...draft, origin: origin as DeliveryOrigin | '' })}
      />
    </FilterBar>
  );
}

/** Each visit starts from the filters it was opened with (router state), none by default. */
export function DeliveriesPage() {
  const location = useLocation();
  return <DeliveryLog key={location.key} preset={deliveryFiltersOf(location.state)} />;
}

function DeliveryLog({ preset }: { preset: DeliveryFilters }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState<DeliveryFilters>(preset);
  const connections = useConnectionList();
  const { query, paging } = useDeliveriesPage(filters);
  const columns = useDeliveryColumns({ withEvent: true });
  const filtered = filters.connectionId !== '' || filters.status !== '' || filters.origin !== '';
  const chosen = connections.data?.find((connection) => connection.id === filters.connectionId);

  return (
    <>
      <PageHeader title={t('nav.deliveries')} description={t('deliveries.description')} />
      <DeliveryFilterBar
        applied={filters}
        connections={connections.data ?? []}
        onApply={setFilters}
      />
      {connections.isError ? (
        <ErrorDisplay error={connections.error} onRetry={() => void connections.refetch()} />
      ) : null}
      {filters.connectionId ? (
        <RedeliverAll
          key={filters.connectionId}
          connectionId={filters.connectionId}
          connectionName={chosen?.name ?? filters.connectionId}
        />
      ) : (
        <p className="muted">{t('deliveries.redeliverAll.hint')}</p>
      )}
      {query.isPending ? <Loading /> : null}
      {query.isError ? (
        <ErrorDisplay error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {query.data ? (
        <DataTable
          caption={t('deliveries.tableCaption')}
          rows={query.data.data}
          rowKey={(delivery) => delivery.id}
          columns={columns}
          empty={
            <EmptyState
              title={filtered ? t('deliveries.noMatchTitle') : t('deliveries.emptyTitle')}
            >
              {filtered ? t('deliveries.noMatchBody') : t('deliveries.emptyBody')}
            </EmptyState>
          }
        />
      ) : null}
      <Pager paging={paging} />
    </>
  );
}
