/**
 * Prometheus metrics for `/metrics`: inbound requests by verdict, requests the HTTP layer
 * refused by code, events by type, delivery attempts by outcome, delivery latency, alert mails
 * sent by kind, connections switched off because they kept failing, what retention pruned by
 * kind, and the queue depth (read from the database when scraped, so it is right across
 * processes). One
 * registry per app instance, so tests can run several side by side.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ErrorCode } from '../core/errors.js';
import type { CanonicalEvent } from '../core/events.js';
import type { InboundVerdict } from '../core/inbound-verdict.js';

export interface Metrics {
  registry: Registry;
  request(verdict: InboundVerdict): void;
  events(events: readonly Pick<CanonicalEvent, 'type'>[], deliveries: number): void;
  delivery(outcome: string, durationMs: number): void;
  /** A request the HTTP layer refused before a route handled it (rate limit, parser, authentication). */
  refused(code: ErrorCode): void;
  /** An alert mail went out (outbox/alerts.ts): `deliveries`, `held`, `disabled` or a rejection code. */
  alertSent(kind: string): void;
  /** A connection was switched off because it kept failing (outbox/auto-disable.ts). */
  connectionDisabled(): void;
  /** Rows the retention pruning changed or removed in one run, by kind (retention/prune.ts). */
  pruned(kind: string, count: number): void;
}

export function createMetrics(queueDepth: () => Promise<Record<string, number>>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'ipnhub_process_' });
  const requests = new Counter({
    name: 'ipnhub_inbound_requests_total',
    help: 'Inbound notifications by verdict.',
    labelNames: ['verdict'],
    registers: [registry],
  });
  const events = new Counter({
    name: 'ipnhub_events_total',
    help: 'New (non-duplicate) events by type.',
    labelNames: ['type'],
    registers: [registry],
  });
  const deliveriesCreated = new Counter({
    name: 'ipnhub_deliveries_created_total',
    help: 'Delivery rows created by fan-out.',
    registers: [registry],
  });
  const attempts = new Counter({
    name: 'ipnhub_delivery_attempts_total',
    help: 'Delivery attempts by resulting status (delivered, skipped, failed, retry, dead).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const refused = new Counter({
    name: 'ipnhub_http_refused_total',
    help: 'Requests refused by the HTTP layer, by code: RATE_LIMITED, MALFORMED_REQUEST, HEADERS_TOO_LARGE, REQUEST_TIMEOUT, UNAUTHORIZED.',
    labelNames: ['code'],
    registers: [registry],
  });
  const alertMails = new Counter({
    name: 'ipnhub_alert_mails_total',
    help: "Alert e-mails sent by this process, by kind: deliveries (a connection's error e-mail), held, disabled, or the rejection code of a source's notifications.",
    labelNames: ['kind'],
    registers: [registry],
  });
  const autoDisabled = new Counter({
    name: 'ipnhub_connections_auto_disabled_total',
    help: 'Connections this process switched off because their deliveries kept failing.',
    registers: [registry],
  });
  const pruned = new Counter({
    name: 'ipnhub_pruned_total',
    help: 'What retention pruning removed, by kind: raw_bodies (bodies and headers emptied), attempt_bodies (attempt requests and responses cleared), rejected_requests (requests deleted).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'ipnhub_delivery_duration_seconds',
    help: 'Duration of delivery attempts.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  new Gauge({
    name: 'ipnhub_queue_depth',
    help: 'Deliveries by status that are not finished (pending, delivering) or need attention (dead).',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const depth = await queueDepth();
      for (const status of ['pending', 'delivering', 'dead'])
        this.set({ status }, depth[status] ?? 0);
    },
  });
  return {
    registry,
    request: (verdict) => requests.inc({ verdict }),
    events(list, created) {
      for (const event of list) events.inc({ type: event.type });
      deliveriesCreated.inc(created);
    },
    delivery(outcome, durationMs) {
      attempts.inc({ outcome });
      latency.observe(durationMs / 1000);
    },
    refused: (code) => refused.inc({ code }),
    alertSent: (kind) => alertMails.inc({ kind }),
    connectionDisabled: () => autoDisabled.inc(),
    pruned: (kind, count) => pruned.inc({ kind }, count),
  };
}
