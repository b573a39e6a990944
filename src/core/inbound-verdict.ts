/**
 * What became of an inbound request (the `verdict` column of `inbound_requests`, db/schema.ts),
 * here at the bottom of the code base so that everything above it, metrics included, can name it.
 * `pending`: stored and acknowledged, authenticity not yet confirmed (PayPal IPN postback).
 * `held`: authentic and about money, but no event could be made of it; held for review.
 */
export const INBOUND_VERDICTS = [
  'accepted',
  'duplicate',
  'ignored',
  'test',
  'rejected',
  'error',
  'pending',
  'held',
] as const;
export type InboundVerdict = (typeof INBOUND_VERDICTS)[number];
