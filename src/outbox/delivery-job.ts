/**
 * Deliveries as a kind of leased job, run by the job runner (jobs/job-runner.ts) of the worker
 * (src/worker.ts): claims due deliveries (with a lease), runs the connection's connector,
 * records one attempt row per try and moves the delivery on: delivered, skipped, failed,
 * rescheduled by the retry policy (jobs/settle-outcome.ts), or dead when the schedule is
 * exhausted. Runs in the
 * `serve` process by default, or alone as `ipnhub worker`; on PostgreSQL any number of
 * workers share one queue.
 *
 * Crash safety: a delivery is `delivering` only while its lease holds. A worker that dies
 * mid-attempt leaves the lease to expire and another worker (or the restarted one) takes it
 * again, so every delivery is attempted at least once more; targets see the same delivery id
 * (the idempotency key) on the retry. Every write of an outcome checks the lease owner, so a
 * worker that lost its lease cannot overwrite a newer result.
 *
 * Throughput: a claim and an outcome commit each cost a durable write transaction (on SQLite an
 * fsync that holds the main thread), so their cost is spread over as many deliveries as will
 * start soon. The kind claims ahead of its attempt slots: it holds (claimed, not yet settled) as
 * many deliveries as its slots are expected to start within {@link CLAIM_AHEAD_MS}, from the
 * recent attempt time, between `concurrency` and {@link MAX_HELD}, and claims again when half of
 * them are done. `concurrency` still bounds the connectors running at once (jobs/slots.ts); a slot
 * is given back when the connector returns, before its outcome commits. A batch's events are read
 * {@link EVENT_CHUNK} at a time, as the slots reach them, and the outcomes of attempts that finish
 * together are written in one transaction (group commit).
 *
 * A delivery claimed ahead is started only within {@link startWindowMs} of its claim, so its
 * lease still covers a whole attempt (as when it is started at once); one that could not be
 * started by then, or when the worker stops, is given back (`pending`, no attempt counted) for
 * the next claim of any worker.
 *
 * Sharing the main thread with the HTTP server: each attempt starts its connector (rendering
 * the mapping and templates, serialising the body) in an event-loop turn of its own, so the
 * attempts of a batch, which become ready together, do not hold `/ipn` requests back until all
 * of them have rendered; the config size limits (connections/config-limits.ts) bound each turn.
 *
 * Error e-mails: an outcome that needs one queues it with the outcome (outcome-writer.ts);
 * the mail goes out at once when the connection's throttle window is open, otherwise the alert
 * loop beside the delivery loop sends it when the window ends (alerts.ts).
 */
