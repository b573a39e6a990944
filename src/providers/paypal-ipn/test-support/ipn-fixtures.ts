/**
 * Typed access to `fixtures/paypal-ipn-bodies.json`: classic IPN bodies exactly as PayPal
 * posts them, validated on load so a broken copy fails loudly. The bodies are percent-encoded
 * ASCII, so a JSON string holds their bytes exactly; the loader refuses anything else.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import type { PayPalIpnConfig } from '../config.js';
import type { InboundRequest } from '../../provider.js';

const fixtureSchema = z.object({
  about: z.string(),
  items: z.array(
    z.object({
      name: z.string().min(1),
      description: z.string(),
      environment: z.enum(['live', 'sandbox']),
      body: z
        .string()
        .regex(/^[\x21-\x7e]+$/, { message: 'an IPN body is printable ASCII without spaces' }),
    }),
  ),
});

export type PayPalIpnFixture = z.infer<typeof fixtureSchema>['items'][number];

/** The account the live fixtures are paid to. */
export const LIVE_CONFIG: PayPalIpnConfig = {
  environment: 'live',
  receiverEmail: 'seller@example.com',
  receiverId: 'KXQ7ZRP4M2B8N',
};
/** The account the sandbox fixtures are paid to. */
export const SANDBOX_CONFIG: PayPalIpnConfig = {
  environment: 'sandbox',
  receiverEmail: 'seller@paypalsandbox.com',
};

export function loadPayPalIpnFixtures(): PayPalIpnFixture[] {
  const text = readFileSync(new URL('../fixtures/paypal-ipn-bodies.json', import.meta.url), 'utf8');
  return fixtureSchema.parse(JSON.parse(text)).items;
}

/** The fixture named `name`; throws when there is none (a typo in a test). */
export function fixtureNamed(
  fixtures: readonly PayPalIpnFixture[],
  name: string,
): PayPalIpnFixture {
  const found = fixtures.find((fixture) => fixture.name === name);
  if (!found) throw new Error(`no PayPal IPN fixture named ${name}`);
  return found;
}

/** The fixture's body bytes. */
export function fixtureBody(fixture: PayPalIpnFixture): Buffer {
  return Buffer.from(fixture.body, 'latin1');
}

export function configFor(fixture: PayPalIpnFixture): PayPalIpnConfig {
  return fixture.environment === 'live' ? LIVE_CONFIG : SANDBOX_CONFIG;
}

/** An inbound request carrying `body`, as the inbound route hands it to the provider. */
export function ipnRequest(body: string | Buffer): InboundRequest {
  const rawBody = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  return {
    receivedAt: new Date('2024-05-14T17:15:05.000Z'),
    method: 'POST',
    url: '/ipn/src_01HZX0000000000000000000',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(rawBody.length),
      'user-agent': 'PayPal IPN ( https://www.paypal.com/ipn )',
    },
    rawBody,
    remoteAddress: '173.0.82.126',
  };
}
