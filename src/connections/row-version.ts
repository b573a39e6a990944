/**
 * `updated_at` doubles as the row version the in-memory config caches are keyed by, and the
 * compare-and-set token for updates. It must therefore change on every update, even when two
 * updates fall in the same millisecond or the clock stands still (tests, clock skew between
 * hosts): the next value is the later of now and one millisecond past the previous value.
 */
export function nextUpdatedAt(now: Date, previous: string): string {
  const previousMs = Date.parse(previous);
  const nowMs = now.getTime();
  return new Date(
    Number.isNaN(previousMs) || nowMs > previousMs ? nowMs : previousMs + 1,
  ).toISOString();
}
