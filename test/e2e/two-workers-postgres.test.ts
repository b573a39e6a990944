/**
 * Two workers (two runtimes, two connection pools, as two processes would have) drain one
 * PostgreSQL queue side by side: every delivery is made exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { createRuntime } from '../../src/runtime.js';
import type { Runtime } from '../../src/runtime.js';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import { pollUntil } from '../helpers/poll-until.js';
import { createTestTarget, enabledDialects } from '../helpers/test-db.js';

const COUNT = 200;

describe.runIf(enabledDialects().includes('postgres'))('two workers on PostgreSQL', () => {
  let runtimes: Runtime[] = [];
  let drop: () => Promise<void>;
  let dataDir: string;
  let sink: Awaited<ReturnType<typeof startWebhookSink>>;

  beforeAll(async () => {
    sink = await startWebhookSink();
    const created = await createTestTarget('postgres');
    drop = created.drop;
    dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-2w-'));
    const url = created.target.kind === 'postgres' ? created.target.url : '';
    const config = loadConfig(
      {},
      {
        databaseUrl: url,
        dataDir,
        masterKey: Buffer.alloc(32, 9).toString('hex'),
        adminToken: 'two-workers-admin-token-000',
        outboundAllowList: ['127.0.0.1'],
        workerConcurrency: 4,
        workerPollMs: 50,
      },
    );
    runtimes = [
      await createRuntime(config, { logger: silentLogger() }),
      await createRuntime(config, { logger: silentLogger() }),
    ];
  });

  afterAll(async () => {
    for (const r of runtimes) await r.close();
    await drop();
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every event exactly once', async () => {
    const [a, b] = runtimes as [Runtime, Runtime];
    const source = await a.sources.create({
      provider: 'digistore24',
      name: 'pg',
      config: { passphrase: 'pg-pass' },
    });
    await a.connections.create({ connector: 'webhook', name: 'sink', config: { url: sink.url } });
    const receive = async (i: number) => {
      const order = `PG${String(i % (COUNT / 2)).padStart(4, '0')}`;
      const event = i < COUNT / 2 ? 'on_payment' : 'on_refund';
      const body = encodeDigistore24Body(
        sampleDigistore24Fields(event, { orderId: order, transactionId: String(1000 + i) }),
        'pg-pass',
      );
      const res = await (i % 2 === 0 ? a : b).ingest.receive(source.id, {
        receivedAt: new Date(),
        method: 'POST',
        url: `/ipn/${source.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        rawBody: Buffer.from(body),
        remoteAddress: '127.0.0.1',
      });
      expect(res.outcome.kind).toBe('accepted');
    };
    // Every order gets a payment and then a refund, so per-order ordering is exercised across
    // workers. Each half arrives at once (group commit keeps that quick); the refunds only after
    // all payments are stored.
    const indexes = Array.from({ length: COUNT }, (_, i) => i);
    await Promise.all(indexes.slice(0, COUNT / 2).map(receive));
    await Promise.all(indexes.slice(COUNT / 2).map(receive));

    await Promise.all([a.worker.start(), b.worker.start()]);
    await sink.waitForRequests(COUNT);
    // The last outcomes may still be on their way to the database; stop only once all are in.
    await pollUntil(
      () =>
        a.dbHandle.db
          .selectFrom('deliveries')
          .select('id')
          .where('status', 'in', ['pending', 'delivering'])
          .execute(),
      (open) => open.length === 0,
    );
    await Promise.all([a.worker.stop(), b.worker.stop()]);

    expect(sink.requests).toHaveLength(COUNT);
    expect(sink.uniqueIds()).toHaveLength(COUNT);
    const db = a.dbHandle.db;
    const attempts = await db.selectFrom('attempts').select(['delivery_id']).execute();
    expect(attempts).toHaveLength(COUNT);
    const statuses = await db.selectFrom('deliveries').select('status').execute();
    expect(statuses.every((s) => s.status === 'delivered')).toBe(true);

    // Per order, the payment reached the sink before the refund.
    const seen = sink.requests
      .map((r) => r.json as { type: string; data: { order: { id: string } } })
      .map((j) => `${j.data.order.id}:${j.type}`);
    for (let i = 0; i < COUNT / 2; i++) {
      const order = `PG${String(i).padStart(4, '0')}`;
      expect(seen.indexOf(`${order}:payment`)).toBeLessThan(seen.indexOf(`${order}:refund`));
    }
  });
});
