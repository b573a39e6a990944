/**
 * Filters a page hands to a list when it links there ("the rejected notifications of this
 * source", "the given-up deliveries of this connection"). They travel in the router's state
 * (`<Link to="/deliveries" state={presetState({ status: 'dead' })}>`), never in the address,
 * so e-mail addresses and order ids stay out of the browser history and proxy logs. The list
 * page starts with them as its filters (`deliveryFiltersOf(useLocation().state)`), and the
 * user changes them there as usual.
 *
 * History state outlives the page that wrote it (a reload, "back" after an update), so it is
 * read as untrusted: only known filters with values of the right kind are taken.
 */
import type { DeliveryStatus, QueryOf, Verdict } from '../api/types.js';
import { DELIVERY_STATUS_TONES, VERDICT_TONES } from '../components/status-badge.js';

/** Filters of the notification log (`GET /inbound-requests`). */
export type NotificationFilters = Partial<Pick<QueryOf<'listInboundRequests'>, 'sourceId' | 'verdict' | 'from' | 'to' | 'q'>>;

/** Filters of the delivery log (`GET /deliveries`). */
export type DeliveryFilters = Partial<Pick<QueryOf<'listDeliveries'>, 'connectionId' | 'status'>>;

/** The router state of a link that presets a list's filters. */
export interface ListPreset<F> {
  filters: F;
}

export function presetState<F extends NotificationFilters | DeliveryFilters>(filters: F): ListPreset<F> {
  return { filters };
}

function filtersIn(state: unknown): Record<string, unknown> {
  if (typeof state !== 'object' || state === null) return {};
  const filters = (state as { filters?: unknown }).filters;
  return typeof filters === 'object' && filters !== null ? (filters as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function isVerdict(value: unknown): value is Verdict {
  return typeof value === 'string' && Object.hasOwn(VERDICT_TONES, value);
}

function isDeliveryStatus(value: unknown): value is DeliveryStatus {
  return typeof value === 'string' && Object.hasOwn(DELIVERY_STATUS_TONES, value);
}

function instant(value: unknown): string | undefined {
  const candidate = text(value);
  return candidate !== undefined && !Number.isNaN(Date.parse(candidate)) ? candidate : undefined;
}

/** The notification filters a link passed in the router state (none when it passed none). */
export function notificationFiltersOf(state: unknown): NotificationFilters {
  const raw = filtersIn(state);
  const filters: NotificationFilters = {};
  const sourceId = text(raw.sourceId);
  const from = instant(raw.from);
  const to = instant(raw.to);
  const q = text(raw.q);
  if (sourceId !== undefined) filters.sourceId = sourceId;
  if (isVerdict(raw.verdict)) filters.verdict = raw.verdict;
  if (from !== undefined) filters.from = from;
  if (to !== undefined) filters.to = to;
  if (q !== undefined) filters.q = q;
  return filters;
}

/** The delivery filters a link passed in the router state (none when it passed none). */
export function deliveryFiltersOf(state: unknown): DeliveryFilters {
  const raw = filtersIn(state);
  const filters: DeliveryFilters = {};
  const connectionId = text(raw.connectionId);
  if (connectionId !== undefined) filters.connectionId = connectionId;
  if (isDeliveryStatus(raw.status)) filters.status = raw.status;
  return filters;
}
