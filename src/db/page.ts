/**
 * Cursor pagination shared by every list query (admin API and CLI): newest first by id —
 * ids are time-sortable — and the cursor is the base64url of the last id on a page, so the
 * next page is simply "ids below this one". A page never skips or repeats a row, even while
 * new rows arrive (they sort above the cursor).
 */
import { IpnhubError } from '../core/errors.js';
import { ID_PREFIXES } from '../core/ids.js';
import type { IdKind } from '../core/ids.js';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

export interface PageRequest {
  /** From a previous page's `nextCursor`; absent for the first page. */
  cursor?: string | undefined;
  /** Rows per page, 1..500 (default 50); out-of-range values are clamped. */
  limit?: number | undefined;
}

export interface Page<T> {
  data: T[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

const ID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** The id inside a cursor; anything that is not a cursor of this kind → `IpnhubError('INVALID_CURSOR')`. */
export function decodeCursor(cursor: string, kind: IdKind): string {
  const id = /^[A-Za-z0-9_-]{1,200}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const prefix = `${ID_PREFIXES[kind]}_`;
  // Re-encoding guards against lenient base64 decoding accepting near-misses.
  if (
    !id.startsWith(prefix) ||
    !ID_BODY.test(id.slice(prefix.length)) ||
    encodeCursor(id) !== cursor
  ) {
    throw new IpnhubError(
      'INVALID_CURSOR',
      'Use the nextCursor value of a previous page of the same list.',
    );
  }
  return id;
}

export function pageLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_LIMIT;
  return Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * Turns `limit + 1` rows fetched newest first into a page: the extra row only tells that
 * another page exists.
 */
export function toPage<Row extends { id: string }, T>(
  rows: readonly Row[],
  limit: number,
  map: (row: Row) => T,
): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    data: kept.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
  };
}

/**
 * The same paging over a list already in memory (sources, connections: a handful of rows
 * the services load whole), so every list of the API pages alike.
 */
export function pageOfList<T extends { id: string }>(
  items: readonly T[],
  request: PageRequest,
  kind: IdKind,
): Page<T> {
  const limit = pageLimit(request.limit);
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, kind);
  const newestFirst = items
    .filter((item) => after === undefined || item.id < after)
    .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  return toPage(newestFirst.slice(0, limit + 1), limit, (item) => item);
}