import type { Kysely } from 'kysely';
import type { ConnectionForDelivery } from '../connections/connections-service.js';
import { secretStrings } from '../secrets/secret-fields.js';
import type { CanonicalEvent } from '../core/events.js';
import type { RetryPolicy } from '../core/retry-policy.js';
import type { DeliveryResult, OriginalRequest } from '../connectors/connector.js';
import { getConnector, isConnectorId } from '../connectors/registry.js';
import type { ConnectorId } from '../connectors/registry.js';
import { runConnector } from '../connectors/run-connector.js';
import { envelopeText } from '../connectors/webhook/envelope.js';
import { claimDueDeliveries, nextDueAt, releaseDeliveries } from '../db/claim-deliveries.js';
import type { DeliveryRow } from '../db/claim-deliveries.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, DeliveryStatus } from '../db/schema.js';
import type { JobKind } from '../jobs/job-runner.js';
import { createBatchWriter } from '../db/batch-writer.js';
import { paddedInList } from '../db/statement-shapes.js';
import { settleOutcome } from '../jobs/settle-outcome.js';
import { createSlots } from '../jobs/slots.js';
import { createAttemptDeadlines } from '../jobs/attempt-deadlines.js';
import type { Clock } from '../lib/clock.js';
import { createEventLoopTurns } from '../lib/event-loop-turns.js';
import type { TakeTurn } from '../lib/event-loop-turns.js';
import { abortingWith } from '../lib/http-client.js';
import type { HttpClient } from '../lib/http-client.js';
import type { Logger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import type { AlertKind } from './alert-queue.js';
import type { Alerter } from './alerts.js';
import type { AutoDisable } from './auto-disable.js';
import { PARKED_UNTIL } from '../db/parked-deliveries.js';
import { attemptLogFields } from './attempt-log.js';
import { createOutcomeWriter } from './outcome-writer.js';
import { lazyEvent } from './lazy-event.js';
import { createRequestRecorder, secretScrubber } from './request-recorder.js';
import type { RecordedRequests, Scrubber } from './request-recorder.js';
import type { CacheScope } from '../lib/cache-scope.js';

export const DELIVERIES_CHANNEL = 'ipnhub_deliveries';
const RESPONSE_EXCERPT_CHARS = 4096;

/** How much work, in expected attempt time per slot, is claimed ahead of the slots. */
export const CLAIM_AHEAD_MS = 1000;
/** Most deliveries held at once (claimed, not yet settled), unless `concurrency` is larger. */
export const MAX_HELD = 256;

/** Deliveries of a claimed batch whose events are read with one query (see `inputsFor`). */
export const EVENT_CHUNK = 16;
/** The shortest time after its claim within which a delivery may still be started. */
const MIN_START_WINDOW_MS = 1000;
/** Weight of the newest attempt in the running mean of attempt times. */
const MEAN_WEIGHT = 0.1;

/**
 * How long after its claim a delivery may still be started: its lease must cover a whole attempt
 * (`leaseMs` − `deliveryTimeoutMs`); at least {@link MIN_START_WINDOW_MS}, for a lease set
 * shorter than an attempt's deadline (where starting at once is all there is).
 */
export function startWindowMs(leaseMs: number, deliveryTimeoutMs: number): number {
  return Math.max(MIN_START_WINDOW_MS, leaseMs - deliveryTimeoutMs);
}

/**
 * Deliveries to hold for `slots` attempt slots when an attempt takes `meanMs` (null: not known
 * yet): what the slots start within {@link CLAIM_AHEAD_MS}, between `slots` and
 * `max(slots, MAX_HELD)`.
 */
export function deliveriesToHold(slots: number, meanMs: number | null): number {
  const most = Math.max(slots, MAX_HELD);
  if (meanMs === null) return slots;
  return Math.min(most, slots * Math.max(1, Math.ceil(CLAIM_AHEAD_MS / Math.max(1, meanMs))));
}

export interface WorkerObserver {
  delivery(outcome: string, durationMs: number): void;
}

export interface DeliveryJobDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  connections: {
    loadForDelivery(id: string): Promise<ConnectionForDelivery | null>;
    /** Stores credentials a connector was handed by its target (`DeliveryContext.saveConfig`). */
    update?(id: string, patch: { config: Record<string, unknown> }): Promise<unknown>;
  };
  http: HttpClient;
  /** The runtime's caches, for connectors (logins, rate limiters). */
  caches: CacheScope;
  mailer: Mailer;
  alerter: Alerter;
  clock: Clock;
  logger: Logger;
  policy: RetryPolicy;
  /** Attempts (connectors running) at once. */
  concurrency: number;
  /** The lease a claim takes its deliveries under (the job runner's `leaseMs`). */
  leaseMs: number;
  deliveryTimeoutMs: number;
  /** Send a "failing" alert when a delivery has failed this many attempts in a row. */
  failingAfterAttempts: number;
  /** Switches a connection off that has failed long enough (auto-disable.ts); checked after each failed attempt. */
  autoDisable?: AutoDisable;
  observer?: WorkerObserver;
  random?: () => number;
  /** The lease owner of the claims and of every outcome write. */
  owner: string;
  /** Waits for the event-loop turn a connector runs in; one turn per attempt by default. */
  takeTurn?: TakeTurn;
}

interface StoredEvent {
  event: CanonicalEvent;
  json: string;
  type: string;
  occurredAt: string;
}

/** What one attempt needs besides its delivery row; shared by the deliveries of a claimed batch. */
interface Inputs {
  /**
   * The event (parsed on first use, lazy-event.ts), its stored JSON (the known body of the
   * attempt's record) and the two fields of the envelope, from their own columns; read with
   * the {@link EVENT_CHUNK} deliveries around it when it is first asked for.
   */
  event: () => Promise<StoredEvent | null>;
  connection: Promise<ConnectionForDelivery | null>;
}

