import {
  existsSync,
  mkdtempSync,
  openSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { silentLogger } from '../lib/logger.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import type { WalCheckpointer } from './wal-checkpointer.js';
import { readWalIndex } from './wal-index.js';

const PAGE = 4096;

/** A writer connection as db/connect.ts configures one, with its own checkpoint threshold. */
function openWriter(file: string, autocheckpointPages: number): SqliteDatabase.Database {
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = FULL');
  database.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
  database.exec('create table t (id integer primary key, body blob)');
  return database;
}

/** `count` commits of a row that fills most of a page: at least one WAL frame each. */
function commitRows(database: SqliteDatabase.Database, count: number): void {
  const insert = database.prepare('insert into t (body) values (?)');
  for (let i = 0; i < count; i++) insert.run(Buffer.alloc(3000, i % 251));
}

function walIndexOf(file: string): { mxFrame: number; nBackfill: number } {
  const fd = openSync(`${file}-shm`, 'r');
  try {
    const index = readWalIndex(fd);
    if (!index) throw new Error('no WAL index');
    return index;
  } finally {
    closeSync(fd);
  }
}

describe('the WAL checkpoint thread', () => {
  let dir: string;
  let file: string;
  let writer: SqliteDatabase.Database | undefined;
  let checkpointer: WalCheckpointer | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-checkpoint-'));
    file = join(dir, 'ipnhub.db');
  });
  afterEach(async () => {
    await checkpointer?.stop();
    checkpointer = undefined;
    writer?.close();
    writer = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the WAL into the database file once enough frames wait, while the writer keeps its WAL', async () => {
    writer = openWriter(file, 0); // no automatic checkpoint: only the thread copies
    commitRows(writer, 40);
    const before = walIndexOf(file);
    expect(before.nBackfill).toBe(0);
    expect(before.mxFrame).toBeGreaterThanOrEqual(40);
    const databaseBytes = statSync(file).size;

    const copied = new Promise<{ walFrames: number; copiedFrames: number }>((resolve) => {
      checkpointer = startWalCheckpointer({
        file,
        logger: silentLogger(),
        minFrames: 30,
        pollMs: 5,
        onCheckpoint: resolve,
      });
    });
    const result = await copied;

    expect(result.copiedFrames).toBe(result.walFrames);
    expect(result.walFrames).toBeGreaterThanOrEqual(before.mxFrame);
    const after = walIndexOf(file);
    expect(after.nBackfill).toBeGreaterThanOrEqual(before.mxFrame);
    // The rows' pages are now in the database file itself.
    expect(statSync(file).size).toBeGreaterThanOrEqual(databaseBytes + 40 * PAGE);
  });

  it("lets the writer's automatic checkpoint restart the WAL: it stays bounded over many commits", async () => {
    writer = openWriter(file, 100);
    const copies: number[] = [];
    checkpointer = startWalCheckpointer({
      file,
      logger: silentLogger(),
      minFrames: 10,
      pollMs: 1,
      onCheckpoint: (result) => copies.push(result.copiedFrames),
    });
    for (let round = 0; round < 20; round++) {
      commitRows(writer, 100);
      // Lets the thread's reports in between; the thread runs on its own meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // 2,000 commits of at least one frame each: without restarts the WAL would hold 2,000+.
    expect(walIndexOf(file).mxFrame).toBeLessThan(2000);
    // A restarted WAL is rewritten from its start: the file keeps about the threshold's frames
    // (100 + the commit that crossed it), however many were written.
    expect(statSync(`${file}-wal`).size).toBeLessThan(300 * (PAGE + 24));
    expect(writer.prepare('select count(*) as n from t').get()).toEqual({ n: 2000 });
  });

  it('stops with its connection closed: the last connection to close checkpoints and removes the WAL', async () => {
    writer = openWriter(file, 0);
    commitRows(writer, 20);
    const running = new Promise<void>((resolve) => {
      checkpointer = startWalCheckpointer({
        file,
        logger: silentLogger(),
        minFrames: 10,
        pollMs: 5,
        onCheckpoint: () => resolve(),
      });
    });
    await running;
    await checkpointer?.stop();
    checkpointer = undefined;
    expect(existsSync(`${file}-wal`)).toBe(true);
    writer.close();
    writer = undefined;
    // SQLite's close removes the WAL only when no other connection holds the database.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = new SqliteDatabase(file, { readonly: true });
    try {
      expect(reopened.prepare('select count(*) as n from t').get()).toEqual({ n: 20 });
    } finally {
      reopened.close();
    }
  });

  it('logs a failure of the thread instead of losing it', async () => {
    writeFileSync(file, Buffer.alloc(8192, 'not a database '));
    const captured = captureLogger('error');
    checkpointer = startWalCheckpointer({ file, logger: captured.logger, pollMs: 5 });
    await checkpointer.stop();
    checkpointer = undefined;
    const lines = captured.lines();
    expect(lines.map((line) => line.msg)).toContain('WAL checkpoint failed');
    expect(JSON.stringify(lines)).toMatch(/not a database/);
  });
});
