/**
 * What the next document of a series will be numbered, for the profile form's live example:
 * the same period and format as issuing (numbering.ts), read from the series' counter row
 * without taking a number. A profile not saved yet, or a series not used yet in this period,
 * starts at `startAt`. Only an example: a payment issued meanwhile takes the number shown.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { DocumentKind } from './document-snapshot.js';
import { formatNumber, seriesPeriod } from './numbering.js';
import type { SeriesSettings } from './profile-settings.js';

export interface NumberPreviewInput {
  /** The saved profile whose counters count; null for a profile being added. */
  profileId: string | null;
  kind: DocumentKind;
  series: SeriesSettings;
  timeZone: string;
}

export interface NumberPreview {
  number: string;
  /** The running number in it. */
  sequenceNo: number;
}

export async function previewNumber(
  db: Kysely<Database>,
  input: NumberPreviewInput,
  now: Date,
): Promise<NumberPreview> {
  const period = seriesPeriod(input.profileId ?? '', input.kind, input.series, now, input.timeZone);
  const counter =
    input.profileId === null
      ? undefined
      : await db
          .selectFrom('number_counters')
          .select('next_value')
          .where('series_key', '=', period.key)
          .executeTakeFirst();
  const sequenceNo = counter === undefined ? input.series.startAt : Number(counter.next_value);
  return { number: formatNumber(input.series, period.year, sequenceNo), sequenceNo };
}
