/**
 * The payload serialized once where the event is built (event-payload.ts) stores the rows the
 * event's own serialization stored: the same Digistore24, PayPal IPN and PayPal webhook
 * notifications go through each store the server uses (SQLite: the writer thread and the
 * batch store; PostgreSQL: its batch store) into one database, and, without their carried
 * payloads, one by one through the per-notification path (which then stringifies each stored
 * event itself) into another; every table must hold the same rows, byte for byte.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../test/helpers/dialect-list.js';
import { createTestDb } from '../../test/helpers/test-db.js';
import type { DialectName, TestDb } from '../../test/helpers/test-db.js';
import type { EventDraft } from '../core/events.js';
import { silentLogger } from '../lib/logger.js';
import {
  encodePayPalIpnBody,
  samplePayPalIpnFields,
} from '../providers/paypal-ipn/sample-messages.js';
import type { PayPalIpnSampleOverrides } from '../providers/paypal-ipn/sample-messages.js';
import { LIVE_CONFIG, ipnRequest } from '../providers/paypal-ipn/test-support/ipn-fixtures.js';
import { samplePayPalWebhookEvent } from '../providers/paypal-webhooks/sample-events.js';
import type { PayPalWebhookSampleOverrides } from '../providers/paypal-webhooks/sample-events.js';
import type { PayPalWebhookEventType } from '../providers/paypal-webhooks/normalize.js';
import { webhookRequest } from '../providers/paypal-webhooks/test-support/vectors.js';
import type { Normalized } from '../providers/provider.js';
import { getProvider } from '../providers/registry.js';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import type { BatchItem } from './batch-commit.js';
import { createBatchIngestStore } from './batch-ingest-store.js';
import { keyEvents } from './ingest.js';
import type { IngestStore } from './ingest-store.js';
import { createPgIngestStore } from './pg-ingest-store.js';
import { sqliteGroupWriter } from './sqlite-batch-commit.js';
import {
  NOW,
  SOURCE,
  addConnection,
  attachInvoicingProfile,
  commit,
  inbound,
  mixedBatch,
  snapshot,
  writeAlone,
} from './test-support/batch-items.js';
import { createThreadedIngestStore } from './threaded-ingest-store.js';

function fromDrafts(normalized: Normalized, provider: string, receivedAt: string): BatchItem {
  if (normalized.kind !== 'events') throw new Error(`not events: ${normalized.kind}`);
  const drafts: readonly EventDraft[] = normalized.events;
  const row = { ...inbound('accepted'), provider };
  const events = keyEvents(drafts, { id: SOURCE, provider }, receivedAt);
  return { kind: 'commit', row, events, now: NOW };
}

function paypalIpn(kind: string, overrides: PayPalIpnSampleOverrides = {}): BatchItem {
  const req = ipnRequest(encodePayPalIpnBody(samplePayPalIpnFields(kind, overrides), 'UTF-8'));
  const normalized = getProvider('paypal-ipn').normalize(req, LIVE_CONFIG);
  return fromDrafts(normalized, 'paypal-ipn', req.receivedAt.toISOString());
}

function paypalWebhook(
  type: PayPalWebhookEventType,
  overrides: PayPalWebhookSampleOverrides = {},
): BatchItem {
  const req = webhookRequest(JSON.stringify(samplePayPalWebhookEvent(type, overrides)), {});
  const normalized = getProvider('paypal-webhooks').normalize(req, {
    webhookId: 'WH-TEST',
    environment: 'live',
    verification: 'local',
  });
  return fromDrafts(normalized, 'paypal-webhooks', req.receivedAt.toISOString());
}

/**
 * Notifications of all three providers in two rounds: first payments that share nothing
 * (written together, in one batch or two at once), then what depends on them (refunds, which
 * the ledger completes before they are stored, a renewal, a resend), one at a time.
 */