/** What running a delivery's connector came to (`runConnectorInSlot`). */
interface Ran {
  result: DeliveryResult;
  sent: RecordedRequests | null;
  /** False when the event was not found and the connector never ran. */
  ranConnector: boolean;
  startedAt: Date;
  started: number;
  /** The event, for the log line; null when it was not found or is not logged. */
  event: CanonicalEvent | null;
}

function eventNotFound(delivery: DeliveryRow): DeliveryResult {
  return { outcome: 'failed', reason: `event ${delivery.event_id} not found` };
}

interface Settled {
  status: Exclude<DeliveryStatus, 'delivering'>;
  nextAttemptAt: string | null;
  lastError: string | null;
}

function excerpt(text: string | undefined): string | null {
  if (text === undefined || text === '') return null;
  return text.length > RESPONSE_EXCERPT_CHARS
    ? `${text.slice(0, RESPONSE_EXCERPT_CHARS)}…[truncated]`
    : text;
}

export function createDeliveryJobs(deps: DeliveryJobDeps): JobKind<DeliveryRow> {
  const { owner } = deps;
  const outcomes = createOutcomeWriter({
    db: deps.db,
    adapter: deps.adapter,
    clock: deps.clock,
    owner,
  });
  const takeTurn = deps.takeTurn ?? createEventLoopTurns();
  const slots = createSlots(deps.concurrency);
  const attemptDeadline = createAttemptDeadlines(
    deps.deliveryTimeoutMs,
    `delivery attempt timed out after ${deps.deliveryTimeoutMs} ms`,
  );
  const startWithinMs = startWindowMs(deps.leaseMs, deps.deliveryTimeoutMs);
  /** Running mean of the time a connector takes (ms, on `clock`); null until the first one returned. */
  let meanAttemptMs: number | null = null;
  /** Each loaded connection's scrubber (a connection is loaded once per claimed batch). */
  const scrubbers = new WeakMap<ConnectionForDelivery, Scrubber>();
  function scrubberOf(
    connection: ConnectionForDelivery,
    secretFields: readonly string[],
  ): Scrubber {
    let scrub = scrubbers.get(connection);
    if (!scrub) {
      scrub = secretScrubber(secretStrings([connection.config], secretFields));
      scrubbers.set(connection, scrub);
    }
    return scrub;
  }
  const releases = createBatchWriter<string, boolean>({
    db: deps.db,
    adapter: deps.adapter,
    async write(trx, ids) {
      const released = await releaseDeliveries(trx, {
        ids,
        owner,
        now: deps.clock.now().toISOString(),
      });
      return ids.map((id) => released.has(id));
    },
  });

  /** Whether a claimed delivery may start now: the worker runs and its lease still covers an attempt. */
  function mayStart(delivery: DeliveryRow, stopping: AbortSignal): boolean {
    if (stopping.aborted || delivery.lease_expires_at === null) return false;
    const claimedAt = Date.parse(delivery.lease_expires_at) - deps.leaseMs;
    return deps.clock.now().getTime() - claimedAt <= startWithinMs;
  }

  async function release(delivery: DeliveryRow, stopping: AbortSignal): Promise<void> {
    await releases.submit(delivery.id);
    deps.logger.info(
      { deliveryId: delivery.id, stopping: stopping.aborted },
      'claimed delivery given back unattempted',
    );
  }

  function settle(delivery: DeliveryRow, result: DeliveryResult, attemptNo: number): Settled {
    if (result.outcome !== 'retry')
      return {
        status: result.outcome,
        nextAttemptAt: null,
        lastError: result.outcome === 'delivered' ? null : result.reason,
      };
    const settled = settleOutcome(
      { kind: 'retry', overloaded: result.overloaded, retryAfterSeconds: result.retryAfterSeconds },
      {
        policy: deps.policy,
        attemptsMade: attemptNo,
        now: deps.clock.now(),
        // A manual redelivery is one extra try, not a new schedule (as Svix does it).
        oneTry: delivery.trigger === 'manual',
        random: deps.random,
      },
    );
    return settled.kind === 'retry'
      ? { status: 'pending', nextAttemptAt: settled.at, lastError: result.reason }
      : { status: 'dead', nextAttemptAt: null, lastError: result.reason };
  }

  /** The error e-mail an outcome calls for, if any. */
  function alertKind(status: Settled['status'], attemptNo: number): AlertKind | null {
    if (status === 'dead' || status === 'failed') return status;
    return status === 'pending' && attemptNo === deps.failingAfterAttempts ? 'failing' : null;
  }

  async function loadEvents(ids: readonly string[]): Promise<Map<string, StoredEvent>> {
    const rows = await deps.db
      .selectFrom('events')
      .select(['id', 'type', 'occurred_at', 'payload'])
      .where('id', 'in', paddedInList([...new Set(ids)]))
      .execute();
    return new Map(
      rows.map((row) => [
        row.id,
        {
          event: lazyEvent(row.payload),
          json: row.payload,
          type: row.type,
          occurredAt: row.occurred_at,
        },
      ]),
    );
  }

  // Promises are made on first use, so every one that can reject has an attempt awaiting it.
  // A chunk of the batch's events is read when the first of its deliveries has its slot, and
  // dropped once each of them has taken its own: the events wait in the database, not on the
  // heap, while up to MAX_HELD deliveries wait for their slots (each a ~4 KB JSON text that
  // young-generation collections would otherwise copy and promote; docs/benchmarks.md, "What a
  // delivery holds while it waits").
  function inputsFor(
    batch: readonly DeliveryRow[],
  ): (delivery: DeliveryRow, index: number) => Inputs {
    const chunks = new Map<number, { loading: Promise<Map<string, StoredEvent>>; left: number }>();
    const connections = new Map<string, Promise<ConnectionForDelivery | null>>();
    function eventAt(index: number, eventId: string): Promise<StoredEvent | null> {
      const at = Math.floor(index / EVENT_CHUNK);
      let chunk = chunks.get(at);
      if (!chunk) {
        const members = batch.slice(at * EVENT_CHUNK, (at + 1) * EVENT_CHUNK);
        chunk = { loading: loadEvents(members.map((d) => d.event_id)), left: members.length };
        chunks.set(at, chunk);
      }
      chunk.left -= 1;
      if (chunk.left === 0) chunks.delete(at);
      return chunk.loading.then((byId) => byId.get(eventId) ?? null);
    }
    return (delivery, index) => {
      let connection = connections.get(delivery.connection_id);
      if (!connection) {
        connection = deps.connections.loadForDelivery(delivery.connection_id);
        connections.set(delivery.connection_id, connection);
      }
      return { event: () => eventAt(index, delivery.event_id), connection };
    };
  }

  async function originalRequest(eventId: string): Promise<OriginalRequest | null> {
    const row = await deps.db
      .selectFrom('events')
      .innerJoin('inbound_requests', 'inbound_requests.id', 'events.inbound_request_id')
      .select(['inbound_requests.raw_body', 'inbound_requests.headers'])
      .where('events.id', '=', eventId)
      .executeTakeFirst();
    // An emptied body was pruned (retention) or erased: there is nothing left to forward.
    if (!row || row.raw_body.length === 0) return null;
    const headers = JSON.parse(row.headers) as Record<string, string>;
    return { body: Buffer.from(row.raw_body), contentType: headers['content-type'] ?? null };
  }

  function saveConfigOf(connectionId: string) {
    const update = deps.connections.update;
    // Deliveries later in the same batch keep the config they loaded; the connector keeps what
    // it was handed in the runtime's caches (keap/oauth.ts), the next batch loads the new one.
    return async (patch: Record<string, unknown>): Promise<void> => {
      await update?.(connectionId, { config: patch });
    };
  }

  /** A delivery of a connection ipnhub switched off stays pending, parked, without an attempt. */
  async function park(delivery: DeliveryRow): Promise<void> {
    await outcomes.record({
      deliveryId: delivery.id,
      status: 'pending',
      attemptNo: delivery.attempts,
      nextAttemptAt: PARKED_UNTIL,
      lastError: delivery.last_error,
      attempt: null,
    });
    deps.logger.debug(
      { deliveryId: delivery.id, connectionId: delivery.connection_id },
      'delivery kept: its connection is switched off',
    );
  }

  /**
   * Takes a slot, reads the event and runs the connector: null when the delivery could not start
   * in time (given back unattempted). Its own frame, so that what only the attempt needs (the
   * event, its JSON, the envelope, the recorder) is not held while the outcome commits.
   */
  async function runConnectorInSlot(
    delivery: DeliveryRow,
    connection: ConnectionForDelivery,
    connectorId: ConnectorId,
    inputs: Inputs,
    attemptNo: number,
    stop: AbortSignal,
    stopping: AbortSignal,
  ): Promise<Ran | null> {
    await slots.take();
    if (!mayStart(delivery, stopping)) {
      slots.give();
      return null;
    }
    await takeTurn();
    let loaded: StoredEvent | null;
    try {
      loaded = await inputs.event();
    } catch (err) {
      slots.give();
      throw err;
    }
    if (loaded === null) {
      slots.give();
      return {
        result: eventNotFound(delivery),
        sent: null,
        ranConnector: false,
        startedAt: deps.clock.now(),
        started: performance.now(),
        event: null,
      };
    }
    // The attempt starts now, not while it waited for its slot.
    const startedAt = deps.clock.now();
    const started = performance.now();
    let result: DeliveryResult;
    let sent: RecordedRequests | null = null;
    const deadline = attemptDeadline(stop);
    const connector = getConnector(connectorId);
    let attemptLogger: Logger | undefined;
    // What the connector sends is kept with the attempt, the connection's secrets scrubbed.
    // A webhook envelope of the event is recorded as a reference, rebuilt for the log; the
    // connector gets the same text to send, so the record knows it by identity.
    const envelope = envelopeText(loaded.type, loaded.occurredAt, loaded.json);
    const recorder = createRequestRecorder(
      abortingWith(deps.http, deadline),
      scrubberOf(connection, connector.secretFields),
      { ref: 'event-envelope', text: envelope },
    );
    try {
      result = await runConnector(
        connector,
        loaded.event,
        connection.config,
        {
          deliveryId: delivery.id,
          connectionId: connection.id,
          connectionName: connection.name,
          attempt: attemptNo,
          trigger: delivery.trigger === 'manual' ? 'manual' : 'scheduled',
          eventEnvelope: envelope,
          http: recorder.http,
          mailer: deps.mailer,
          // Made when the connector first logs: most attempts never do, and a child logger
          // serializes its bindings when it is made.
          get logger() {
            attemptLogger ??= deps.logger.child({
              deliveryId: delivery.id,
              connectionId: connection.id,
            });
            return attemptLogger;
          },
          clock: deps.clock,
          // Made when the connector reads it; the attempt itself and its requests through
          // `http` watch the deadline directly (lib/abort-trigger.ts).
          get signal() {
            return deadline.signal;
          },
          caches: deps.caches,
          originalRequest: () => originalRequest(delivery.event_id),
          ...(deps.connections.update ? { saveConfig: saveConfigOf(connection.id) } : {}),
        },
        deadline,
      );
    } finally {
      deadline.release();
      slots.give();
    }
    // On the worker's clock: the wall clock, or a test's manual one.
    const took = deps.clock.now().getTime() - startedAt.getTime();
    meanAttemptMs =
      meanAttemptMs === null ? took : meanAttemptMs + MEAN_WEIGHT * (took - meanAttemptMs);
    const recorded = recorder.recorded();
    if (recorded.requests.length > 0) sent = recorded;
    return {
      result,
      sent,
      ranConnector: true,
      startedAt,
      started,
      // Only the log line reads it, and only servers logging at info write that line.
      event: deps.logger.isLevelEnabled('info') ? loaded.event : null,
    };
  }

  async function attempt(
    delivery: DeliveryRow,
    inputs: Inputs,
    stop: AbortSignal,
    stopping: AbortSignal,
  ): Promise<void> {
    let startedAt = deps.clock.now();
    let started = performance.now();
    const attemptNo = delivery.attempts + 1;
    const connection = await inputs.connection;
    if (
      connection &&
      connection.disabledAt !== null &&
      !connection.active &&
      delivery.trigger !== 'manual'
    )
      return park(delivery);
    let result: DeliveryResult;
    let sent: RecordedRequests | null = null;
    let ranConnector = false;
    let event: CanonicalEvent | null = null;
    if (
      connection &&
      (connection.active || delivery.trigger === 'manual') &&
      isConnectorId(connection.connector)
    ) {
      const ran = await runConnectorInSlot(
        delivery,
        connection,
        connection.connector,
        inputs,
        attemptNo,
        stop,
        stopping,
      );
      if (ran === null) return release(delivery, stopping);
      ({ result, sent, ranConnector, startedAt, started, event } = ran);
    } else {
      // Not attempted: the event is read for the outcome and the log line alone.
      const loaded = await inputs.event();
      event = loaded?.event ?? null;
      if (loaded === null) result = eventNotFound(delivery);
      else if (!connection) result = { outcome: 'skipped', reason: 'connection was removed' };
      else if (!connection.active && delivery.trigger !== 'manual')
        result = { outcome: 'skipped', reason: 'connection is inactive' };
      else result = { outcome: 'failed', reason: `unknown connector ${connection.connector}` };
    }
    const durationMs = Math.round(performance.now() - started);
    const settled = settle(delivery, result, attemptNo);
    const kind =
      connection && (connection.errorEmails.length > 0 || deps.alerter.hasOperator)
        ? alertKind(settled.status, attemptNo)
        : null;
    // Only what the connector did says something about the target (connection-health.ts).
    const failed = result.outcome === 'retry' || result.outcome === 'failed';
    const updated = await outcomes.record({
      deliveryId: delivery.id,
      status: settled.status,
      attemptNo,
      nextAttemptAt: settled.nextAttemptAt,
      lastError: settled.lastError,
      attempt: {
        trigger: delivery.trigger === 'manual' ? 'manual' : 'scheduled',
        started_at: startedAt.toISOString(),
        duration_ms: durationMs,
        outcome: result.outcome,
        status_code: 'statusCode' in result ? (result.statusCode ?? null) : null,
        response: excerpt('response' in result ? result.response : undefined),
        error: result.outcome === 'delivered' ? null : result.reason,
        requests: sent === null ? null : JSON.stringify(sent),
      },
      ...(connection && kind ? { alert: { connectionId: connection.id, kind } } : {}),
      ...(connection && ranConnector && result.outcome !== 'skipped'
        ? { health: { connectionId: connection.id, ok: !failed } }
        : {}),
    });
    deps.observer?.delivery(settled.status === 'pending' ? 'retry' : settled.status, durationMs);
    if (!updated) {
      deps.logger.warn(
        { deliveryId: delivery.id },
        'lease lost before the outcome was recorded; another worker owns this delivery now',
      );
      return;
    }
    // The line's fields are built only when it is written (servers log at warn under load).
    if (deps.logger.isLevelEnabled('info'))
      deps.logger.info(
        attemptLogFields({
          delivery,
          attemptNo,
          event,
          connection,
          result,
          status: settled.status,
          durationMs,
          sent,
          ranConnector,
        }),
        'delivery attempt',
      );
    if (connection && kind) {
      // Queued with the outcome: if this mail cannot go out now, the alert loop sends it later.
      await deps.alerter
        .flush(connection.id)
        .catch((err: unknown) =>
          deps.logger.error(
            { err, connectionId: connection.id },
            'error e-mail failed; it stays queued',
          ),
        );
    }
    if (connection?.active && ranConnector && failed && deps.autoDisable) {
      await deps
        .autoDisable(connection.id)
        .catch((err: unknown) =>
          deps.logger.error(
            { err, connectionId: connection.id },
            'could not check whether the connection should be switched off; checked again on its next failure',
          ),
        );
    }
  }

  return {
    name: 'delivery',
    concurrency: Math.max(deps.concurrency, MAX_HELD),
    hold: () => deliveriesToHold(deps.concurrency, meanAttemptMs),
    claim: (limit, lease) =>
      claimDueDeliveries(deps.db, deps.adapter, {
        now: lease.now,
        owner,
        leaseUntil: lease.until,
        limit,
      }),
    run(deliveries, stop, stopping) {
      const inputs = inputsFor(deliveries);
      return deliveries.map((delivery, i) =>
        attempt(delivery, inputs(delivery, i), stop, stopping),
      );
    },
    nextDueAt: (now) => nextDueAt(deps.db, now),
    describe: (delivery) => ({ deliveryId: delivery.id }),
  };
}
