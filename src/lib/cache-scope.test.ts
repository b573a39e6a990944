import { describe, expect, it } from 'vitest';
import { cacheSlot, createCacheScope } from './cache-scope.js';

describe('cache scope', () => {
  it('makes a slot value on first use and keeps it, one per scope', () => {
    let made = 0;
    const slot = cacheSlot('counter', () => ({ n: ++made }));
    const a = createCacheScope();
    const b = createCacheScope();
    expect(a.get(slot)).toBe(a.get(slot));
    expect(made).toBe(1);
    expect(b.get(slot)).not.toBe(a.get(slot));
    expect(made).toBe(2);
  });

  it('keeps a falsy value instead of making it again', () => {
    let made = 0;
    const slot = cacheSlot('zero', () => {
      made++;
      return 0;
    });
    const scope = createCacheScope();
    expect([scope.get(slot), scope.get(slot)]).toEqual([0, 0]);
    expect(made).toBe(1);
  });
});