function rounds(): BatchItem[][] {
  const [a1, b1, , c1, resendA1, refundA1, renewB1, pending, testD1] = mixedBatch();
  const firsts = [a1, b1, testD1].filter((item) => item !== undefined);
  const followUps = [c1, resendA1, refundA1, renewB1, pending].filter((item) => item !== undefined);
  return [
    [
      ...firsts,
      { kind: 'record', row: inbound('rejected') },
      paypalIpn('web_accept', { payerEmail: 'joerg@example.com' }),
      paypalIpn('subscr_payment'),
      paypalWebhook('PAYMENT.CAPTURE.COMPLETED'),
      commit('on_payment', { orderId: 'U1', email: 'ümit@example.com' }),
    ],
    [
      ...followUps,
      paypalIpn('refund', { payerEmail: 'joerg@example.com' }),
      paypalIpn('partial_refund', { txnId: 'PARTIAL1', payerEmail: 'joerg@example.com' }),
      paypalWebhook('PAYMENT.CAPTURE.REFUNDED'),
      paypalIpn('web_accept', { payerEmail: 'joerg@example.com' }),
    ],
  ];
}

/** The item as the pipeline built it before payloads were carried: the event alone. */
function withoutPayloads(item: BatchItem): BatchItem {
  if (item.kind === 'record') return item;
  return {
    ...item,
    events: item.events.map(({ event, dedupKey }) => ({ event, dedupKey })),
  };
}

function submit(store: IngestStore, item: BatchItem): Promise<unknown> {
  return item.kind === 'record'
    ? store.record(item.row)
    : store.commit(item.row, item.events, item.now);
}

type StoreKind = 'threaded' | 'batch';

const cases: Array<[DialectName, StoreKind]> = enabledDialects().flatMap(
  (dialect): Array<[DialectName, StoreKind]> =>
    dialect === 'sqlite'
      ? [
          [dialect, 'threaded'],
          [dialect, 'batch'],
        ]
      : [[dialect, 'batch']],
);

describe.each(cases)('stored payloads (%s, %s store)', (dialect, kind) => {
  let stored: TestDb;
  let reference: TestDb;
  beforeEach(async () => {
    stored = await createTestDb(dialect);
    reference = await createTestDb(dialect);
    for (const h of [stored, reference]) {
      await addConnection(h.db);
      await attachInvoicingProfile(h.db);
    }
  });
  afterEach(async () => {
    await stored.dispose();
    await reference.dispose();
  });

  function openStore(): IngestStore {
    if (kind === 'threaded')
      return createThreadedIngestStore({ target: stored.target, logger: silentLogger() });
    if (dialect === 'postgres')
      return createPgIngestStore(stored.db, stored.adapter, createActiveFiltersLoader());
    return createBatchIngestStore({
      db: stored.db,
      adapter: stored.adapter,
      activeFilters: createActiveFiltersLoader(),
      writer: sqliteGroupWriter,
    });
  }

  it('stores the rows the event serialized by the store stored, for all three providers', async () => {
    const [together = [], oneByOne = []] = rounds();
    const store = openStore();
    try {
      await Promise.all(together.map((item) => submit(store, item)));
      for (const item of oneByOne) await submit(store, item);
      await store.flush();
    } finally {
      await store.close();
    }
    for (const item of [...together, ...oneByOne])
      await writeAlone(reference.db, [withoutPayloads(item)]);

    const written = await snapshot(stored.db);
    expect(written).toEqual(await snapshot(reference.db));
    const events = await stored.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.type).sort()).toEqual([
      ...Array<string>(9).fill('payment'),
      ...Array<string>(4).fill('refund'),
    ]);
    // The refunds were completed by the ledger before they were stored: their payload is not the
    // one carried from the main thread, and still ends with the raw fields.
    for (const { type, payload } of events) {
      const parsed = JSON.parse(payload) as Record<string, unknown>;
      expect(Object.keys(parsed).at(-1)).toBe('raw');
      if (type === 'refund') expect(parsed.refund).not.toBeNull();
    }
  });
});
