/**
 * Signs a webhook body the way PayPal does (docs/protocols/paypal.md#webhook-signature-verification method 1): SHA256withRSA
 * over `<transmission id>|<transmission time>|<webhook id>|<crc32 of the body>`. For the CLI
 * `simulate` command, tests and the fake PayPal; with the fake's key
 * (src/dev/fake-paypal/dev-certificate.ts) the result only verifies on a source whose
 * `apiBaseUrl` points at the fake.
 */
import { randomUUID, sign } from 'node:crypto';
import { SUPPORTED_AUTH_ALGO } from './local-verification.js';
import { signedBytes } from './signed-string.js';
import { TRANSMISSION_HEADER_NAMES } from './transmission-headers.js';

export { PAYPAL_WEBHOOK_SAMPLE_EVENTS, samplePayPalWebhookEvent } from './sample-events.js';
export type { PayPalWebhookSampleOverrides } from './sample-events.js';

export interface SignPayPalWebhookInput {
  /** The exact bytes that will be sent. */
  body: Buffer;
  webhookId: string;
  /** Default: a random UUID, as PayPal sends. */
  transmissionId?: string;
  /** RFC 3339; default: now, to the second (`2024-05-14T07:12:45Z`). */
  transmissionTime?: string;
  certUrl: string;
  /** PEM of the RSA key whose certificate `certUrl` serves. */
  privateKeyPem: string;
}

/** The five PayPal signature headers for `body`, with lower-case names (`paypal-transmission-id`, …). */
export function signPayPalWebhook(input: SignPayPalWebhookInput): Record<string, string> {
  const transmissionId = input.transmissionId ?? randomUUID();
  const transmissionTime =
    input.transmissionTime ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const data = signedBytes({
    transmissionId,
    transmissionTime,
    webhookId: input.webhookId,
    rawBody: input.body,
  });
  return {
    [TRANSMISSION_HEADER_NAMES.transmissionId]: transmissionId,
    [TRANSMISSION_HEADER_NAMES.transmissionTime]: transmissionTime,
    [TRANSMISSION_HEADER_NAMES.transmissionSig]: sign('sha256', data, input.privateKeyPem).toString(
      'base64',
    ),
    [TRANSMISSION_HEADER_NAMES.certUrl]: input.certUrl,
    [TRANSMISSION_HEADER_NAMES.authAlgo]: SUPPORTED_AUTH_ALGO,
  };
}
