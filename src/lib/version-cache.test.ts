import { describe, expect, it } from 'vitest';
import { createVersionCache } from './version-cache.js';

describe('version cache', () => {
  it('derives once per id and version, and again when the version changes', () => {
    const cache = createVersionCache<string>();
    let derived = 0;
    const derive = (value: string) => () => {
      derived += 1;
      return value;
    };
    expect(cache.get('a', 'v1', derive('first'))).toBe('first');
    expect(cache.get('a', 'v1', derive('ignored'))).toBe('first');
    expect(derived).toBe(1);
    expect(cache.get('a', 'v2', derive('second'))).toBe('second');
    expect(cache.get('a', 'v2', derive('ignored'))).toBe('second');
    expect(derived).toBe(2);
  });

  it('forgets a deleted id and every id not retained', () => {
    const cache = createVersionCache<string>();
    cache.get('a', 'v1', () => 'a1');
    cache.get('b', 'v1', () => 'b1');
    cache.get('c', 'v1', () => 'c1');
    cache.delete('a');
    cache.retain(new Set(['b']));
    expect(cache.get('a', 'v1', () => 'a2')).toBe('a2');
    expect(cache.get('b', 'v1', () => 'b2')).toBe('b1');
    expect(cache.get('c', 'v1', () => 'c2')).toBe('c2');
  });
});
