import { describe, expect, it } from 'vitest';
import { berlinDateTimeToIso, berlinWallTimeToIso, isoToBerlinWallTime } from './berlin-time.js';

describe('berlinWallTimeToIso', () => {
  it('reads a summer time (CEST, UTC+2)', () => {
    expect(berlinWallTimeToIso('2024-05-14', '09:12:45')).toBe('2024-05-14T07:12:45.000Z');
  });

  it('reads a winter time (CET, UTC+1)', () => {
    expect(berlinWallTimeToIso('2024-02-01', '18:40:02')).toBe('2024-02-01T17:40:02.000Z');
  });

  it('crosses the date line back to the previous UTC day', () => {
    expect(berlinWallTimeToIso('2024-01-01', '00:30:00')).toBe('2023-12-31T23:30:00.000Z');
  });

  it('uses the right offset on both sides of the spring switch (2024-03-31 02:00 → 03:00)', () => {
    expect(berlinWallTimeToIso('2024-03-31', '01:59:59')).toBe('2024-03-31T00:59:59.000Z');
    expect(berlinWallTimeToIso('2024-03-31', '03:00:00')).toBe('2024-03-31T01:00:00.000Z');
  });

  it('moves a time inside the spring gap forward by the missing hour', () => {
    expect(berlinWallTimeToIso('2024-03-31', '02:30:00')).toBe('2024-03-31T01:30:00.000Z');
  });

  it('takes the first (summer) occurrence of the repeated autumn hour (2024-10-27 03:00 → 02:00)', () => {
    expect(berlinWallTimeToIso('2024-10-27', '02:30:00')).toBe('2024-10-27T00:30:00.000Z');
    expect(berlinWallTimeToIso('2024-10-27', '01:59:59')).toBe('2024-10-26T23:59:59.000Z');
    expect(berlinWallTimeToIso('2024-10-27', '03:00:00')).toBe('2024-10-27T02:00:00.000Z');
  });

  it('accepts a time without seconds', () => {
    expect(berlinWallTimeToIso('2024-05-14', '09:12')).toBe('2024-05-14T07:12:00.000Z');
  });

  it('returns null for malformed or impossible values', () => {
    expect(berlinWallTimeToIso('2024-02-30', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-13-01', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '24:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '12:60:00')).toBe(null);
    expect(berlinWallTimeToIso('14.05.2024', '10:00:00')).toBe(null);
    expect(berlinWallTimeToIso('2024-05-14', '')).toBe(null);
  });
});

describe('berlinDateTimeToIso', () => {
  it('reads DS24 date-times', () => {
    expect(berlinDateTimeToIso('2024-02-01 18:40:02')).toBe('2024-02-01T17:40:02.000Z');
    expect(berlinDateTimeToIso('2024-05-10 20:15:00')).toBe('2024-05-10T18:15:00.000Z');
  });

  it('returns null without a time part', () => {
    expect(berlinDateTimeToIso('2024-02-01')).toBe(null);
    expect(berlinDateTimeToIso('')).toBe(null);
  });
});

describe('isoToBerlinWallTime', () => {
  it('writes summer and winter times with their offsets, across the date line', () => {
    expect(isoToBerlinWallTime(new Date('2024-05-14T07:12:45.678Z'))).toEqual({
      date: '2024-05-14',
      time: '09:12:45',
    });
    expect(isoToBerlinWallTime(new Date('2024-02-01T17:40:02Z'))).toEqual({
      date: '2024-02-01',
      time: '18:40:02',
    });
    expect(isoToBerlinWallTime(new Date('2023-12-31T23:30:00Z'))).toEqual({
      date: '2024-01-01',
      time: '00:30:00',
    });
  });

  it('round-trips through berlinWallTimeToIso around both switches', () => {
    for (const iso of [
      '2024-03-31T00:59:59.000Z',
      '2024-03-31T01:00:00.000Z',
      '2024-10-27T00:30:00.000Z',
      '2024-10-27T02:00:00.000Z',
      '2026-07-01T12:00:00.000Z',
    ]) {
      const { date, time } = isoToBerlinWallTime(new Date(iso));
      expect(berlinWallTimeToIso(date, time), iso).toBe(iso);
    }
  });
});
