/**
 * Signed Digistore24 `on_payment` bodies for the benchmark, generated before any timing starts.
 * Every body is a different order, transaction and buyer, so in an ipnhub scenario each one is
 * a new event (a reused body would be a cheap duplicate).
 */
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../src/providers/digistore24/sign-request.js';

export interface PayloadOptions {
  passphrase: string;
  /** Two or three capital letters that keep order ids apart between scenarios. */
  prefix: string;
}

/** `count` form-encoded, signed `on_payment` bodies with unique order, transaction and buyer. */
export function signedPaymentBodies(count: number, options: PayloadOptions): Buffer[] {
  const bodies: Buffer[] = new Array<Buffer>(count);
  for (let i = 0; i < count; i++) {
    const fields = sampleDigistore24Fields('on_payment', {
      orderId: `${options.prefix}${i
        .toString(36)
        .toUpperCase()
        .padStart(8 - options.prefix.length, '0')}`,
      transactionId: String(300_000_000 + i),
      email: `buyer${i}@example.com`,
    });
    bodies[i] = Buffer.from(encodeDigistore24Body(fields, options.passphrase), 'utf8');
  }
  return bodies;
}
