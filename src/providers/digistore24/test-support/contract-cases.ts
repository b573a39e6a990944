/**
 * The Digistore24 provider's contract cases (run by `src/providers/provider-contracts.test.ts`):
 * every signed example payload and a signed event the hub does not handle, each with the
 * events it must become, and the requests `verify` refuses. Digistore24 signs its calls, so
 * everything is verified at once and nothing reaches the network.
 */
import type {
  ExpectedNormalized,
  ProviderContractCase,
  ProviderContractSetup,
} from '../../provider-contract.js';
import type { Digistore24Config } from '../config.js';
import { encodeDigistore24Body } from '../sign-request.js';
import { expectedDigistore24Normalized } from './contract-expectations.js';
import { digistore24Request as request, loadDigistore24Fixture, wireBody } from './ipn-examples.js';

function expected(name: string): ExpectedNormalized {
  const found = expectedDigistore24Normalized[name];
  if (!found)
    throw new Error(`no expected normalization for the Digistore24 contract case ${name}`);
  return found;
}

function cases(): Array<ProviderContractCase<Digistore24Config>> {
  const fixture = loadDigistore24Fixture();
  const config: Digistore24Config = { passphrase: fixture.example_payloads.passphrase };
  const payment = fixture.example_payloads.items[0];
  if (!payment) throw new Error('fixture has no payloads');
  const paymentBody = wireBody(payment).toString('utf8');
  return [
    ...fixture.example_payloads.items.map((item) => ({
      name: item.title,
      request: request(wireBody(item)),
      config,
      expect: 'verified' as const,
      normalized: expected(item.title),
    })),
    {
      name: 'an unknown event, signed',
      request: request(
        encodeDigistore24Body(
          { event: 'eticket', eticket_id: '9', api_mode: 'live' },
          config.passphrase,
        ),
      ),
      config,
      expect: 'verified',
      normalized: expected('an unknown event, signed'),
    },
    {
      name: 'the wrong passphrase',
      request: request(paymentBody),
      config: { passphrase: 'not-the-passphrase' },
      expect: { rejected: 'SIGNATURE_INVALID' },
    },
    {
      name: 'a tampered amount',
      request: request(paymentBody.replace('amount=97.00', 'amount=9.70')),
      config,
      expect: { rejected: 'SIGNATURE_INVALID' },
    },
    {
      name: 'no sha_sign',
      request: request(paymentBody.replace(/&sha_sign=[0-9A-F]+$/, '')),
      config,
      expect: { rejected: 'SIGNATURE_MISSING' },
    },
    {
      name: 'no passphrase on the DS24 side',
      request: request(
        'event=connection_test&api_mode=live&sha_sign=no_signature_passphrase_provided',
      ),
      config,
      expect: { rejected: 'SIGNATURE_NOT_CONFIGURED' },
    },
    {
      name: 'a duplicate field',
      request: request(`${paymentBody}&event=on_refund`),
      config,
      expect: { rejected: 'DUPLICATE_FIELD' },
    },
    {
      name: 'a bad percent escape',
      request: request(`${paymentBody}&x=%ZZ`),
      config,
      expect: { rejected: 'MALFORMED_BODY' },
    },
  ];
}

export function digistore24Contract(): ProviderContractSetup<Digistore24Config> {
  return { cases: cases() };
}
