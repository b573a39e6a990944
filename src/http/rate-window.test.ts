import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { createRateWindow, perMinute } from './rate-window.js';

describe('createRateWindow', () => {
  it('allows max hits per key and window, then limits; the first hit over is marked once', () => {
    const clock = new ManualClock();
    const window = createRateWindow({ max: 2, windowMs: 60_000, clock });
    expect(window.hit('a')).toEqual({
      count: 1,
      limited: false,
      firstOver: false,
      retryAfterSeconds: 60,
    });
    expect(window.exhausted('a')).toBe(false);
    expect(window.hit('a').limited).toBe(false);
    expect(window.exhausted('a')).toBe(true);
    clock.advance(15_500);
    expect(window.hit('a')).toEqual({
      count: 3,
      limited: true,
      firstOver: true,
      retryAfterSeconds: 45,
    });
    expect(window.hit('a')).toEqual({
      count: 4,
      limited: true,
      firstOver: false,
      retryAfterSeconds: 45,
    });
    expect(window.hit('b').limited).toBe(false);
  });

  it('starts a new window for a key once its window is over', () => {
    const clock = new ManualClock();
    const window = createRateWindow({ max: 1, windowMs: 1000, clock });
    window.hit('a');
    expect(window.hit('a').limited).toBe(true);
    clock.advance(999);
    expect(window.exhausted('a')).toBe(true);
    clock.advance(1);
    expect(window.exhausted('a')).toBe(false);
    expect(window.hit('a')).toMatchObject({ count: 1, limited: false });
    expect(window.hit('a')).toMatchObject({ count: 2, limited: true, firstOver: true });
  });

  it('tracks at most maxKeys keys, dropping the key whose window started first', () => {
    const clock = new ManualClock();
    const window = createRateWindow({ max: 1, windowMs: 60_000, clock, maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) {
      window.hit(key);
      clock.advance(1);
    }
    window.hit('d');
    expect(window.size()).toBe(3);
    // 'a' was dropped: it starts over; 'b' is still counted.
    expect(window.exhausted('a')).toBe(false);
    expect(window.exhausted('b')).toBe(true);
  });

  it('shrinks back after a flood of addresses once their windows are over', () => {
    const clock = new ManualClock();
    const window = createRateWindow({ max: 5, windowMs: 1000, clock });
    for (let i = 0; i < 500; i++) window.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(window.size()).toBe(500);
    clock.advance(1000);
    for (let i = 0; i < 500; i++) window.hit('192.0.2.1');
    expect(window.size()).toBe(1);
  });
});

describe('perMinute', () => {
  it('is no limit at 0 and a one-minute window otherwise', () => {
    const clock = new ManualClock();
    expect(perMinute(0, clock)).toBeNull();
    const window = perMinute(1, clock);
    window?.hit('a');
    clock.advance(59_999);
    expect(window?.exhausted('a')).toBe(true);
    clock.advance(1);
    expect(window?.exhausted('a')).toBe(false);
  });
});
