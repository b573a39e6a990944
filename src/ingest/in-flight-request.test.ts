/**
 * What a request keeps reachable while its commit is in flight. Under load some 50 requests
 * wait for the writer at any moment, and whatever they hold is copied by every young-generation
 * collection of the main thread; the ~70 parsed fields of a Digistore24 notification (held by
 * its event, and by the provider's memo of the verdict) were most of it (docs/benchmarks.md,
 * "What a request holds while its commit is in flight"). Ingest now holds the events' summaries
 * and the provider forgets the verdict once it has normalized. Full collections are precise, so
 * an object nothing holds is gone after one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../lib/clock.js';
import { createCacheScope } from '../lib/cache-scope.js';
import { silentLogger } from '../lib/logger.js';
import { offlineHttpClient } from '../lib/offline-http-client.js';
import { digistore24ConfigSchema } from '../providers/digistore24/config.js';
import { sampleDigistore24Fields } from '../providers/digistore24/sample-fields.js';
import { encodeDigistore24Body } from '../providers/digistore24/sign-request.js';
import type { InboundRequest } from '../providers/provider.js';
import type { KeyedEvent } from './event-payload.js';
import { createIngest } from './ingest.js';
import type { CommitResult, IngestStore } from './ingest-store.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PASSPHRASE = 'in-flight-passphrase';
const SOURCE = {
  id: 'src_inflight',
  provider: 'digistore24',
  name: 'Shop',
  config: digistore24ConfigSchema.parse({ passphrase: PASSPHRASE }),
};

function request(): InboundRequest {
  return {
    receivedAt: new Date('2026-12-06T10:00:00Z'),
    method: 'POST',
    url: `/ipn/${SOURCE.id}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody: Buffer.from(
      encodeDigistore24Body(sampleDigistore24Fields('on_payment'), PASSPHRASE),
      'utf8',
    ),
    remoteAddress: '203.0.113.9',
  };
}

/** A store whose commit waits until `finish` is called, and keeps only weak references to what it was given. */
function waitingStore() {
  let finish: (result: CommitResult) => void = () => {};
  let committed: (refs: { event: WeakRef<object>; raw: WeakRef<object>; id: string }) => void =
    () => {};
  const called = new Promise<{ event: WeakRef<object>; raw: WeakRef<object>; id: string }>(
    (resolve) => {
      committed = resolve;
    },
  );
  const store: IngestStore = {
    record: async () => {},
    commit(_row, events: readonly KeyedEvent[]) {
      const [first] = events;
      if (!first) throw new Error('a commit without events');
      committed({
        event: new WeakRef(first.event),
        raw: new WeakRef(first.event.raw),
        id: first.event.id,
      });
      return new Promise<CommitResult>((resolve) => {
        finish = resolve;
      });
    },
    flush: async () => {},
    close: async () => {},
  };
  return { store, called, finish: (result: CommitResult) => finish(result) };
}

describe('a request waiting for its commit', () => {
  it('holds neither its events nor their raw fields, and is answered as before', async () => {
    const { store, called, finish } = waitingStore();
    const ingest = createIngest({
      store,
      sources: { loadForIngest: async (id) => (id === SOURCE.id ? SOURCE : null) },
      clock: new ManualClock(new Date('2026-12-06T10:00:00Z')),
      http: offlineHttpClient(),
      caches: createCacheScope(),
      logger: silentLogger(),
    });
    const req = request();
    const answer = ingest.receive(SOURCE.id, req);
    const refs = await called;
    // A WeakRef keeps its target until the job that made it has ended.
    await new Promise<void>((resolve) => setImmediate(resolve));
    collectGarbage();
    expect(refs.raw.deref()).toBeUndefined();
    expect(refs.event.deref()).toBeUndefined();

    finish({ inserted: [refs.id], deliveries: 2, documentJobs: 0 });
    const result = await answer;
    expect(result.outcome).toEqual({ kind: 'accepted', eventIds: [refs.id] });
    expect(result.ack.body).toBe('OK');
    // The request itself is still the caller's: the body, which the memo was keyed by, lives on.
    expect(req.rawBody.length).toBeGreaterThan(1000);
  });
});
