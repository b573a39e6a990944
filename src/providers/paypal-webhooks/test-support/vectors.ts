/**
 * Typed access to `fixtures/paypal-webhook-vectors.json` (three
 * real PayPal sandbox deliveries from PayPal's SDK test suites and the sandbox certificate,
 * valid 2015-03-18 to 2017-03-22), validated on load so a broken copy fails loudly.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { InboundRequest } from '../../provider.js';

const fixtureSchema = z.object({
  certUrl: z.string(),
  certificatePem: z.string(),
  certificateNotAfter: z.string(),
  vectors: z.array(
    z.object({
      name: z.string(),
      headers: z.record(z.string(), z.string()),
      webhookId: z.string(),
      body: z.string(),
    }),
  ),
});

export type PayPalWebhookVectors = z.infer<typeof fixtureSchema>;
export type PayPalWebhookVector = PayPalWebhookVectors['vectors'][number];

export function loadPayPalWebhookVectors(): PayPalWebhookVectors {
  const url = new URL('../fixtures/paypal-webhook-vectors.json', import.meta.url);
  return fixtureSchema.parse(JSON.parse(readFileSync(url, 'utf8')));
}

/** A point in time inside the sandbox certificate's validity period. */
export const INSIDE_VECTOR_VALIDITY = '2016-09-22T00:00:00.000Z';

/** An inbound request as the route would hand it over: JSON body, PayPal's headers lower-cased. */
export function webhookRequest(
  body: string | Buffer,
  headers: Readonly<Record<string, string>>,
): InboundRequest {
  const rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    receivedAt: new Date('2016-09-22T00:00:00.000Z'),
    method: 'POST',
    url: '/ipn/src_01HZX0000000000000000000',
    headers: {
      'content-type': 'application/json',
      'content-length': String(rawBody.length),
      ...headers,
    },
    rawBody,
    remoteAddress: '173.0.81.140',
  };
}
