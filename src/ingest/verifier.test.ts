/**
 * Deferred verification on both dialects, with a provider written for the test: its `confirm`
 * answers from a script, so every branch (confirmed, refused, inconclusive, lease held by a
 * crashed verifier, two verifiers) is driven through the real pipeline and database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import type { EventDraft } from '../core/events.js';
import { ManualClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import { offlineHttpClient } from '../lib/offline-http-client.js';
import type { Confirmation, InboundRequest, Provider } from '../providers/provider.js';
import { createCondition } from '../../test/helpers/condition.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { createGroupCommitter } from './group-commit.js';
import { createIngest } from './ingest.js';
import type { Ingest, RejectedRequest } from './ingest.js';
import { createLocalIngestStore } from './ingest-store.js';
import { createJobRunner } from '../jobs/job-runner.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { createVerificationJobs } from './verifier.js';
import { createCacheScope } from '../lib/cache-scope.js';

const SOURCE = {
  id: 'src_postback',
  provider: 'stub-postback',
  name: 'stub',
  config: { receiver: 'shop@example.com' },
};

/** One step of the script: an answer, a thrown bug, or an answer the test hands over later. */
type Step = Confirmation | 'throw' | Promise<Confirmation>;

/**
 * A provider that confirms by script: `key` names the fact, `receiver` is checked after
 * confirmation. A request with a `tag` field gets `byTag[tag]`; the others take the next step
 * of `script` in call order (which, for requests verified together, is not fixed). `asked(n)`
 * and `normalized(n)` resolve once `n` requests got that far.
 */
function scriptedProvider(
  script: Step[],
  byTag: Record<string, Step> = {},
): Provider<{ receiver: string }> & {
  confirms: string[];
  asked(n: number): Promise<void>;
  normalized(n: number): Promise<void>;
} {
  const confirms: string[] = [];
  let normalizedCount = 0;
  const progress = createCondition();
  const fields = (req: InboundRequest) => new URLSearchParams(req.rawBody.toString('utf8'));
  return {
    confirms,
    asked: async (n) => {
      await progress.until(() => confirms.length >= n);
    },
    normalized: async (n) => {
      await progress.until(() => normalizedCount >= n);
    },
    id: 'stub-postback',
    displayName: 'Stub postback provider',
    configSchema: z.object({ receiver: z.string() }),
    secretFields: [],
    contentTypes: ['application/x-www-form-urlencoded'],
    verify: async () => ({ ok: true, method: 'shape only' }),
    async confirm(req) {
      const f = fields(req);
      confirms.push(f.get('key') ?? '');
      const tag = f.get('tag');
      const next = (tag === null ? script.shift() : byTag[tag]) ?? {
        ok: true,
        method: 'postback VERIFIED',
      };
      progress.notify();
      if (next === 'throw') throw new Error('provider bug');
      return next;
    },
    normalize(req, config) {
      normalizedCount++;
      progress.notify();
      const f = fields(req);
      if (f.get('receiver') !== config.receiver)
        return {
          kind: 'invalid',
          code: 'RECEIVER_MISMATCH',
          reason: `paid to ${f.get('receiver')}`,
        };
      if (f.get('type') === 'unknown')
        return { kind: 'ignored', reason: 'unknown type', fields: {} };
      const draft: EventDraft = {
        type: 'payment',
        occurredAt: null,
        test: false,
        order: null,
        buyer: null,
        affiliate: null,
        subscription: null,
        raw: Object.fromEntries(f),
        dedupKey: `stub:${f.get('key')}`,
      };
      return { kind: 'events', events: [draft] };
    },
    acknowledge: (outcome) => ({
      status: outcome.kind === 'error' ? 500 : 200,
      contentType: 'text/plain',
      body: '',
    }),
    decodeFields: () => ({ ok: false, reason: 'stub' }),
  };
}

