/**
 * Crash safety: a real `ipnhub serve` process is killed with SIGKILL in the middle of a stream
 * of IPNs. After a restart, and after the provider resends what was not acknowledged (as
 * Digistore24 does), every acknowledged IPN is in the ledger exactly once and every delivery
 * completes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { createRuntime } from '../../src/runtime.js';
import { startWebhookSink } from '../fakes/webhook-sink.js';
import { pollUntil } from '../helpers/poll-until.js';

const TOKEN = 'crash-test-admin-token-0123456789';
const PASSPHRASE = 'crash-test-passphrase';
const TOTAL = 300;

async function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('crash safety of serve (SQLite)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let sink: Awaited<ReturnType<typeof startWebhookSink>>;
  let base: string;
  let sourceId: string;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-crash-'));
    sink = await startWebhookSink();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH,
      IPNHUB_DATA_DIR: dataDir,
      IPNHUB_PORT: String(port),
      IPNHUB_HOST: '127.0.0.1',
      IPNHUB_ADMIN_TOKEN: TOKEN,
      IPNHUB_LOG_LEVEL: 'warn',
      IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
      IPNHUB_LEASE_SECONDS: '5',
      IPNHUB_OUTBOUND_TIMEOUT_MS: '2000',
      IPNHUB_WORKER_POLL_MS: '100',
      IPNHUB_INBOUND_RATE_LIMIT_PER_MINUTE: '0',
    };
    const runtime = await createRuntime(loadConfig(env), { logger: silentLogger() });
    sourceId = (
      await runtime.sources.create({
        provider: 'digistore24',
        name: 'crash',
        config: { passphrase: PASSPHRASE },
      })
    ).id;
    await runtime.connections.create({
      connector: 'webhook',
      name: 'sink',
      config: { url: sink.url },
    });
    await runtime.close();
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function startServe(): ChildProcess {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/cli-entry.ts', 'serve'],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    return proc;
  }

  /** Until `/healthz` answers 200; fails as soon as the process has ended instead. */
  async function waitHealthy(proc: ChildProcess): Promise<void> {
    await pollUntil(
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null)
          throw new Error(
            `serve ended (${proc.exitCode ?? proc.signalCode}) before it became healthy`,
          );
        return request(`${base}/healthz`).then(
          (r) => r.body.text().then(() => r.statusCode === 200),
          () => false,
        );
      },
      (healthy) => healthy,
      100,
    );
  }

  const bodies = Array.from({ length: TOTAL }, (_, i) =>
    encodeDigistore24Body(
      sampleDigistore24Fields('on_payment', {
        orderId: `CRASH${String(i).padStart(4, '0')}`,
        transactionId: String(900000 + i),
      }),
      PASSPHRASE,
    ),
  );

  async function send(i: number): Promise<boolean> {
    try {
      const res = await request(`${base}/ipn/${sourceId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: bodies[i],
      });
      const text = await res.body.text();
      return res.statusCode === 200 && text === 'OK';
    } catch {
      return false;
    }
  }

  async function api<T>(path: string): Promise<T> {
    const res = await request(`${base}/api/v1${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    return (await res.body.json()) as T;
  }

  it('loses nothing acknowledged and completes every delivery after SIGKILL and restart', async () => {
    child = startServe();
    await waitHealthy(child);

    const acked = new Set<number>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        if (await send(i)) acked.add(i);
        if (!killed && acked.size >= 120) {
          killed = true;
          child?.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThanOrEqual(120);
    expect(acked.size).toBeLessThan(TOTAL);
    await new Promise<void>((r) =>
      child?.exitCode !== null || child?.signalCode ? r() : child?.once('exit', () => r()),
    );

    child = startServe();
    await waitHealthy(child);
    // What the provider does: resend everything it got no OK for, and a few it did (duplicates).
    const resend = [
      ...Array.from({ length: TOTAL }, (_, i) => i).filter((i) => !acked.has(i)),
      ...[...acked].slice(0, 20),
    ];
    for (const i of resend) expect(await send(i)).toBe(true);

    await pollUntil(
      async () =>
        (await api<{ data: unknown[] }>('/deliveries?status=pending&limit=1')).data.length +
        (await api<{ data: unknown[] }>('/deliveries?status=delivering&limit=1')).data.length,
      (open) => open === 0,
      200,
    );

    let cursor: string | null = null;
    const events: Array<{ orderId: string }> = [];
    do {
      const page: { data: Array<{ orderId: string }>; nextCursor: string | null } = await api(
        `/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      events.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    const orderIds = events.map((e) => e.orderId);
    expect(new Set(orderIds).size).toBe(orderIds.length);
    expect(orderIds).toHaveLength(TOTAL);
    for (const i of acked) expect(orderIds).toContain(`CRASH${String(i).padStart(4, '0')}`);

    const delivered = await api<{ data: unknown[] }>('/deliveries?status=delivered&limit=500');
    expect(delivered.data).toHaveLength(TOTAL);
    const received = new Set(
      sink.requests.map((r) => (r.json as { data: { order: { id: string } } }).data.order.id),
    );
    expect(received.size).toBe(TOTAL);

    child.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => child?.once('exit', (c) => r(c)));
    expect(code).toBe(0);
    child = null;
  }, 180_000);
});
