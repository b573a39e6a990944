/**
 * The PayPal IPN provider's contract cases (run by `src/providers/provider-contracts.test.ts`):
 * every fixture body, each stored as `pending` and settled by the postback against the fake of
 * PayPal's verification endpoint (`src/dev/fake-paypal/ipn-verification.ts`) over real HTTP,
 * with the events it must become; and the bodies `verify` refuses before anything is stored.
 * PayPal's live and sandbox postback hosts are served by the fake (see `src/lib/rewrite-origin.ts`),
 * so the provider still builds the real postback URL from the source's environment.
 */
import { createIpnVerificationFake } from '../../../dev/fake-paypal/ipn-verification.js';
import { serveFakeRoutes } from '../../../dev/fake-paypal/server.js';
import { createHttpClient } from '../../../lib/http-client.js';
import { rewriteOrigin } from '../../../lib/rewrite-origin.js';
import type {
  ExpectedNormalized,
  ProviderContractCase,
  ProviderContractSetup,
} from '../../provider-contract.js';
import type { PayPalIpnConfig } from '../config.js';
import { PAYPAL_IPN_ENDPOINTS } from '../config.js';
import { expectedPayPalIpnNormalized } from './contract-expectations.js';
import {
  LIVE_CONFIG,
  configFor,
  fixtureBody,
  fixtureNamed,
  ipnRequest,
  loadPayPalIpnFixtures,
} from './ipn-fixtures.js';

function expected(name: string): ExpectedNormalized {
  const found = expectedPayPalIpnNormalized[name];
  if (!found) throw new Error(`no expected normalization for the PayPal IPN contract case ${name}`);
  return found;
}

function cases(): Array<ProviderContractCase<PayPalIpnConfig>> {
  const fixtures = loadPayPalIpnFixtures();
  const payment = fixtureNamed(fixtures, 'web-accept-windows-1252').body;
  return [
    ...fixtures.map((fixture) => ({
      name: fixture.name,
      request: ipnRequest(fixtureBody(fixture)),
      config: configFor(fixture),
      expect: 'pending' as const,
      normalized: expected(fixture.name),
    })),
    {
      name: 'a bad percent escape',
      request: ipnRequest(`${payment}&x=%ZZ`),
      config: LIVE_CONFIG,
      expect: { rejected: 'MALFORMED_BODY' },
    },
    {
      name: 'an unknown charset',
      request: ipnRequest(payment.replace('charset=windows-1252', 'charset=x-klingon')),
      config: LIVE_CONFIG,
      expect: { rejected: 'UNSUPPORTED_CHARSET' },
    },
    {
      name: 'windows-1252 bytes declared as UTF-8',
      request: ipnRequest(payment.replace('charset=windows-1252', 'charset=UTF-8')),
      config: LIVE_CONFIG,
      expect: { rejected: 'MALFORMED_BODY' },
    },
    {
      name: 'a duplicate field',
      request: ipnRequest(`${payment}&txn_id=0TAMPERED00000001`),
      config: LIVE_CONFIG,
      expect: { rejected: 'DUPLICATE_FIELD' },
    },
    {
      name: 'neither txn_type nor payment_status',
      request: ipnRequest('first_name=J%F6rg&mc_gross=1.00&charset=windows-1252'),
      config: LIVE_CONFIG,
      expect: { rejected: 'MISSING_FIELD' },
    },
    // Stored and posted back: what a verified message lacks is decided after VERIFIED, so money is never lost here.
    {
      name: 'a payment_status without txn_id',
      request: ipnRequest('payment_status=Refunded&parent_txn_id=61E67681CH3238416&mc_gross=-1.00'),
      config: LIVE_CONFIG,
      expect: 'pending',
      normalized: expected('a payment_status without txn_id'),
    },
  ];
}

export function paypalIpnContract(): ProviderContractSetup<PayPalIpnConfig> {
  return {
    cases: cases(),
    async start() {
      const paypal = createIpnVerificationFake({ acceptDevSignatures: false });
      const server = await serveFakeRoutes([paypal.route]);
      const guarded = createHttpClient({ timeoutMs: 5000, allowList: ['127.0.0.1'] });
      const http = rewriteOrigin(
        rewriteOrigin(guarded, PAYPAL_IPN_ENDPOINTS.live, server.url),
        PAYPAL_IPN_ENDPOINTS.sandbox,
        server.url,
      );
      return {
        context: { http },
        sender: {
          vouchFor: (request) => paypal.register(request.rawBody),
          setAvailable: (available) => paypal.setMode(available ? 'normal' : 'fail500'),
        },
        async stop() {
          await guarded.close();
          await server.close();
        },
      };
    },
  };
}
