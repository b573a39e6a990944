const MAX_ATTEMPTS = 10;

/**
 * Runs an update guarded by compare-and-set on `updated_at` (see row-version.ts). `attempt`
 * reads the current row, writes only where `updated_at` is still what it read, and returns
 * `{ done }` with the outcome — or `undefined` when its write matched no row because another
 * process updated it in between; it then runs again on what that process wrote instead of
 * overwriting it. Losing the race ten times in a row is a bug (`what` names the row), thrown.
 */
export async function updateWithCompareAndSet<T>(
  what: string,
  attempt: () => Promise<{ done: T } | undefined>,
): Promise<T> {
  for (let n = 0; n < MAX_ATTEMPTS; n++) {
    const outcome = await attempt();
    if (outcome) return outcome.done;
  }
  throw new Error(`${what}: gave up after ${MAX_ATTEMPTS} concurrent updates`);
}
