/**
 * Builds signed Digistore24 IPN requests the way DS24 sends them (docs/protocols/digistore24.md#transport
 * form-encoded UTF-8 body, docs/protocols/digistore24.md#signature-algorithm variant A signature): for the CLI `simulate` command, tests and
 * the benchmark.
 */
import { computeShaSign } from './sha-sign.js';

export { DIGISTORE24_SAMPLE_EVENTS, sampleDigistore24Fields } from './sample-fields.js';
export type { Digistore24SampleOverrides } from './sample-fields.js';

/** `fields` (any old `sha_sign`/`SHASIGN` dropped) plus a fresh variant-A `sha_sign` as the last field. */
export function signDigistore24Fields(
  fields: Readonly<Record<string, string>>,
  passphrase: string,
): Record<string, string> {
  const signed = Object.fromEntries(
    Object.entries(fields).filter(([name]) => name !== 'sha_sign' && name !== 'SHASIGN'),
  );
  return { ...signed, sha_sign: computeShaSign(signed, passphrase) };
}

/** The signed fields as an `application/x-www-form-urlencoded` body (space as `+`, UTF-8 percent-escapes). */
export function encodeDigistore24Body(
  fields: Readonly<Record<string, string>>,
  passphrase: string,
): string {
  return new URLSearchParams(Object.entries(signDigistore24Fields(fields, passphrase))).toString();
}
