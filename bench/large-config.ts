/**
 * How a connection with a large config affects the answers to `/ipn` while the in-process
 * worker delivers (the `ipnhub serve` setup). The server (runtime, worker, a local 204 sink)
 * runs in a child process; this process sends signed Digistore24 payments at a fixed rate and
 * times each answer. Run it from the repository:
 *
 *   node --import tsx bench/large-config.ts --entries 20000
 *   node --import tsx bench/large-config.ts --connector email --template-kb 500
 *
 * Options: `--connector webhook|email` (default webhook), `--entries N` (mapping entries of
 * the webhook connection, 0 = the default envelope), `--template-kb N` (size of the e-mail
 * body template), `--rate N` notifications per second (default 20), `--seconds N` measured
 * (default 10) after `--warmup N` seconds at the same rate that are not counted (default 2),
 * `--unchecked` (store the connection without the config limits, to measure what they
 * prevent). Prints one JSON line: answer latencies (p50, p99, max), the server's event-loop
 * stalls (p99 and longest), and how many deliveries the worker made meanwhile.
 *
 * `--render` measures only what one delivery renders on the main thread (the mapping applied
 * and serialised, or the e-mail body rendered), the fastest of 30 runs, and the validation of
 * the config by the connector's schema (fastest of 3; it runs when the connection is saved and
 * when a worker first loads it), with no server: figures that other load on the machine barely
 * disturbs.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import type { Runtime } from '../src/runtime.js';
import { signedPaymentBodies } from './payloads.js';
import { startSink } from './sink.js';

const PASSPHRASE = 'bench-large-config';

const { values: args } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    connector: { type: 'string', default: 'webhook' },
    entries: { type: 'string', default: '0' },
    'template-kb': { type: 'string', default: '0' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    unchecked: { type: 'boolean', default: false },
    render: { type: 'boolean', default: false },
  },
});

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The connection's config: a mapping of `entries` fields, or an e-mail with a large body template. */
function connectionConfig(sinkUrl: string): { connector: string; config: Record<string, unknown> } {
  if (args.connector === 'email') {
    const line =
      'Order {order.id} from {buyer.firstName} {buyer.lastName} <{buyer.email}>: {amount} {order.currency}\n';
    const body = line.repeat(Math.ceil((Number(args['template-kb']) * 1024) / line.length));
    return { connector: 'email', config: { to: ['ops@example.com'], body } };
  }
  const entries = Number(args.entries);
  const mapping: Record<string, string> = {};
  for (let i = 0; i < entries; i++)
    mapping[`field${i}`] = i % 2 === 0 ? 'buyer.email' : '{buyer.firstName} {order.id}';
  return {
    connector: 'webhook',
    config: { url: `${sinkUrl}/hooks`, ...(entries > 0 ? { mapping } : {}) },
  };
}

/**
 * A connection saved before the limits existed: created small, then its config column (the
 * mapping and templates are not secret fields) overwritten with the large config.
 */
async function storeUnchecked(
  runtime: Runtime,
  target: { connector: string; config: Record<string, unknown> },
): Promise<{ id: string }> {
  const small =
    target.connector === 'email' ? { to: target.config.to } : { url: target.config.url };
  const { connection } = await runtime.connections.create({
    connector: target.connector,
    config: small,
    name: 'Large',
    filters: { eventTypes: ['payment'] },
  });
  const row = await runtime.dbHandle.db
    .selectFrom('connections')
    .select('config')
    .where('id', '=', connection.id)
    .executeTakeFirstOrThrow();
  const config = { ...(JSON.parse(row.config) as Record<string, unknown>), ...target.config };
  await runtime.dbHandle.db
    .updateTable('connections')
    .set({ config: JSON.stringify(config), updated_at: new Date(Date.now() + 1000).toISOString() })
    .where('id', '=', connection.id)
    .execute();
  return connection;
}

