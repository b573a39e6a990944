/**
 * The filters of the notification log, as the page keeps them (component state, never the
 * address: searched e-mails and order ids stay out of the history) and as the API takes them.
 *
 * Other pages open the log with filters set by passing {@link NotificationsPreset} as router
 * state, made by `presetState` (web/src/app/list-presets.ts):
 * `<Link to="/notifications" state={presetState({ verdict: 'rejected', sourceId })}>`.
 * `from` and `to` may be days (`YYYY-MM-DD`) or instants (ISO 8601, `to` exclusive, as the API
 * takes them); the page filters by whole days in the browser's time zone, so an instant
 * becomes the day it falls on (`to`: the day of its last moment).
 */
import type { QueryOf, Verdict } from '../../api/types.js';
import type { ListPreset, NotificationPresetFilters } from '../../app/list-presets.js';
import { VERDICT_TONES } from '../../components/status-badge.js';

export interface NotificationFilters {
  sourceId: string;
  verdict: Verdict | '';
  /** First day (`YYYY-MM-DD`, in the browser's time zone), inclusive. */
  from: string;
  /** Last day (`YYYY-MM-DD`), inclusive. */
  to: string;
  /** Exact search: order id, transaction id, buyer e-mail or request id. */
  q: string;
}

/** Router state that opens `/notifications` with these filters applied (web/src/app/list-presets.ts). */
export type NotificationsPreset = ListPreset<NotificationPresetFilters>;

export const NO_NOTIFICATION_FILTERS: NotificationFilters = {
  sourceId: '',
  verdict: '',
  from: '',
  to: '',
  q: '',
};

/** Every verdict (the badge tones name them all), in the order people read them. */
export const VERDICTS = Object.keys(VERDICT_TONES) as Verdict[];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function dayOf(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** A preset's day: given as a day, or the local day of an instant (minus `beforeMs`, for an exclusive end). */
function presetDay(value: unknown, beforeMs: number): string {
  const given = text(value);
  if (DAY.test(given)) return given;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(given)) return '';
  const instant = Date.parse(given);
  return Number.isNaN(instant) ? '' : dayOf(new Date(instant - beforeMs));
}

/** The filters a router state asks for; anything else in it is ignored. */
export function notificationFiltersOf(state: unknown): NotificationFilters {
  const filters: unknown =
    typeof state === 'object' && state !== null
      ? (state as Record<string, unknown>).filters
      : undefined;
  if (typeof filters !== 'object' || filters === null) return NO_NOTIFICATION_FILTERS;
  const given = filters as Record<string, unknown>;
  const verdict = text(given.verdict);
  return {
    sourceId: text(given.sourceId),
    verdict: (VERDICTS as readonly string[]).includes(verdict) ? (verdict as Verdict) : '',
    from: presetDay(given.from, 0),
    to: presetDay(given.to, 1),
    q: text(given.q),
  };
}

/** Midnight at the start of `day` (or of the day after it) in the browser's time zone, as an instant. */
export function startOfDay(day: string, plusDays = 0): string | undefined {
  const match = DAY.exec(day);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Whether the range ends before it starts (both days given). */
export function rangeIsReversed(filters: Pick<NotificationFilters, 'from' | 'to'>): boolean {
  return DAY.test(filters.from) && DAY.test(filters.to) && filters.to < filters.from;
}

export const NOTIFICATIONS_PAGE_SIZE = 50;

/** The API query for one page: the days become instants (`to` is exclusive: the day after). */
export function notificationsQuery(
  filters: NotificationFilters,
  cursor: string | undefined,
): QueryOf<'listInboundRequests'> {
  const from = startOfDay(filters.from);
  const to = startOfDay(filters.to, 1);
  const q = filters.q.trim();
  return {
    limit: NOTIFICATIONS_PAGE_SIZE,
    ...(cursor ? { cursor } : {}),
    ...(filters.sourceId ? { sourceId: filters.sourceId } : {}),
    ...(filters.verdict ? { verdict: filters.verdict } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(q ? { q } : {}),
  };
}
