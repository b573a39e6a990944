/**
 * The ingest commit with invoicing on against off, in one process, alternating: two SQLite
 * runtimes (main-thread writes, so the CPU is this process's), each with a Digistore24 source
 * and a webhook connection, one with a seller profile that has invoicing on attached. Rounds of
 * 1 000 first payments (50 at a time, batched by the group committer as under load) are
 * committed through the real ingest store into each in turn, and the CPU time per commit is
 * compared. It isolates the one statement invoicing adds to the commit (queueing the document
 * job) from HTTP, verification and the noise of a shared machine, which `npm run bench` cannot:
 *
 *   node --import tsx bench/invoicing-commit.ts [--rounds 7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import {
  paymentDraft,
  sampleProfileSettings,
} from '../src/invoicing/test-support/invoicing-fixtures.js';
import { silentLogger } from '../src/lib/logger.js';
import { commitNotification } from '../test/helpers/commit-notification.js';
import { createRuntime } from '../src/runtime.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const ROUNDS = Number(values.rounds);
const PER_ROUND = 1000;
const AT_ONCE = 50;

async function setup(invoicing: boolean) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-invoicing-commit-'));
  const runtime = await createRuntime(
    loadConfig({}, { dataDir, logLevel: 'warn', ingestWriterThread: false }),
    { logger: silentLogger(), skipAdminToken: true },
  );
  const source = await runtime.sources.create({
    provider: 'digistore24',
    name: 'DS24',
    config: { passphrase: 'bench-passphrase' },
  });
  await runtime.connections.create({
    connector: 'webhook',
    name: 'Sink',
    filters: { eventTypes: ['payment'] },
    config: { url: 'http://127.0.0.1:9/hooks' },
  });
  if (invoicing) {
    const profile = await runtime.profiles.create({
      name: 'Seller',
      invoicing: true,
      settings: sampleProfileSettings(),
    });
    await runtime.profiles.attach(profile.id, source.id);
  }
  return { runtime, source, dataDir };
}

const median = (list: readonly number[]): number =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] ?? 0;

const sides = { off: await setup(false), on: await setup(true) };
const cpu: Record<'off' | 'on', number[]> = { off: [], on: [] };
let next = 0;
for (let round = 0; round <= ROUNDS; round++) {
  for (const name of ['off', 'on'] as const) {
    const { runtime, source } = sides[name];
    const before = process.cpuUsage();
    for (let done = 0; done < PER_ROUND; done += AT_ONCE) {
      await Promise.all(
        Array.from({ length: AT_ONCE }, () =>
          commitNotification(runtime, source, [
            paymentDraft({ txnId: `T${next++}`, amount: 9700 }),
          ]),
        ),
      );
    }
    const used = process.cpuUsage(before);
    // Round 0 warms both up and is not counted.
    if (round > 0) cpu[name].push((used.user + used.system) / 1000 / PER_ROUND);
  }
}
const jobs = await sides.on.runtime.dbHandle.db
  .selectFrom('document_jobs')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow();
const off = median(cpu.off);
const on = median(cpu.on);
process.stdout.write(
  `CPU per commit, median of ${ROUNDS} rounds of ${PER_ROUND}: ${off.toFixed(3)} ms without invoicing, ${on.toFixed(3)} ms with (${Number(jobs.n)} document jobs queued); ` +
    `the same CPU commits ${(off / on).toFixed(2)} × as many with invoicing on\n` +
    `rounds without: ${cpu.off.map((v) => v.toFixed(3)).join(' ')}\nrounds with:    ${cpu.on.map((v) => v.toFixed(3)).join(' ')}\n`,
);
for (const side of Object.values(sides)) {
  await side.runtime.close();
  rmSync(side.dataDir, { recursive: true, force: true });
}
