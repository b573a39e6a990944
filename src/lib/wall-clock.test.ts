import { afterEach, describe, expect, it, vi } from 'vitest';
import { wallClockIn } from './wall-clock.js';

describe('wallClockIn', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('makes its time zone formatter on first use, once', () => {
    const Original = Intl.DateTimeFormat;
    const made = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(function make(
      ...args: ConstructorParameters<typeof Original>
    ) {
      return new Original(...args);
    });
    const pacific = wallClockIn('America/Los_Angeles');
    expect(made).not.toHaveBeenCalled();
    pacific(Date.UTC(2024, 6, 1, 12));
    pacific(Date.UTC(2024, 0, 1, 12));
    expect(made).toHaveBeenCalledTimes(1);
  });

  it('reads the wall clock and the offset of the zone', () => {
    const pacific = wallClockIn('America/Los_Angeles');
    expect(pacific(Date.UTC(2024, 6, 1, 12, 30, 15, 999))).toEqual({
      year: 2024,
      month: 7,
      day: 1,
      hour: 5,
      minute: 30,
      second: 15,
      offsetMs: -7 * 3_600_000,
    });
    expect(pacific(Date.UTC(2024, 0, 1, 7, 59, 59)).offsetMs).toBe(-8 * 3_600_000);
    expect(pacific(Date.UTC(2024, 0, 1, 7, 59, 59)).day).toBe(31);
  });
});
