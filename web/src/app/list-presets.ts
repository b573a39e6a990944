/**
 * Links that open a list with its filters set ("the rejected notifications of this source",
 * "the given-up deliveries of this connection"). The filters travel in the router's state as
 * `{ filters }`, never in the address, so e-mail addresses and order ids stay out of the
 * browser history and proxy logs:
 *
 *   <Link to="/deliveries" state={presetState({ connectionId, status: 'dead' })}>
 *
 * The list pages read `location.state.filters` as their starting filters (and treat it as
 * untrusted: history state outlives the page that wrote it). `from` and `to` are instants as
 * the API takes them (`to` exclusive); the notification log shows them as days.
 */
import type { QueryOf } from '../api/types.js';

/** Filters for `/notifications` (`GET /inbound-requests`). */
export type NotificationPresetFilters = Partial<
  Pick<QueryOf<'listInboundRequests'>, 'sourceId' | 'verdict' | 'from' | 'to' | 'q'>
>;

/** Filters for `/deliveries` (`GET /deliveries`). */
export type DeliveryPresetFilters = Partial<
  Pick<QueryOf<'listDeliveries'>, 'connectionId' | 'status'>
>;

/** The router state of a link that presets a list's filters. */
export interface ListPreset<F> {
  filters: F;
}

export function presetState<F extends NotificationPresetFilters | DeliveryPresetFilters>(
  filters: F,
): ListPreset<F> {
  return { filters };
}
