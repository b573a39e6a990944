/** Signed Digistore24 requests for tests that drive the ingest pipeline without HTTP. */
import type { InboundRequest } from '../../src/providers/provider.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import type { Digistore24SampleOverrides } from '../../src/providers/digistore24/sign-request.js';

export function ds24Request(
  sourceId: string,
  passphrase: string,
  event: string,
  overrides: Digistore24SampleOverrides & { extra?: Record<string, string> } = {},
): InboundRequest {
  const { extra, ...rest } = overrides;
  const fields = { ...sampleDigistore24Fields(event, rest), ...extra };
  return {
    receivedAt: new Date(),
    method: 'POST',
    url: `/ipn/${sourceId}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(encodeDigistore24Body(fields, passphrase)),
    remoteAddress: '127.0.0.1',
  };
}
