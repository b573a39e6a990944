/**
 * The SQLite ingest commit written notification by notification (the local store through the
 * group committer, ingest-store.ts) against written a table at a time (the batch store with
 * SQLite's multi-row statements, ingest/sqlite-batch-commit.ts), in one process, alternating:
 * two SQLite databases (WAL, synchronous=FULL, a webhook connection each), rounds of 1 000
 * Digistore24 first payments committed 50 at a time into each in turn. The notifications are
 * verified and normalized before any timing, so the CPU per commit is the write path's alone:
 *
 *   node --expose-gc --import tsx bench/batch-commit.ts [--rounds 7] [--at-once 50]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDb } from '../src/db/connect.js';
import { migrateToLatest } from '../src/db/migrations.js';
import { createBatchIngestStore } from '../src/ingest/batch-ingest-store.js';
import { createGroupCommitter } from '../src/ingest/group-commit.js';
import { createLocalIngestStore } from '../src/ingest/ingest-store.js';
import type { IngestStore } from '../src/ingest/ingest-store.js';
import { sqliteGroupWriter } from '../src/ingest/sqlite-batch-commit.js';
import { addConnection } from '../src/ingest/test-support/batch-items.js';
import { createActiveFiltersLoader } from '../src/routing/active-filters.js';
import { paymentItems } from './payment-items.js';
import type { PaymentItem } from './payment-items.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    'at-once': { type: 'string', default: '50' },
  },
});
const ROUNDS = Number(values.rounds);
const AT_ONCE = Number(values['at-once']);
const PER_ROUND = 1000;
const SOURCE = 'src_batch';
const PASSPHRASE = 'bench-passphrase';
const NOW = new Date().toISOString();

async function setup(batched: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'ipnhub-batch-commit-'));
  const handle = openDb({ kind: 'sqlite', file: join(dir, 'ipnhub.db') });
  const migrated = await migrateToLatest(handle.db, handle.adapter);
  if (migrated.error) throw migrated.error;
  await addConnection(handle.db);
  const activeFilters = createActiveFiltersLoader();
  const store: IngestStore = batched
    ? createBatchIngestStore({
        db: handle.db,
        adapter: handle.adapter,
        activeFilters,
        writer: sqliteGroupWriter,
      })
    : createLocalIngestStore(createGroupCommitter(handle.db, handle.adapter), activeFilters);
  return { handle, store, dir };
}

/** A round's notifications, verified and normalized: the request row and its keyed events. */
const notifications = (prefix: string): PaymentItem[] =>
  paymentItems(PER_ROUND, { sourceId: SOURCE, passphrase: PASSPHRASE, prefix });

const median = (list: readonly number[]): number =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;

const sides = { alone: await setup(false), batched: await setup(true) };
const cpu: Record<keyof typeof sides, number[]> = { alone: [], batched: [] };
let prefix = 0;
/** `node --expose-gc`: the garbage of preparing a round is collected before it is timed. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
for (let round = 0; round <= ROUNDS; round++) {
  const todos = { alone: notifications(`R${prefix++}`), batched: notifications(`R${prefix++}`) };
  for (const name of ['alone', 'batched'] as const) {
    const todo = todos[name];
    const { store } = sides[name];
    collect();
    const before = process.cpuUsage();
    for (let done = 0; done < PER_ROUND; done += AT_ONCE) {
      await Promise.all(
        todo.slice(done, done + AT_ONCE).map(({ row, events }) => store.commit(row, events, NOW)),
      );
    }
    const used = process.cpuUsage(before);
    // Round 0 warms both up and is not counted.
    if (round > 0) cpu[name].push((used.user + used.system) / 1000 / PER_ROUND);
  }
}
const alone = median(cpu.alone);
const batched = median(cpu.batched);
process.stdout.write(
  `CPU per commit, median of ${ROUNDS} rounds of ${PER_ROUND} (${AT_ONCE} at a time): ${alone.toFixed(3)} ms one by one, ${batched.toFixed(3)} ms a table at a time (${(batched / alone).toFixed(2)} ×)\n` +
    `rounds one by one:       ${cpu.alone.map((v) => v.toFixed(3)).join(' ')}\nrounds a table at a time: ${cpu.batched.map((v) => v.toFixed(3)).join(' ')}\n`,
);
for (const side of Object.values(sides)) {
  await side.store.close();
  await side.handle.close();
  rmSync(side.dir, { recursive: true, force: true });
}
