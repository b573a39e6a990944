/**
 * Typed access to `fixtures/digistore24-ipn-examples.json` (the worked examples and example payloads of
 * docs/protocols/digistore24.md#worked-examples and docs/protocols/digistore24.md#example-payloads), validated on load so a broken copy fails loudly.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { InboundRequest } from '../../provider.js';

const params = z.record(z.string(), z.string());

const fixtureSchema = z.object({
  worked_examples: z.array(
    z.object({
      name: z.string(),
      passphrase: z.string(),
      variant: z.string(),
      params,
      expected: z.string(),
    }),
  ),
  example_payloads: z.object({
    passphrase: z.string(),
    variant: z.string(),
    items: z.array(z.object({ title: z.string(), params, sha_sign: z.string() })),
  }),
});

export type Digistore24Fixture = z.infer<typeof fixtureSchema>;
export type Digistore24ExamplePayload = Digistore24Fixture['example_payloads']['items'][number];

export function loadDigistore24Fixture(): Digistore24Fixture {
  const text = readFileSync(
    new URL('../fixtures/digistore24-ipn-examples.json', import.meta.url),
    'utf8',
  );
  return fixtureSchema.parse(JSON.parse(text));
}

/** The payload's fields with its `sha_sign` appended, as DS24 posts them. */
export function signedParams(item: Digistore24ExamplePayload): Record<string, string> {
  return { ...item.params, sha_sign: item.sha_sign };
}

/** The payload form-encoded exactly as on the wire (posting order, `sha_sign` last). */
export function wireBody(item: Digistore24ExamplePayload): Buffer {
  return Buffer.from(new URLSearchParams(Object.entries(signedParams(item))).toString(), 'utf8');
}

/** An inbound request carrying `body` (a string is UTF-8), as the inbound route hands it to the provider. */
export function digistore24Request(body: string | Buffer): InboundRequest {
  const rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return {
    receivedAt: new Date('2024-05-14T07:12:46.000Z'),
    method: 'POST',
    url: '/ipn/src_01HZX0000000000000000000',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(rawBody.length),
    },
    rawBody,
    remoteAddress: '127.0.0.1',
  };
}