function request(clock: ManualClock, body: string): InboundRequest {
  return {
    receivedAt: clock.now(),
    method: 'POST',
    url: `/ipn/${SOURCE.id}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(body),
    remoteAddress: '127.0.0.1',
  };
}

for (const dialect of enabledDialects()) {
  describe(`deferred verification on ${dialect}`, () => {
    let testDb: TestDb;
    let clock: ManualClock;
    let provider: ReturnType<typeof scriptedProvider>;
    let ingest: Ingest;
    let sources: { loadForIngest(id: string): Promise<typeof SOURCE | null> };
    let sourceExists: boolean;

    function verifier(
      schedule = [5, 300],
      onRejected?: (rejected: RejectedRequest) => void,
    ): JobRunner {
      const logger = silentLogger();
      const jobs = createVerificationJobs({
        ...(onRejected ? { onRejected } : {}),
        db: testDb.db,
        adapter: testDb.adapter,
        sources,
        providers: (id) => (id === provider.id ? (provider as unknown as Provider<unknown>) : null),
        activeTargets: createActiveFiltersLoader(),
        http: offlineHttpClient(),
        caches: createCacheScope(),
        clock,
        logger,
        policy: { schedule, jitter: 0, overloadPenaltySeconds: 60, maxRetryAfterSeconds: 3600 },
        concurrency: 4,
      });
      return createJobRunner(jobs, { clock, logger, leaseMs: 60_000, pollMs: 1000 });
    }

    function setup(script: Step[], byTag: Record<string, Step> = {}): void {
      provider = scriptedProvider(script, byTag);
      ingest = createIngest({
        store: createLocalIngestStore(
          createGroupCommitter(testDb.db, testDb.adapter),
          createActiveFiltersLoader(),
        ),
        sources,
        providers: (id) => (id === provider.id ? (provider as unknown as Provider<unknown>) : null),
        clock,
        http: offlineHttpClient(),
        caches: createCacheScope(),
        logger: silentLogger(),
      });
    }

    async function inbound(id: string) {
      return testDb.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code', 'verdict_reason', 'verification', 'event_ids'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    }
    const jobs = () =>
      testDb.db.selectFrom('verifications').selectAll().orderBy('inbound_request_id').execute();
    const eventCount = async () =>
      (await testDb.db.selectFrom('events').select('id').execute()).length;

    beforeEach(async () => {
      testDb = await createTestDb(dialect);
      clock = new ManualClock('2026-05-01T12:00:00.000Z');
      sourceExists = true;
      sources = { loadForIngest: async (id) => (sourceExists && id === SOURCE.id ? SOURCE : null) };
    });
    afterEach(async () => testDb.dispose());

    it('stores and acknowledges first, then confirms, commits the events and settles the verdict', async () => {
      setup([{ ok: true, method: 'postback VERIFIED' }]);
      const received = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=A1&receiver=shop@example.com'),
      );
      expect(received.outcome).toEqual({ kind: 'pending' });
      expect(received.ack).toEqual({ status: 200, contentType: 'text/plain', body: '' });
      expect(await inbound(received.inboundId!)).toMatchObject({
        verdict: 'pending',
        verification: 'shape only',
      });
      expect(await jobs()).toMatchObject([
        { inbound_request_id: received.inboundId, attempts: 0, lease_until: null },
      ]);
      expect(await eventCount()).toBe(0);

      expect(await verifier().runOnce()).toBe(1);
      const settled = await inbound(received.inboundId!);
      expect(settled).toMatchObject({
        verdict: 'accepted',
        verdict_code: null,
        verification: 'postback VERIFIED',
      });
      expect(JSON.parse(settled.event_ids)).toHaveLength(1);
      expect(await eventCount()).toBe(1);
      expect(await jobs()).toEqual([]);
      expect(provider.confirms).toEqual(['A1']);
    });

    it('rejects what the provider refuses and commits nothing', async () => {
      setup([{ ok: false, code: 'POSTBACK_INVALID', reason: 'PayPal answered INVALID' }]);
      const { inboundId } = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=B1&receiver=shop@example.com'),
      );
      await verifier().runOnce();
      expect(await inbound(inboundId!)).toMatchObject({
        verdict: 'rejected',
        verdict_code: 'POSTBACK_INVALID',
        verdict_reason: 'PayPal answered INVALID',
        event_ids: '[]',
      });
      expect(await eventCount()).toBe(0);
      expect(await jobs()).toEqual([]);
    });

    it('rejects a confirmed request that fails the checks after confirmation, and records ignored ones', async () => {
      setup([]);
      const wrong = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=C1&receiver=someone@else.com'),
      );
      const unknown = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=C2&receiver=shop@example.com&type=unknown'),
      );
      const rejected: RejectedRequest[] = [];
      await verifier(undefined, (r) => rejected.push(r)).runOnce();
      // The operator's alert hears of the rejection, not of the ignored one.
      expect(rejected).toEqual([
        {
          inboundId: wrong.inboundId,
          sourceId: SOURCE.id,
          code: 'RECEIVER_MISMATCH',
          reason: expect.any(String),
        },
      ]);
      expect(await inbound(wrong.inboundId!)).toMatchObject({
        verdict: 'rejected',
        verdict_code: 'RECEIVER_MISMATCH',
        verification: 'postback VERIFIED',
      });
      expect(await inbound(unknown.inboundId!)).toMatchObject({
        verdict: 'ignored',
        verdict_reason: 'unknown type',
      });
      expect(await eventCount()).toBe(0);
    });

    it('tries inconclusive answers again by the schedule, then at its last step, until confirmed', async () => {
      setup([
        { ok: 'retry', reason: 'HTTP 503' },
        { ok: 'retry', reason: 'timed out' },
        { ok: 'retry', reason: 'timed out' },
        { ok: true, method: 'postback VERIFIED' },
      ]);
      const { inboundId } = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=D1&receiver=shop@example.com'),
      );
      const v = verifier([5, 300]);
      await v.runOnce();
      expect(await jobs()).toMatchObject([
        {
          attempts: 1,
          next_attempt_at: '2026-05-01T12:00:05.000Z',
          lease_until: null,
          last_error: 'HTTP 503',
        },
      ]);

      clock.advance(4_000);
      expect(await v.runOnce()).toBe(0);
      clock.advance(1_000);
      expect(await v.runOnce()).toBe(1);
      expect(await jobs()).toMatchObject([
        { attempts: 2, next_attempt_at: '2026-05-01T12:05:05.000Z', last_error: 'timed out' },
      ]);

      clock.advance(300_000);
      await v.runOnce();
      // The schedule is exhausted: the request is never dropped, it is tried at the last step's interval.
      expect(await jobs()).toMatchObject([
        { attempts: 3, next_attempt_at: '2026-05-01T12:10:05.000Z' },
      ]);
      expect(await inbound(inboundId!)).toMatchObject({ verdict: 'pending' });

      clock.advance(300_000);
      await v.runOnce();
      expect(await inbound(inboundId!)).toMatchObject({ verdict: 'accepted' });
      expect(provider.confirms).toEqual(['D1', 'D1', 'D1', 'D1']);
    });

    it('honours a Retry-After the provider passes on', async () => {
      setup([{ ok: 'retry', reason: 'HTTP 429', retryAfterSeconds: 120 }]);
      await ingest.receive(SOURCE.id, request(clock, 'key=E1&receiver=shop@example.com'));
      await verifier([5, 300]).runOnce();
      expect(await jobs()).toMatchObject([
        { attempts: 1, next_attempt_at: '2026-05-01T12:02:00.000Z' },
      ]);
    });

    it('treats the second of two confirmed copies of one fact as a duplicate', async () => {
      setup([]);
      const first = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=F1&receiver=shop@example.com'),
      );
      const copy = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=F1&receiver=shop@example.com'),
      );
      await verifier().runOnce();
      expect((await inbound(first.inboundId!)).verdict).toBe('accepted');
      expect((await inbound(copy.inboundId!)).verdict).toBe('duplicate');
      expect(await eventCount()).toBe(1);
    });

    it('commits a round in the order the requests were received, whichever answer comes back first', async () => {
      let answerFirst: (c: Confirmation) => void = () => undefined;
      // The first request's answer is held; the two after it are answered at once.
      setup([], { held: new Promise<Confirmation>((resolve) => (answerFirst = resolve)) });
      const first = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=K1&tag=held&receiver=shop@example.com'),
      );
      const other = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=K2&receiver=shop@example.com'),
      );
      const copy = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=K1&receiver=shop@example.com'),
      );

      const round = verifier().runOnce();
      await provider.asked(3);
      await provider.normalized(2);
      // Every chance for the later requests to be committed ahead of the first, before its answer comes.
      await new Promise<void>((resolve) => setImmediate(resolve));
      answerFirst({ ok: true, method: 'postback VERIFIED' });
      expect(await round).toBe(3);

      expect([
        (await inbound(first.inboundId!)).verdict,
        (await inbound(other.inboundId!)).verdict,
        (await inbound(copy.inboundId!)).verdict,
      ]).toEqual(['accepted', 'accepted', 'duplicate']);
      // Event ids order one order's deliveries: they follow the receipt order too.
      const events = await testDb.db
        .selectFrom('events')
        .select(['inbound_request_id'])
        .orderBy('id')
        .execute();
      expect(events.map((e) => e.inbound_request_id)).toEqual([first.inboundId, other.inboundId]);
    });

    it('still settles the rest of a round when one request crashes', async () => {
      setup([], { crash: 'throw', retry: { ok: 'retry', reason: 'HTTP 503' } });
      const crashed = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=L1&tag=crash&receiver=shop@example.com'),
      );
      const retried = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=L2&tag=retry&receiver=shop@example.com'),
      );
      const confirmed = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=L3&receiver=shop@example.com'),
      );
      expect(await verifier().runOnce()).toBe(3);
      expect((await inbound(crashed.inboundId!)).verdict).toBe('pending');
      expect((await inbound(retried.inboundId!)).verdict).toBe('pending');
      expect((await inbound(confirmed.inboundId!)).verdict).toBe('accepted');
      expect(
        (await jobs()).map((j) => [
          j.inbound_request_id,
          Number(j.attempts),
          j.lease_until,
          j.last_error,
        ]),
      ).toEqual([
        [crashed.inboundId, 0, '2026-05-01T12:01:00.000Z', null],
        [retried.inboundId, 1, null, 'HTTP 503'],
      ]);
    });

    it('does not count a copy whose first arrival was refused as a duplicate', async () => {
      setup([
        { ok: false, code: 'POSTBACK_INVALID', reason: 'INVALID' },
        { ok: true, method: 'postback VERIFIED' },
      ]);
      const forged = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=G1&receiver=shop@example.com'),
      );
      await verifier().runOnce();
      const genuine = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=G1&receiver=shop@example.com'),
      );
      await verifier().runOnce();
      expect((await inbound(forged.inboundId!)).verdict).toBe('rejected');
      expect((await inbound(genuine.inboundId!)).verdict).toBe('accepted');
      expect(await eventCount()).toBe(1);
    });

    it('settles a request whose source was removed as an error', async () => {
      setup([]);
      const { inboundId } = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=H1&receiver=shop@example.com'),
      );
      sourceExists = false;
      await verifier().runOnce();
      expect(await inbound(inboundId!)).toMatchObject({
        verdict: 'error',
        verdict_code: 'SOURCE_NOT_FOUND',
      });
      expect(provider.confirms).toEqual([]);
    });

    it('leaves a crashed attempt to its lease, then takes the request again', async () => {
      setup(['throw', { ok: true, method: 'postback VERIFIED' }]);
      const { inboundId } = await ingest.receive(
        SOURCE.id,
        request(clock, 'key=I1&receiver=shop@example.com'),
      );
      const v = verifier();
      await v.runOnce();
      expect(await jobs()).toMatchObject([
        { attempts: 0, lease_until: '2026-05-01T12:01:00.000Z' },
      ]);
      clock.advance(59_000);
      expect(await v.runOnce()).toBe(0);
      clock.advance(2_000);
      expect(await v.runOnce()).toBe(1);
      expect(await inbound(inboundId!)).toMatchObject({ verdict: 'accepted' });
    });

    it('lets two verifiers share the queue without confirming any request twice', async () => {
      setup([]);
      const keys = Array.from({ length: 12 }, (_, i) => `J${i}`);
      for (const key of keys)
        await ingest.receive(SOURCE.id, request(clock, `key=${key}&receiver=shop@example.com`));
      const [a, b] = await Promise.all([verifier().runOnce(), verifier().runOnce()]);
      expect(a + b).toBe(12);
      expect([...provider.confirms].sort()).toEqual([...keys].sort());
      expect(await eventCount()).toBe(12);
      expect(await jobs()).toEqual([]);
    });
  });
}
