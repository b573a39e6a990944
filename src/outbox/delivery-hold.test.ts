import { describe, expect, it } from 'vitest';
import { CLAIM_AHEAD_MS, MAX_HELD, deliveriesToHold, startWindowMs } from './delivery-job.js';

describe('deliveries held by a worker', () => {
  it('holds what its slots start within the claim-ahead time, between the slots and MAX_HELD', () => {
    // Unknown attempt time: no more than the slots.
    expect(deliveriesToHold(8, null)).toBe(8);
    // Fast attempts: as many as allowed; a larger concurrency raises the ceiling.
    expect(deliveriesToHold(8, 0)).toBe(MAX_HELD);
    expect(deliveriesToHold(8, 1)).toBe(MAX_HELD);
    expect(deliveriesToHold(MAX_HELD * 2, 1)).toBe(MAX_HELD * 2);
    // 200 ms per attempt: five rounds of eight within a second.
    expect(deliveriesToHold(8, CLAIM_AHEAD_MS / 5)).toBe(40);
    // Slower than the claim-ahead time: the slots alone.
    expect(deliveriesToHold(8, CLAIM_AHEAD_MS * 3)).toBe(8);
  });

  it('starts a claimed delivery only while its lease covers an attempt, or at least a second after the claim', () => {
    expect(startWindowMs(120_000, 65_000)).toBe(55_000);
    expect(startWindowMs(30_000, 65_000)).toBe(1000);
  });
});
