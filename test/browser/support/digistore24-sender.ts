/**
 * Sends a signed Digistore24 IPN to a listening ipnhub over HTTP, the way Digistore24 does
 * (form-encoded UTF-8, `sha_sign` last): the realistic fields of
 * src/providers/digistore24/sample-fields.ts, dated now unless `at` says otherwise.
 */
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../../src/providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../../src/providers/digistore24/sign-request.js';

export interface Ds24Answer {
  status: number;
  text: string;
}

export async function sendDigistore24(
  origin: string,
  sourceId: string,
  passphrase: string,
  event: string,
  overrides: Digistore24SampleOverrides = {},
): Promise<Ds24Answer> {
  const fields = sampleDigistore24Fields(event, { at: new Date(), ...overrides });
  const response = await fetch(`${origin}/ipn/${sourceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: encodeDigistore24Body(fields, passphrase),
  });
  return { status: response.status, text: await response.text() };
}