async function runServer(): Promise<void> {
  const [{ loadConfig }, { createLogger }, { createRuntime }, { startSmtpSink }] =
    await Promise.all([
      import('../src/config/config.js'),
      import('../src/lib/logger.js'),
      import('../src/runtime.js'),
      import('../test/fakes/smtp-sink.js'),
    ]);
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-large-config-'));
  const sink = await startSink();
  const smtp = await startSmtpSink();
  const config = loadConfig(
    {},
    {
      dataDir,
      logLevel: 'warn',
      inboundRateLimitPerMinute: 0,
      outboundAllowList: ['127.0.0.1'],
      smtpUrl: smtp.url,
    },
  );
  const runtime = await createRuntime(config, {
    logger: createLogger('warn', process.stderr),
    skipAdminToken: true,
  });
  const source = await runtime.sources.create({
    provider: 'digistore24',
    name: 'Bench',
    config: { passphrase: PASSPHRASE },
  });
  const target = connectionConfig(sink.url);
  const saveStarted = performance.now();
  const connection = args.unchecked
    ? await storeUnchecked(runtime, target)
    : (
        await runtime.connections.create({
          ...target,
          name: 'Large',
          filters: { eventTypes: ['payment'] },
        })
      ).connection;
  const saveMs = performance.now() - saveStarted;
  const app = await runtime.buildApp();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no server address');
  await runtime.worker.start();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  process.send?.({ ready: true, url: `http://127.0.0.1:${address.port}/ipn/${source.id}`, saveMs });
  process.on('message', (message: { stop?: boolean }) => {
    if (!message.stop) return;
    void (async () => {
      loop.disable();
      const mails = smtp.messages.length;
      const pending = await runtime.dbHandle.db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'delivering'])
        .where('connection_id', '=', connection.id)
        .executeTakeFirstOrThrow();
      process.send?.({
        maxStallMs: loop.max / 1e6,
        p99StallMs: loop.percentile(99) / 1e6,
        delivered: sink.requests() + mails,
        stillOpen: Number(pending.n),
      });
      await app.close();
      await runtime.close();
      await smtp.close();
      await sink.close();
      rmSync(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

async function runLoad(): Promise<void> {
  const child = fork(process.argv[1] ?? '', [...process.argv.slice(2), '--child'], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve) => child.once('message', (m) => resolve(m as Record<string, unknown>)));
  const ready = await next();
  const url = String(ready.url);
  const rate = Number(args.rate);
  const warmup = rate * Number(args.warmup);
  const count = warmup + rate * Number(args.seconds);
  const bodies = signedPaymentBodies(count, { passphrase: PASSPHRASE, prefix: 'LC' });
  const latencies: number[] = [];
  const started = performance.now();
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    inFlight.push(
      request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: bodies[i],
      }).then(async (res) => {
        const text = await res.body.text();
        if (res.statusCode !== 200 || text !== 'OK')
          throw new Error(`answer ${res.statusCode} ${text}`);
        if (i >= warmup) latencies.push(performance.now() - sent);
      }),
    );
  }
  await Promise.all(inFlight);
  child.send({ stop: true });
  const end = await next();
  const sorted = latencies.sort((a, b) => a - b);
  const result = {
    connector: args.connector,
    entries: Number(args.entries),
    templateKb: Number(args['template-kb']),
    unchecked: args.unchecked,
    notifications: count - warmup,
    saveMs: round(Number(ready.saveMs)),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
    p99StallMs: round(Number(end.p99StallMs)),
    maxStallMs: round(Number(end.maxStallMs)),
    delivered: end.delivered,
    stillOpen: end.stillOpen,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The fastest of 30 renders of one payment event with the connection's config, in ms. */
async function runRender(): Promise<void> {
  const [{ applyMapping, renderTemplate, templateScope }, { sampleEvent }, { getConnector }] =
    await Promise.all([
      import('../src/connectors/template.js'),
      import('../src/connectors/sample-event.js'),
      import('../src/connectors/registry.js'),
    ]);
  const { connector, config } = connectionConfig('http://127.0.0.1:9');
  const event = sampleEvent('payment');
  let fastest = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let run = 0; run < 30; run++) {
    const started = performance.now();
    const scope = templateScope(event);
    const output =
      connector === 'email'
        ? renderTemplate(String(config.body), scope)
        : JSON.stringify(
            config.mapping
              ? applyMapping(config.mapping as Record<string, string>, scope)
              : { type: event.type, data: event },
          );
    fastest = Math.min(fastest, performance.now() - started);
    bytes = Buffer.byteLength(output);
  }
  const schema = getConnector(connector === 'email' ? 'email' : 'webhook').configSchema;
  let validateMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) {
    const started = performance.now();
    schema.parse(config);
    validateMs = Math.min(validateMs, performance.now() - started);
  }
  const ms = (value: number): number => Math.round(value * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({ connector, entries: Number(args.entries), templateKb: Number(args['template-kb']), renderMs: ms(fastest), outputBytes: bytes, validateMs: ms(validateMs) })}\n`,
  );
}

await (args.render ? runRender() : args.child ? runServer() : runLoad());
