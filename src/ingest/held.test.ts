/**
 * Requests held for review (verdict `held`): how the ingest pipeline records them for a
 * provider that decides at once (the deferred path is covered with the real PayPal provider in
 * test/e2e/paypal-ipn-ledger.test.ts), and that the alert is counted (who it goes to, and its
 * throttle: src/outbox/health-alerts.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { offlineHttpClient } from '../lib/offline-http-client.js';
import type { InboundRequest, Provider } from '../providers/provider.js';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { createGroupCommitter } from './group-commit.js';
import type { HealthNote } from '../outbox/health-alerts.js';
import { createHeldAlerter } from './held-alert.js';
import type { HeldRequest } from './held-alert.js';
import { createIngest } from './ingest.js';
import { createLocalIngestStore } from './ingest-store.js';
import { createCacheScope } from '../lib/cache-scope.js';

const HELD: HeldRequest = {
  inboundId: 'req_01HELD',
  sourceId: 'src_shop',
  provider: 'paypal-ipn',
  code: 'AMOUNT_MISMATCH',
  reason: 'item "a" was paid 1.00 EUR, expected 19.99 EUR',
};

describe('held-for-review alert', () => {
  it('logs the held request and counts it as a held alert of its source', async () => {
    const log = captureLogger('info');
    const notes: HealthNote[] = [];
    await createHeldAlerter({
      note: async (note) => {
        notes.push(note);
      },
      logger: log.logger,
    })(HELD);
    expect(notes).toEqual([
      {
        subjectId: 'src_shop',
        kind: 'held',
        ref: 'req_01HELD',
        reason: 'AMOUNT_MISMATCH: item "a" was paid 1.00 EUR, expected 19.99 EUR',
      },
    ]);
    expect(log.lines().map((line) => [line.level, line.msg, line.inboundId, line.code])).toEqual([
      [40, 'inbound request held for review', 'req_01HELD', 'AMOUNT_MISMATCH'],
    ]);
  });
});

const SOURCE = { id: 'src_now', provider: 'stub-now', name: 'stub', config: {} };

/** A provider that decides at once: a body `held=1` is held for review, anything else ignored. */
const decidingProvider: Provider<Record<string, never>> = {
  id: 'stub-now',
  displayName: 'Stub provider',
  configSchema: z.object({}).strict(),
  secretFields: [],
  contentTypes: ['application/x-www-form-urlencoded'],
  verify: async () => ({ ok: true, method: 'stub signature' }),
  normalize: (req) =>
    req.rawBody.toString('utf8') === 'held=1'
      ? { kind: 'held', code: 'MISSING_FIELD', reason: 'order_id is missing, but money moved' }
      : { kind: 'ignored', reason: 'not held', fields: {} },
  acknowledge: (outcome) => ({
    status: outcome.kind === 'error' ? 500 : 200,
    contentType: 'text/plain',
    body: outcome.kind,
  }),
  decodeFields: () => ({ ok: false, reason: 'stub' }),
};

for (const dialect of enabledDialects()) {
  describe(`held requests through ingest on ${dialect}`, () => {
    let testDb: TestDb;

    beforeEach(async () => {
      testDb = await createTestDb(dialect);
    });
    afterEach(async () => testDb.dispose());

    it('stores the request as held with its code, acknowledges it as stored, and raises the alert', async () => {
      const clock = new ManualClock('2026-05-01T12:00:00.000Z');
      const held: HeldRequest[] = [];
      const ingest = createIngest({
        store: createLocalIngestStore(
          createGroupCommitter(testDb.db, testDb.adapter),
          createActiveFiltersLoader(),
        ),
        sources: { loadForIngest: async (id) => (id === SOURCE.id ? SOURCE : null) },
        providers: (id) =>
          id === decidingProvider.id ? (decidingProvider as unknown as Provider<unknown>) : null,
        clock,
        http: offlineHttpClient(),
        caches: createCacheScope(),
        logger: silentLogger(),
        onHeld: (request) => held.push(request),
      });
      const req: InboundRequest = {
        receivedAt: clock.now(),
        method: 'POST',
        url: `/ipn/${SOURCE.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: Buffer.from('held=1'),
        remoteAddress: '127.0.0.1',
      };
      const result = await ingest.receive(SOURCE.id, req);
      expect(result.outcome).toEqual({
        kind: 'held',
        reason: 'order_id is missing, but money moved',
      });
      expect(result.ack).toEqual({ status: 200, contentType: 'text/plain', body: 'held' });
      const row = await testDb.db
        .selectFrom('inbound_requests')
        .select(['id', 'verdict', 'verdict_code', 'verdict_reason', 'event_ids'])
        .executeTakeFirstOrThrow();
      expect(row).toEqual({
        id: result.inboundId,
        verdict: 'held',
        verdict_code: 'MISSING_FIELD',
        verdict_reason: 'order_id is missing, but money moved',
        event_ids: '[]',
      });
      expect(held).toEqual([
        {
          inboundId: result.inboundId,
          sourceId: SOURCE.id,
          provider: 'stub-now',
          code: 'MISSING_FIELD',
          reason: 'order_id is missing, but money moved',
        },
      ]);
      expect(await testDb.db.selectFrom('events').select('id').execute()).toEqual([]);
    });
  });
}
