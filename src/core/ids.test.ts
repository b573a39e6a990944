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

  it('stays increasing when the clock goes back', () => {
    const later = newId('event', 1_900_000_000_000);
    const earlier = newId('event', 1_899_999_999_000);
    expect(earlier > later).toBe(true);
    expect(earlier.slice(4, 14)).toBe(later.slice(4, 14));
  });

  it('draws a new random part for each millisecond, past one pool of random bytes', () => {
    const randomParts = Array.from({ length: 500 }, (_, i) =>
      newId('event', 2_000_000_000_000 + i).slice(14),
    );
    expect(new Set(randomParts).size).toBe(randomParts.length);
  });
});
