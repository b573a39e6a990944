import { describe, expect, it } from 'vitest';
import { hasPrefix, newId } from './ids.js';

describe('newId', () => {
  it('is prefixed and 26 base32 characters long', () => {
    const id = newId('event');
    expect(id).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(hasPrefix(id, 'event')).toBe(true);
    expect(hasPrefix(id, 'delivery')).toBe(false);
  });

  it('sorts by creation time, strictly, even within one millisecond', () => {
    const ids = Array.from({ length: 2000 }, () => newId('delivery', 1_700_000_000_000));
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(newId('delivery', 1_700_000_000_001) > ids[ids.length - 1]!).toBe(true);
  });

  it('orders ids of later milliseconds after earlier ones', () => {
    const early = newId('event', 1_800_000_000_000);
    const late = newId('event', 1_800_000_000_500);
    expect(late > early).toBe(true);
  });
});
