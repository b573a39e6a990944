/**
 * The main thread's work per notification before the commit, in one thread and without HTTP:
 * the bench's signed Digistore24 `on_payment` bodies (bench/payloads.ts) through the provider's
 * `verify` and `normalize` and the ingest's event keying, and, for comparison, the form parse
 * alone against `URLSearchParams` (what bench/baseline.ts parses with). Prints CPU per body in
 * microseconds, the median of the rounds, so a change can be compared run against run
 * (alternate the two checkouts: A, B, A, B):
 *
 *   node --import tsx bench/verify-normalize.ts [--count 5000] [--rounds 9]
 *   node --cpu-prof --import tsx bench/verify-normalize.ts    # where the time goes
 */
import { parseArgs } from 'node:util';
import { keyEvents } from '../src/ingest/ingest.js';
import { parseFormBody } from '../src/lib/form-body.js';
import { systemClock } from '../src/lib/clock.js';
import { digistore24Provider } from '../src/providers/digistore24/digistore24-provider.js';
import type { InboundRequest, ProviderContext } from '../src/providers/provider.js';
import { signedPaymentBodies } from './payloads.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '9' },
  },
});
const COUNT = Number(values.count);
const ROUNDS = Number(values.rounds);
const PASSPHRASE = 'bench-passphrase';

const provider = digistore24Provider();
const config = provider.configSchema.parse({ passphrase: PASSPHRASE });
const context = { clock: systemClock } as unknown as ProviderContext;
const source = { id: 'src_bench', provider: 'digistore24' };

function cpuMicros(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / COUNT;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

let sink = 0;
const figures = {
  URLSearchParams: [] as number[],
  parseFormBody: [] as number[],
  'verify + normalize + keyEvents': [] as number[],
};

for (let round = 0; round <= ROUNDS; round++) {
  // Fresh bodies each round: the provider memoises per body buffer, as it does per request.
  const bodies = signedPaymentBodies(COUNT, { passphrase: PASSPHRASE, prefix: `R${round}` });
  const copies = bodies.map((body) => Buffer.from(body));
  const requests: InboundRequest[] = bodies.map((rawBody) => ({
    receivedAt: new Date(),
    method: 'POST',
    url: '/ipn/src_bench',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    rawBody,
    remoteAddress: '127.0.0.1',
  }));
  const searchParams = cpuMicros(() => {
    for (const body of copies) {
      const fields = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      sink += fields.event === undefined ? 0 : 1;
    }
  });
  const parse = cpuMicros(() => {
    for (const body of copies) {
      const parsed = parseFormBody(body);
      if (parsed.ok) sink += parsed.order.length;
    }
  });
  const full = cpuMicros(() => {
    for (const req of requests) {
      // verify is async only for providers that call out; Digistore24 answers at once.
      void provider.verify(req, config, context);
      const normalized = provider.normalize(req, config);
      if (normalized.kind !== 'events') throw new Error(`not events: ${normalized.kind}`);
      sink += keyEvents(normalized.events, source, req.receivedAt.toISOString()).length;
    }
  });
  if (round === 0) continue; // warm-up
  figures.URLSearchParams.push(searchParams);
  figures.parseFormBody.push(parse);
  figures['verify + normalize + keyEvents'].push(full);
}

for (const [name, samples] of Object.entries(figures)) {
  process.stdout.write(
    `${name.padEnd(32)} ${median(samples).toFixed(2)} µs CPU per body (median of ${ROUNDS} rounds of ${COUNT})\n`,
  );
}
if (sink < 0) process.stdout.write('unreachable\n');
