/**
 * A source's figures: when its last notification came and how many it got per verdict.
 *
 * Read by hand for now: this build's `/sources` answers do not carry them yet, so the generated
 * `Source` type has no such fields. Once the server adds `lastNotificationAt` and `counts` to
 * the source answers (and their response schema), run `npm run api:types` and read them from
 * `Source` directly; until then a source without them shows "no notification yet".
 */
import type { Source, Verdict } from './types.js';

export interface SourceStats {
  lastNotificationAt: string | null;
  counts: Partial<Record<Verdict, number>>;
}

export function statsOf(source: Source): SourceStats {
  const extra: Record<string, unknown> = { ...source };
  const last = extra.lastNotificationAt;
  const counts: Partial<Record<Verdict, number>> = {};
  if (typeof extra.counts === 'object' && extra.counts !== null) {
    for (const [verdict, count] of Object.entries(extra.counts)) if (typeof count === 'number') counts[verdict as Verdict] = count;
  }
  return { lastNotificationAt: typeof last === 'string' ? last : null, counts };
}
