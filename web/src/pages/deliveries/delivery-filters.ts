/**
 * The filters of the delivery log, kept in the page's state (never the address).
 *
 * Other pages open the log with filters set by passing {@link DeliveriesPreset} as router state:
 * `<Link to="/deliveries" state={presetState({ connectionId, status: 'dead' })}>` (web/src/app/list-presets.ts).
 */
import type { DeliveryStatus, QueryOf } from '../../api/types.js';
import type { DeliveryPresetFilters, ListPreset } from '../../app/list-presets.js';
import { DELIVERY_STATUS_TONES } from '../../components/status-badge.js';

export type DeliveryOrigin = NonNullable<QueryOf<'listDeliveries'>['origin']>;

/** `live`: sent when its event arrived; `backfill`: a past event sent later. */
export const DELIVERY_ORIGINS: readonly DeliveryOrigin[] = ['live', 'backfill'];

export interface DeliveryFilters {
  connectionId: string;
  status: DeliveryStatus | '';
  origin: DeliveryOrigin | '';
}

/** Router state that opens `/deliveries` with these filters applied (web/src/app/list-presets.ts). */
export type DeliveriesPreset = ListPreset<DeliveryPresetFilters>;

export const NO_DELIVERY_FILTERS: DeliveryFilters = { connectionId: '', status: '', origin: '' };

/** Every delivery status (the badge tones name them all). */
export const DELIVERY_STATUSES = Object.keys(DELIVERY_STATUS_TONES) as DeliveryStatus[];

/** The filters a router state asks for; anything else in it is ignored. */
export function deliveryFiltersOf(state: unknown): DeliveryFilters {
  const filters: unknown =
    typeof state === 'object' && state !== null
      ? (state as Record<string, unknown>).filters
      : undefined;
  if (typeof filters !== 'object' || filters === null) return NO_DELIVERY_FILTERS;
  const { connectionId, status } = filters as Record<string, unknown>;
  return {
    connectionId: typeof connectionId === 'string' ? connectionId : '',
    status:
      typeof status === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(status)
        ? (status as DeliveryStatus)
        : '',
    origin: '',
  };
}

export const DELIVERIES_PAGE_SIZE = 50;

export function deliveriesQuery(
  filters: DeliveryFilters,
  cursor: string | undefined,
): QueryOf<'listDeliveries'> {
  return {
    limit: DELIVERIES_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(filters.connectionId ? { connectionId: filters.connectionId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.origin ? { origin: filters.origin } : {}),
  };
}
