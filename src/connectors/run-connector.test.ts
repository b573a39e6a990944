import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ManualClock } from '../lib/clock.js';
import type { HttpClient } from '../lib/http-client.js';
import { silentLogger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import type { Connector, DeliveryContext, DeliveryResult, TestContext } from './connector.js';
import { runConnectionTest, runConnector } from './run-connector.js';
import { sampleEvent } from './sample-event.js';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { createCacheScope } from '../lib/cache-scope.js';
import { triggerOfSignal } from '../lib/abort-trigger.js';

const http: HttpClient = {
  request: async () => ({ ok: false, kind: 'blocked', message: 'unused', durationMs: 0 }),
};
const mailer: Mailer = {
  send: async () => ({ ok: false, transient: false, error: 'unused' }),
  verify: async () => ({ ok: false, message: 'unused' }),
  close: async () => undefined,
};

function ctx(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return {
    deliveryId: 'dlv_RUN',
    connectionId: 'con_RUN',
    connectionName: 'run',
    attempt: 1,
    trigger: 'scheduled',
    http,
    mailer,
    logger: silentLogger(),
    clock: new ManualClock(),
    signal: new AbortController().signal,
    caches: createCacheScope(),
    ...overrides,
  };
}

function testCtx(overrides: Partial<TestContext> = {}): TestContext {
  return {
    http,
    mailer,
    logger: silentLogger(),
    clock: new ManualClock(),
    signal: new AbortController().signal,
    caches: createCacheScope(),
    ...overrides,
  };
}

function fakeConnector(
  parts: Partial<Pick<Connector<{ n: number }>, 'deliver' | 'testConnection'>>,
): Connector<{ n: number }> {
  return {
    id: 'fake',
    displayName: 'Fake',
    description: 'for tests',
    configSchema: z.object({ n: z.number() }),
    secretFields: [],
    deliver: parts.deliver ?? (async () => ({ outcome: 'delivered' })),
    testConnection: parts.testConnection ?? (async () => ({ ok: true, message: 'fine' })),
  };
}

describe('runConnector', () => {
  it('passes the outcome, event, config and context through', async () => {
    let seen: unknown[] = [];
    const connector = fakeConnector({
      deliver: async (event, config, context) => {
        seen = [event.id, config.n, context.deliveryId];
        return { outcome: 'skipped', reason: 'no action for this event' };
      },
    });
    expect(await runConnector(connector, sampleEvent(), { n: 3 }, ctx())).toEqual({
      outcome: 'skipped',
      reason: 'no action for this event',
    });
    expect(seen).toEqual(['evt_01HXZ3M8Q4000000000000SAMP', 3, 'dlv_RUN']);
  });

  it('turns a thrown error into a retry and logs it with the stack', async () => {
    const { logger, lines } = captureLogger('info');
    const connector = fakeConnector({
      deliver: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    expect(await runConnector(connector, sampleEvent(), { n: 1 }, ctx({ logger }))).toEqual({
      outcome: 'retry',
      reason: 'connector error: cannot read properties of undefined',
    });
    const [line] = lines();
    expect(line).toMatchObject({
      level: 50,
      msg: 'connector threw',
      connector: 'fake',
      deliveryId: 'dlv_RUN',
      err: { type: 'TypeError' },
    });
    expect(String((line?.err as { stack?: unknown } | undefined)?.stack)).toContain(
      'run-connector.test.ts',
    );
  });

  it('also catches a synchronous throw', async () => {
    const connector = fakeConnector({
      deliver: () => {
        throw new Error('sync');
      },
    });
    expect(await runConnector(connector, sampleEvent(), { n: 1 }, ctx())).toEqual({
      outcome: 'retry',
      reason: 'connector error: sync',
    });
  });

  it('gives up with "timed out" when the deadline fires', async () => {
    const deadline = new AbortController();
    const connector = fakeConnector({
      deliver: () => {
        deadline.abort();
        return new Promise<DeliveryResult>(() => undefined);
      },
    });
    expect(
      await runConnector(connector, sampleEvent(), { n: 1 }, ctx({ signal: deadline.signal })),
    ).toEqual({ outcome: 'retry', reason: 'timed out' });
  });

  it('watches a deadline given as a trigger and never makes ctx.signal unless the connector reads it', async () => {
    const stop = new AbortController();
    let signalRead = false;
    const context = ctx();
    Object.defineProperty(context, 'signal', {
      get() {
        signalRead = true;
        return stop.signal;
      },
    });
    const connector = fakeConnector({
      deliver: () => {
        stop.abort(new Error('worker stopping'));
        return new Promise<DeliveryResult>(() => undefined);
      },
    });
    expect(
      await runConnector(connector, sampleEvent(), { n: 1 }, context, triggerOfSignal(stop.signal)),
    ).toEqual({ outcome: 'retry', reason: 'timed out' });
    expect(signalRead).toBe(false);
  });

  it('does not call the connector when the deadline has already passed', async () => {
    let called = false;
    const connector = fakeConnector({
      deliver: async () => {
        called = true;
        return { outcome: 'delivered' };
      },
    });
    expect(
      await runConnector(connector, sampleEvent(), { n: 1 }, ctx({ signal: AbortSignal.abort() })),
    ).toEqual({ outcome: 'retry', reason: 'timed out' });
    expect(called).toBe(false);
  });

  it('absorbs a failure that arrives after the deadline', async () => {
    const deadline = new AbortController();
    let fail: (err: Error) => void = () => undefined;
    const connector = fakeConnector({
      deliver: () => {
        deadline.abort();
        return new Promise<DeliveryResult>((_resolve, reject) => {
          fail = reject;
        });
      },
    });
    expect(
      await runConnector(connector, sampleEvent(), { n: 1 }, ctx({ signal: deadline.signal })),
    ).toEqual({ outcome: 'retry', reason: 'timed out' });
    fail(new Error('late'));
  });

  it('treats a result without an outcome as a bug', async () => {
    const connector = fakeConnector({
      deliver: async () => ({ outcome: 'done' }) as unknown as DeliveryResult,
    });
    expect(await runConnector(connector, sampleEvent(), { n: 1 }, ctx())).toEqual({
      outcome: 'retry',
      reason: 'connector error: deliver returned no outcome',
    });
  });
});

describe('runConnectionTest', () => {
  it('returns the connector result', async () => {
    expect(await runConnectionTest(fakeConnector({}), { n: 1 }, testCtx())).toEqual({
      ok: true,
      message: 'fine',
    });
  });

  it('never throws', async () => {
    const connector = fakeConnector({
      testConnection: async () => {
        throw new Error('exploded');
      },
    });
    expect(await runConnectionTest(connector, { n: 1 }, testCtx())).toEqual({
      ok: false,
      message: 'connector error: exploded',
    });
  });

  it('reports the deadline', async () => {
    const deadline = new AbortController();
    const connector = fakeConnector({
      testConnection: () => {
        deadline.abort();
        return new Promise(() => undefined);
      },
    });
    expect(
      await runConnectionTest(connector, { n: 1 }, testCtx({ signal: deadline.signal })),
    ).toEqual({ ok: false, message: 'timed out' });
  });

  it('treats a malformed result as not ok', async () => {
    const connector = fakeConnector({
      testConnection: async () => ({ ok: 'yes' }) as unknown as { ok: boolean; message: string },
    });
    expect(await runConnectionTest(connector, { n: 1 }, testCtx())).toEqual({
      ok: false,
      message: 'connector error: testConnection returned no result',
    });
  });
});
