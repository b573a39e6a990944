/**
 * The log pages name values the server sends by catalogue keys built at run time (an event
 * type, a ledger state, an attempt's outcome), which the catalogue test cannot see in the code.
 * Every such value has its text in every language; the lists are checked against the server's
 * own types, so a new value fails to compile here until it is named.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryResult } from '../../../../src/connectors/connector.js';
import { EVENT_TYPES } from '../../../../src/core/events.js';
import type { BillingType } from '../../../../src/core/events.js';
import type { AccessStatus } from '../../../../src/ledger/queries/access-query.js';
import type { HttpFailureKind } from '../../../../src/lib/http-client.js';
import type { components } from '../../api/openapi-types.js';
import { CATALOGUES } from '../../test-support/render.js';

type Tree = { [key: string]: string | Tree };

function text(tree: Tree, path: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of path.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

const keys = <K extends string>(record: Record<K, true>): K[] => Object.keys(record) as K[];

/** An attempt's `outcome` (a connector's result), and a `retry` told apart by what came after it (attempt-view.tsx). */
const OUTCOMES = [
  ...keys<DeliveryResult['outcome']>({ delivered: true, skipped: true, retry: true, failed: true }),
  'retried',
  'givenUp',
];
const TRIGGERS = keys<'scheduled' | 'manual'>({ scheduled: true, manual: true });
const FAILURES = keys<HttpFailureKind>({
  timeout: true,
  connection: true,
  blocked: true,
  invalid_url: true,
  aborted: true,
});
const ACCESS = keys<AccessStatus>({ active: true, suspended: true, ended: true, revoked: true });
const BILLING = keys<BillingType>({ single_payment: true, subscription: true, installment: true });
const CHARSET_BASES = keys<
  NonNullable<components['schemas']['InboundRequestDetail']['charset']>['basis']
>({ message: true, provider: true, assumed: true });
/** The ledger's order states and transaction kinds (src/db/schema.ts, ledger/apply-event.ts). */
const ORDER_STATES = [
  'open',
  'pending',
  'paid',
  'denied',
  'partially_refunded',
  'refunded',
  'charged_back',
];
const TRANSACTION_KINDS = ['payment', 'refund', 'chargeback', 'chargeback_reversed'];

const EXPECTED = [
  ...EVENT_TYPES.map((type) => `eventTypes.${type}`),
  ...BILLING.map((billing) => `events.billing.${billing}`),
  ...ORDER_STATES.map((state) => `events.ledger.orderStatus.${state}`),
  ...TRANSACTION_KINDS.map((kind) => `events.ledger.transactionKind.${kind}`),
  ...ACCESS.map((status) => `events.ledger.accessStatusName.${status}`),
  ...OUTCOMES.map((outcome) => `deliveries.attempt.outcome.${outcome}`),
  ...TRIGGERS.map((trigger) => `deliveries.attempt.trigger.${trigger}`),
  ...FAILURES.map((failure) => `deliveries.attempt.failure.${failure}`),
  ...CHARSET_BASES.map((basis) => `notifications.detail.charset.${basis}`),
];

describe('texts of the log pages', () => {
  it('name every event type, ledger state, attempt outcome, trigger and failure, and charset basis in every language', () => {
    for (const [language, catalogue] of Object.entries(CATALOGUES)) {
      expect(
        EXPECTED.filter((key) => !text(catalogue as Tree, key)),
        language,
      ).toEqual([]);
    }
  });
});
