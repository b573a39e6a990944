/**
 * Values derived from a row (decrypted configs, parsed filters), cached per id and row version
 * (`updated_at`, see connections/row-version.ts): a hot path does one indexed read and derives nothing while
 * the row is unchanged, and sees a change made by any process on its next read.
 */
export interface VersionCache<T> {
  /** The cached value for this id and version, or `derive()`'s result, cached in its place. */
  get(id: string, version: string, derive: () => T): T;
  /** The cached value for this id, whatever its version, or undefined. */
  peek(id: string): T | undefined;
  delete(id: string): void;
  /** Drops every entry whose id is not in `ids`. */
  retain(ids: ReadonlySet<string>): void;
}

export function createVersionCache<T>(): VersionCache<T> {
  const entries = new Map<string, { version: string; value: T }>();
  return {
    get(id, version, derive) {
      const cached = entries.get(id);
      if (cached && cached.version === version) return cached.value;
      const value = derive();
      entries.set(id, { version, value });
      return value;
    },
    peek(id) {
      return entries.get(id)?.value;
    },
    delete(id) {
      entries.delete(id);
    },
    retain(ids) {
      for (const id of entries.keys()) if (!ids.has(id)) entries.delete(id);
    },
  };
}
