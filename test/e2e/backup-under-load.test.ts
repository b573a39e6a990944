/**
 * `ipnhub backup` of a live SQLite database: a real `ipnhub serve` process (the build users run,
 * with its ingest writer and checkpoint threads) ingests signed
 * Digistore24 notifications from concurrent HTTP clients while a second real process takes the
 * backup. The backup, restored into a fresh data directory with the master key and opened by a
 * fresh runtime, holds every notification acknowledged before the backup started and passes
 * SQLite's integrity check; ingest answered every request OK throughout. The files holding
 * buyers' data and the key are readable by their owner only.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/lib/logger.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { createRuntime } from '../../src/runtime.js';
import { runCliProcess, startCliProcess } from '../helpers/cli-process.js';
import type { CliProcess } from '../helpers/cli-process.js';
import { closedPort } from '../helpers/closed-port.js';
import { createCondition } from '../helpers/condition.js';

const PASSPHRASE = 'backup-load-passphrase';
const SENDERS = 8;
/** Acknowledged notifications before the backup starts, and after it has ended. */
const BEFORE = 200;
const AFTER = 50;

function orderId(i: number): string {
  return `BKP${String(i).padStart(5, '0')}`;
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

describe('backup of a live SQLite database under load', () => {
  let dir: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let sourceId: string;
  let serve: CliProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-backup-load-'));
    // Not created yet: ipnhub creates it, and so chooses its mode.
    dataDir = join(dir, 'data');
    const port = await closedPort();
    base = `http://127.0.0.1:${port}`;
    env = {
      IPNHUB_DATA_DIR: dataDir,
      IPNHUB_PORT: String(port),
      IPNHUB_HOST: '127.0.0.1',
      IPNHUB_ADMIN_TOKEN: 'backup-load-admin-token-0123456789',
      IPNHUB_LOG_LEVEL: 'info',
      IPNHUB_INBOUND_RATE_LIMIT_PER_MINUTE: '0',
    };
    const runtime = await createRuntime(loadConfig(env), { logger: silentLogger() });
    sourceId = (
      await runtime.sources.create({
        provider: 'digistore24',
        name: 'shop',
        config: { passphrase: PASSPHRASE },
      })
    ).id;
    await runtime.close();
  });

  afterAll(() => {
    serve?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(i: number): Promise<boolean> {
    const res = await request(`${base}/ipn/${sourceId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeDigistore24Body(
        sampleDigistore24Fields('on_payment', {
          orderId: orderId(i),
          transactionId: String(500000 + i),
        }),
        PASSPHRASE,
      ),
    });
    return res.statusCode === 200 && (await res.body.text()) === 'OK';
  }

  it('holds every notification acknowledged before it started, and ingest never stops', async () => {
    serve = startCliProcess(['serve'], { env, build: true });
    await serve.waitForOutput((out) => out.includes('ipnhub listening on'));

    // Database, its WAL and shared-memory files, the master key and the data directory: owner only.
    expect(mode(dataDir)).toBe(0o700);
    for (const file of ['ipnhub.db', 'ipnhub.db-wal', 'ipnhub.db-shm', 'master.key'])
      expect(mode(join(dataDir, file)), file).toBe(0o600);

    const ackedBeforeBackup: number[] = [];
    const failed: number[] = [];
    let acked = 0;
    let next = 0;
    let backupStarted = false;
    let stop = false;
    const progress = createCondition();
    const sender = async (): Promise<void> => {
      while (!stop) {
        const i = next++;
        const ok = await send(i).catch(() => false);
        if (!ok) failed.push(i);
        else {
          acked += 1;
          // Its OK arrived before the backup process was started.
          if (!backupStarted) ackedBeforeBackup.push(i);
        }
        progress.notify();
      }
    };
    const senders = Promise.all(Array.from({ length: SENDERS }, sender));

    await progress.until(() => acked >= BEFORE || failed.length > 0);
    const file = join(dir, 'ipnhub-backup.db');
    backupStarted = true;
    const backup = await runCliProcess(['backup', file], {
      env: { ...env, IPNHUB_LOG_LEVEL: 'warn' },
    });
    const ackedWhenDone = acked;
    await progress.until(() => acked >= ackedWhenDone + AFTER || failed.length > 0);
    stop = true;
    await senders;
    const stopped = await serve.stop();
    serve = undefined;

    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`written to ${file}`);
    expect(backup.stdout).toContain(
      `The master key is not in the backup: it is the file ${join(dataDir, 'master.key')}.`,
    );
    expect(failed).toEqual([]);
    expect(stopped.code).toBe(0);
    expect(ackedBeforeBackup.length).toBeGreaterThanOrEqual(BEFORE);
    expect(mode(file)).toBe(0o600);

    const check = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
    try {
      expect(check.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      check.close();
    }

    // Restore: the backup as the database of a new data directory, with the master key beside it.
    const restored = join(dir, 'restored');
    mkdirSync(restored, { mode: 0o700 });
    copyFileSync(file, join(restored, 'ipnhub.db'));
    copyFileSync(join(dataDir, 'master.key'), join(restored, 'master.key'));
    const runtime = await createRuntime(loadConfig({ IPNHUB_DATA_DIR: restored }), {
      logger: silentLogger(),
      skipAdminToken: true,
    });
    try {
      const rows = await runtime.dbHandle.db.selectFrom('events').select('order_ref').execute();
      const orders = new Set(rows.map((row) => row.order_ref));
      const missing = ackedBeforeBackup.map(orderId).filter((id) => !orders.has(id));
      expect(missing).toEqual([]);
      // The key came along: the source's passphrase, stored encrypted, still decrypts.
      expect(await runtime.sources.loadForIngest(sourceId)).not.toBeNull();
    } finally {
      await runtime.close();
    }
  }, 240_000);
});
