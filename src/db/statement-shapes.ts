/**
 * Batch statements whose text does not change with every batch size.
 *
 * On SQLite each statement is prepared once per SQL text and kept by that text (the statement
 * cache in db/connect.ts, 500 texts per connection). A statement with one placeholder per id
 * (`… where id in (?, ?, …)`) or per row (a multi-row `insert`) has a new text for every batch
 * size: the delivery worker's claims, outcome updates, attempt inserts and event reads each
 * filled the cache with about a hundred sizes of themselves, large prepared programs that were
 * prepared again as the oldest were dropped (docs/benchmarks.md, "Prepared statements by batch
 * size"). Here lists come in a few sizes instead: powers of two.
 */

/** The smallest power of two that is at least `n` (1 for 0 and 1). */
export function bucketSize(n: number): number {
  let size = 1;
  while (size < n) size *= 2;
  return size;
}

/**
 * The values of an `in (…)` list padded to {@link bucketSize} with repeats of the last one: the
 * same rows match (a value listed twice matches once), and the statement's text is one of a few.
 * An empty list stays empty.
 */
export function paddedInList<T>(values: readonly T[]): T[] {
  if (values.length === 0) return [];
  const padded = [...values];
  const last = values[values.length - 1] as T;
  for (let size = bucketSize(values.length); padded.length < size; ) padded.push(last);
  return padded;
}

/**
 * Most rows in one multi-row statement: a batch of 256 is four statements, and a statement's
 * parameters stay far below SQLite's limit of 32,766 (64 rows of 14 columns are 896).
 */
export const MAX_ROWS_PER_STATEMENT = 64;

/**
 * Chunk sizes for `n` rows: powers of two, largest first, each at most `max` (a power of two):
 * 50 rows are 32 + 16 + 2, so a multi-row statement has at most seven texts with the default.
 */
export function chunkSizes(n: number, max = MAX_ROWS_PER_STATEMENT): number[] {
  const sizes: number[] = [];
  let left = n;
  for (let size = max; left > 0; ) {
    if (size <= left) {
      sizes.push(size);
      left -= size;
    } else size /= 2;
  }
  return sizes;
}

/** `rows` cut into consecutive chunks of {@link chunkSizes}. */
export function powerOfTwoChunks<T>(rows: readonly T[], max = MAX_ROWS_PER_STATEMENT): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (const size of chunkSizes(rows.length, max)) {
    chunks.push(rows.slice(start, start + size));
    start += size;
  }
  return chunks;
}
