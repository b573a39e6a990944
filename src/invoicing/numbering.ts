/**
 * Document numbers (docs/invoicing.md, "Numbering"): one counter row per series and period,
 * incremented by the same transaction that stores the document. Never a sequence or an
 * autoincrement column: those are not rolled back, so an aborted issue would leave a gap.
 *
 * The increment is one upsert: the first document of a series (or of a new year, when the
 * series restarts yearly) inserts the row, every later one updates it. On PostgreSQL the update
 * locks the row until commit, so a second allocator of the same series waits and then sees the
 * committed value; on SQLite the write transaction (`BEGIN IMMEDIATE`) already serialises
 * writers. A rollback undoes the increment with everything else, so numbers stay gapless.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { calendarDay } from '../lib/calendar-day.js';
import type { DocumentKind } from './document-snapshot.js';
import type { SeriesSettings } from './profile-settings.js';

export interface SeriesPeriod {
  /** The counter row's key. */
  key: string;
  /** The year printed in the number, for a yearly series. */
  year: string | null;
}

/** The counter a document of `kind` issued at `issuedAt` counts in. */
export function seriesPeriod(
  profileId: string,
  kind: DocumentKind,
  series: SeriesSettings,
  issuedAt: Date,
  timeZone: string,
): SeriesPeriod {
  const year = series.yearlyReset ? calendarDay(issuedAt, timeZone).slice(0, 4) : null;
  return { key: `${profileId}:${kind}:${year ?? 'all'}`, year };
}

/** `RE-2026-000123`: prefix, the year of a yearly series, the running number zero-padded; empty parts left out. */
export function formatNumber(
  series: SeriesSettings,
  year: string | null,
  sequenceNo: number,
): string {
  return [series.prefix, year ?? '', String(sequenceNo).padStart(series.width, '0')]
    .filter((part) => part !== '')
    .join('-');
}

/**
 * The next running number of the series, taken inside `trx`: `startAt` for a series not used
 * yet. Call it last, right before the document is inserted, in the same transaction.
 */
export async function allocateNumber(
  trx: Kysely<Database>,
  seriesKey: string,
  startAt: number,
): Promise<number> {
  const row = await trx
    .insertInto('number_counters')
    .values({ series_key: seriesKey, next_value: startAt + 1 })
    .onConflict((oc) =>
      oc
        .column('series_key')
        .doUpdateSet({ next_value: sql<number>`number_counters.next_value + 1` }),
    )
    .returning(sql<number>`next_value - 1`.as('allocated'))
    .executeTakeFirstOrThrow();
  return Number(row.allocated);
}
