/**
 * How fast the admin UI's reads answer on a large database: the overview, the sources and
 * connections with their stats, the notification log with its filters and searches, deliveries,
 * customers and orders. It fills a fresh database with `--rows` notifications spread over 60 days (each
 * accepted one with its event, order, customer, transaction and two deliveries), then times
 * each request through the real app (`app.inject`: routing, validation, queries, JSON) and
 * prints the median and the slowest of `--runs` runs per request. Run it from the repository:
 *
 *   node --import tsx bench/admin-reads.ts                    # SQLite, 100 000 notifications
 *   node --import tsx bench/admin-reads.ts --postgres         # on an embedded PostgreSQL
 *   node --import tsx bench/admin-reads.ts --rows 20000 --runs 9 --plans
 *
 * `--plans` also prints SQLite's query plan of the overview's and the log's reads, to check that
 * they use the indexes of migration 0007. Rows are written straight into the tables (the ingest
 * pipeline would take minutes for this many); their shapes are the pipeline's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Insertable, Kysely } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config/config.js';
import { sampleEvent } from '../src/connectors/sample-event.js';
import { newId } from '../src/core/ids.js';
import type { Database, DeliveryStatus, InboundVerdict } from '../src/db/schema.js';
import { silentLogger } from '../src/lib/logger.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../src/providers/digistore24/sign-request.js';
import { createRuntime } from '../src/runtime.js';
import { startPostgres } from '../test/helpers/postgres-server.js';

const TOKEN = 'bench-admin-token-0123456789';
const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T12:00:00.000Z');

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '7' },
    postgres: { type: 'boolean', default: false },
    plans: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const RUNS = Number(args.runs);

/** One notification in 30 is rejected, one in 40 a duplicate, one in 100 a connection test; the rest are payments. */
function verdictOf(i: number): InboundVerdict {
  if (i % 30 === 7) return 'rejected';
  if (i % 40 === 11) return 'duplicate';
  if (i % 100 === 13) return 'test';
  return 'accepted';
}

/** Of the deliveries, most are delivered; a few dead, failed or still pending. */
function deliveryStatusOf(i: number): DeliveryStatus {
  if (i % 97 === 0) return 'dead';
  if (i % 89 === 0) return 'failed';
  if (i % 500 === 0) return 'pending';
  return 'delivered';
}

interface Seeded {
  sources: string[];
  connections: string[];
  /** Values that exist, to search for. */
  sample: { orderId: string; email: string; transactionId: string };
}

