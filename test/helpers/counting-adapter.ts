/** A dialect adapter that counts the write transactions it runs, for tests of batching. */
import type { DbAdapter } from '../../src/db/dialect-adapter.js';

export interface CountingAdapter {
  adapter: DbAdapter;
  /** Write transactions begun so far (retries of a failed batch included). */
  transactions(): number;
}

export function countingAdapter(base: DbAdapter): CountingAdapter {
  let count = 0;
  return {
    adapter: {
      ...base,
      writeTransaction(db, fn, options) {
        count++;
        return base.writeTransaction(db, fn, options);
      },
    },
    transactions: () => count,
  };
}
