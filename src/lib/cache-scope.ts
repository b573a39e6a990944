/**
 * The caches of one runtime (sessions, tokens, certificates, rate limiters of providers and
 * connectors). A module declares what it keeps as a slot (`cacheSlot`); each runtime has its own
 * scope (`createCacheScope`), passed to providers and connectors in their context, so two
 * runtimes in one process (tests, the benchmark) never share a login or a rate budget by
 * accident. A slot's value is made on first use.
 */
export interface CacheSlot<T> {
  /** For people reading a heap snapshot or a debugger. */
  readonly name: string;
  create(): T;
}

export interface CacheScope {
  /** This scope's value of `slot`, made on first use. */
  get<T>(slot: CacheSlot<T>): T;
}

export function cacheSlot<T>(name: string, create: () => T): CacheSlot<T> {
  return { name, create };
}

export function createCacheScope(): CacheScope {
  // Keyed by the slot object; each value was made by that slot's create, so it is its T.
  const values = new Map<CacheSlot<unknown>, unknown>();
  return {
    get<T>(slot: CacheSlot<T>): T {
      if (values.has(slot)) return values.get(slot) as T;
      const value = slot.create();
      values.set(slot, value);
      return value;
    },
  };
}