async function insertBatches<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: Array<Insertable<Database[T]>>,
): Promise<void> {
  const size = 400;
  for (let i = 0; i < rows.length; i += size) {
    // Kysely's generic insert needs the concrete table's row type; the rows are built for `table`.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}

async function seed(db: Kysely<Database>): Promise<Seeded> {
  const at = (i: number): string =>
    new Date(NOW - 60 * DAY + Math.floor((i / ROWS) * 60 * DAY)).toISOString();
  const created = new Date(NOW - 61 * DAY).toISOString();
  const sources = ['DE', 'IT', 'IL'].map((name) => ({
    id: newId('source', NOW - 61 * DAY),
    provider: 'digistore24',
    name: `Shop ${name}`,
    config: '{}',
    secrets: '{}',
    created_at: created,
    updated_at: created,
  }));
  const connections = ['Billing', 'CRM'].map((name) => ({
    id: newId('connection', NOW - 61 * DAY),
    connector: 'webhook',
    name,
    active: 1 as const,
    filters: JSON.stringify({
      sources: [],
      eventTypes: [],
      productIds: [],
      addons: 'include',
      languages: [],
      payments: 'all',
      includeTest: false,
    }),
    config: JSON.stringify({ url: 'https://example.com/in' }),
    secrets: '{}',
    error_emails: '[]',
    created_at: created,
    updated_at: created,
  }));
  await insertBatches(db, 'sources', sources);
  await insertBatches(db, 'connections', connections);
  const template = sampleEvent('payment');
  const CHUNK = 5000;
  for (let from = 0; from < ROWS; from += CHUNK) {
    const inbound: Array<Insertable<Database['inbound_requests']>> = [];
    const events: Array<Insertable<Database['events']>> = [];
    const customers: Array<Insertable<Database['customers']>> = [];
    const orders: Array<Insertable<Database['orders']>> = [];
    const transactions: Array<Insertable<Database['transactions']>> = [];
    const deliveries: Array<Insertable<Database['deliveries']>> = [];
    for (let i = from; i < Math.min(ROWS, from + CHUNK); i++) {
      const time = at(i);
      const ms = Date.parse(time);
      const source = sources[i % sources.length];
      if (!source) throw new Error('no source');
      const orderId = `B${i.toString(36).toUpperCase().padStart(7, '0')}`;
      const email = `buyer${i}@example.com`;
      const transactionId = String(400_000_000 + i);
      const verdict = verdictOf(i);
      const body = Buffer.from(
        encodeDigistore24Body(
          sampleDigistore24Fields('on_payment', { orderId, email, transactionId }),
          'bench',
        ),
        'utf8',
      );
      const requestId = newId('inbound', ms);
      const eventId = newId('event', ms);
      inbound.push({
        id: requestId,
        source_id: source.id,
        provider: 'digistore24',
        received_at: time,
        method: 'POST',
        url: `/ipn/${source.id}`,
        headers: '{"content-type":"application/x-www-form-urlencoded"}',
        raw_body: body,
        remote_address: '203.0.113.9',
        verdict,
        verdict_code: verdict === 'rejected' ? 'SIGNATURE_INVALID' : null,
        verdict_reason: verdict === 'rejected' ? 'The signature does not match.' : null,
        verification: verdict === 'rejected' ? null : 'sha512 variant A',
        event_ids: verdict === 'accepted' ? JSON.stringify([eventId]) : '[]',
      });
      if (verdict !== 'accepted') continue;
      const customerId = newId('customer', ms);
      const orderRow = newId('order', ms);
      const payload = {
        ...template,
        id: eventId,
        occurredAt: time,
        receivedAt: time,
        source: { ...template.source, id: source.id },
        order: { ...template.order, id: orderId, transactionId },
        buyer: { ...template.buyer, email },
      };
      events.push({
        id: eventId,
        source_id: source.id,
        inbound_request_id: requestId,
        type: 'payment',
        dedup_key: `${source.id}:${orderId}`,
        order_ref: orderId,
        customer_email: email,
        test: 0,
        occurred_at: time,
        received_at: time,
        payload: JSON.stringify(payload),
      });
      customers.push({
        id: customerId,
        email,
        first_name: 'Anna',
        last_name: 'Beispiel',
        company: null,
        phone: null,
        address: null,
        created_at: time,
        updated_at: time,
      });
      orders.push({
        id: orderRow,
        source_id: source.id,
        provider: 'digistore24',
        external_id: orderId,
        customer_id: customerId,
        billing_type: 'single_payment',
        currency: 'EUR',
        status: 'paid',
        test: 0,
        created_at: time,
        updated_at: time,
      });
      transactions.push({
        id: newId('transaction', ms),
        order_id: orderRow,
        event_id: eventId,
        external_id: transactionId,
        parent_external_id: null,
        product_id: '543210',
        kind: 'payment',
        amount: 9700,
        currency: 'EUR',
        pay_sequence_no: 0,
        occurred_at: time,
      });
      connections.forEach((connection, c) => {
        const status = deliveryStatusOf(i + c);
        deliveries.push({
          id: newId('delivery', ms),
          event_id: eventId,
          connection_id: connection.id,
          order_key: orderId,
          status,
          attempts: status === 'pending' ? 0 : status === 'dead' ? 8 : 1,
          next_attempt_at: time,
          lease_owner: null,
          lease_expires_at: null,
          trigger: 'scheduled',
          last_error: status === 'dead' || status === 'failed' ? 'HTTP 503' : null,
          created_at: time,
          updated_at: time,
          completed_at: status === 'pending' ? null : time,
        });
      });
    }
    await db.transaction().execute(async (trx) => {
      await insertBatches(trx, 'inbound_requests', inbound);
      await insertBatches(trx, 'events', events);
      await insertBatches(trx, 'customers', customers);
      await insertBatches(trx, 'orders', orders);
      await insertBatches(trx, 'transactions', transactions);
      await insertBatches(trx, 'deliveries', deliveries);
    });
  }
  const i = Math.floor(ROWS * 0.4) - (Math.floor(ROWS * 0.4) % 30) + 1;
  return {
    sources: sources.map((s) => s.id),
    connections: connections.map((c) => c.id),
    sample: {
      orderId: `B${i.toString(36).toUpperCase().padStart(7, '0')}`,
      email: `buyer${i}@example.com`,
      transactionId: String(400_000_000 + i),
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-admin-reads-'));
  const postgres = args.postgres ? await startPostgres() : null;
  if (postgres) {
    const admin = new pg.Client({ connectionString: postgres.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE admin_reads');
    await admin.end();
  }
  const config = loadConfig(
    {},
    {
      dataDir,
      adminToken: TOKEN,
      logLevel: 'silent',
      databaseUrl: postgres?.url('admin_reads'),
      masterKey: postgres ? Buffer.alloc(32, 7).toString('base64') : undefined,
    },
  );
  const clock = { now: () => new Date(NOW) };
  const runtime = await createRuntime(config, { clock, logger: silentLogger() });
  try {
    const db = runtime.dbHandle.db;
    const seededAt = performance.now();
    const seeded = await seed(db);
    // PostgreSQL's autovacuum keeps statistics and the visibility map (index-only scans) up to
    // date in a running system; SQLite has no statistics unless someone runs ANALYZE, so it is
    // measured without.
    if (postgres) await sql`vacuum analyze`.execute(db);
    process.stderr.write(
      `seeded ${ROWS} notifications in ${Math.round(performance.now() - seededAt)} ms on ${postgres ? 'postgres' : 'sqlite'}\n`,
    );
    const app = await runtime.buildApp();
    await app.ready();
    const [shop] = seeded.sources;
    const [billing] = seeded.connections;
    const day = (n: number) => new Date(NOW - n * DAY).toISOString();
    const requests: Array<[string, string]> = [
      ['overview, 30 days', '/overview'],
      ['overview, 24 hours', '/overview?hours=24'],
      ['sources with stats', '/sources'],
      ['log, first page', '/inbound-requests'],
      ['log, rejected', '/inbound-requests?verdict=rejected'],
      ['log, accepted', '/inbound-requests?verdict=accepted'],
      ['log, one source, first page', `/inbound-requests?sourceId=${shop}`],
      ['log, one source, rejected', `/inbound-requests?sourceId=${shop}&verdict=rejected`],
      [
        'log, one source, one day 20 days ago',
        `/inbound-requests?sourceId=${shop}&from=${day(21)}&to=${day(20)}`,
      ],
      ['log, one day 50 days ago', `/inbound-requests?from=${day(51)}&to=${day(50)}`],
      ['log, search order id', `/inbound-requests?q=${seeded.sample.orderId}`],
      ['log, search e-mail', `/inbound-requests?q=${encodeURIComponent(seeded.sample.email)}`],
      ['log, search transaction id', `/inbound-requests?q=${seeded.sample.transactionId}`],
      ['log, search without match', '/inbound-requests?q=NO-SUCH-ORDER'],
      ['connections with delivery stats', '/connections'],
      ['deliveries, connection and dead', `/deliveries?connectionId=${billing}&status=dead`],
      ['deliveries, one connection, first page', `/deliveries?connectionId=${billing}&limit=10`],
      ['deliveries, first page', '/deliveries'],
      ['customers, search order id', `/customers?q=${seeded.sample.orderId}`],
      ['orders, search transaction id', `/orders?q=${seeded.sample.transactionId}`],
      ['events, by e-mail', `/events?email=${encodeURIComponent(seeded.sample.email)}`],
      ['events, payments', '/events?type=payment'],
      ['events, refunds (none)', '/events?type=refund'],
    ];
    const results: Array<{ request: string; medianMs: number; maxMs: number; rows: number }> = [];
    for (const [name, url] of requests) {
      const times: number[] = [];
      let rows = 0;
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1${url}`,
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        times.push(performance.now() - started);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
        const body = res.json<{ data?: unknown[] }>();
        rows = Array.isArray(body.data) ? body.data.length : 1;
      }
      results.push({
        request: name,
        medianMs: Math.round(median(times) * 10) / 10,
        maxMs: Math.round(Math.max(...times) * 10) / 10,
        rows,
      });
    }
    for (const r of results)
      process.stdout.write(
        `${r.request.padEnd(40)} ${String(r.medianMs).padStart(8)} ms  (max ${r.maxMs} ms, ${r.rows} rows)\n`,
      );
    if (args.plans && !postgres) {
      const from = day(30);
      for (const [name, query] of [
        [
          'hourly verdicts',
          sql`explain query plan select substr(received_at, 1, 13), verdict, count(*) from inbound_requests where received_at >= ${from} group by 1, 2`,
        ],
        [
          'hourly events',
          sql`explain query plan select substr(received_at, 1, 13), type, count(*) from events where received_at >= ${from} group by 1, 2`,
        ],
        [
          'source stats',
          sql`explain query plan select source_id, verdict, count(*), max(received_at) from inbound_requests where source_id in (${shop}) group by source_id, verdict`,
        ],
        [
          'log, rejected',
          sql`explain query plan select id from inbound_requests where verdict = 'rejected' and verdict <> 'accepted' order by id desc limit 51`,
        ],
        [
          'events, refunds',
          sql`explain query plan select id from events where type = 'refund' and type <> 'payment' order by id desc limit 51`,
        ],
        [
          'log one day',
          sql`explain query plan select id from inbound_requests where received_at >= ${day(51)} and received_at < ${day(50)} order by id desc limit 51`,
        ],
        [
          'connection stats, dead and failed',
          sql`explain query plan select connection_id, status, count(*) from deliveries where status in ('dead', 'failed') group by connection_id, status`,
        ],
        [
          'connection stats, retrying',
          sql`explain query plan select connection_id, count(*) from deliveries where status = 'pending' and attempts > 0 group by connection_id`,
        ],
        [
          'connection stats, latest',
          sql`explain query plan select id from deliveries where connection_id = ${billing} order by id desc limit 1`,
        ],
      ] as const) {
        const plan = await query.execute(db);
        process.stdout.write(
          `\n${name}:\n${plan.rows.map((row) => `  ${JSON.stringify(row)}`).join('\n')}\n`,
        );
      }
    }
    await app.close();
  } finally {
    await runtime.close();
    await postgres?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
