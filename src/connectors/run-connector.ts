/**
 * The only way the worker and the API call a connector. `deliver` and `testConnection` promise
 * to return outcomes, but a connector is code and code has bugs: these wrappers turn a thrown
 * error into a `retry` (logged with its stack) and stop waiting when the deadline fires, so
 * one stuck target cannot hold a worker slot past its deadline.
 */
import type { CanonicalEvent } from '../core/events.js';
import { triggerOfSignal } from '../lib/abort-trigger.js';
import type { AbortTrigger } from '../lib/abort-trigger.js';
import type { Connector, DeliveryContext, DeliveryResult, TestContext } from './connector.js';

const OUTCOMES: ReadonlySet<string> = new Set(['delivered', 'skipped', 'retry', 'failed']);

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Settles with `onAbort()` as soon as the trigger fires, whatever the work is doing. The work
 * may go on in the background; its late result or failure is absorbed by the handlers below.
 */
function untilAborted<T>(work: Promise<T>, trigger: AbortTrigger, onAbort: () => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const forget = trigger.onAbort(() => resolve(onAbort()));
    work.then(
      (value) => {
        forget();
        resolve(value);
      },
      (err: unknown) => {
        forget();
        reject(err);
      },
    );
  });
}

function isDeliveryResult(value: unknown): value is DeliveryResult {
  const outcome = (value as { outcome?: unknown } | null)?.outcome;
  return typeof outcome === 'string' && OUTCOMES.has(outcome);
}

/**
 * Delivers one event through one connector and always returns an outcome: a thrown error
 * becomes `retry` with reason `connector error: <message>`, the deadline becomes `retry` with
 * reason `timed out`. The deadline is `deadline` when the caller has it as a trigger (the
 * worker's attempts: `ctx.signal` is then made only if the connector reads it), else
 * `ctx.signal`.
 */
export async function runConnector<Config>(
  connector: Connector<Config>,
  event: CanonicalEvent,
  config: Config,
  ctx: DeliveryContext,
  deadline?: AbortTrigger,
): Promise<DeliveryResult> {
  const timedOut = (): DeliveryResult => ({ outcome: 'retry', reason: 'timed out' });
  const trigger = deadline ?? triggerOfSignal(ctx.signal);
  if (trigger.aborted) return timedOut();
  try {
    const work = Promise.resolve().then(() => connector.deliver(event, config, ctx));
    const result = await untilAborted<unknown>(work, trigger, timedOut);
    if (isDeliveryResult(result)) return result;
    ctx.logger.error(
      { connector: connector.id, deliveryId: ctx.deliveryId },
      'connector returned no outcome',
    );
    return { outcome: 'retry', reason: 'connector error: deliver returned no outcome' };
  } catch (err) {
    ctx.logger.error(
      { err, connector: connector.id, deliveryId: ctx.deliveryId, eventId: event.id },
      'connector threw',
    );
    return { outcome: 'retry', reason: `connector error: ${errorMessage(err)}` };
  }
}

/** Runs a connector's connection test; never throws, a deadline gives `{ ok: false }`. */
export async function runConnectionTest<Config>(
  connector: Connector<Config>,
  config: Config,
  ctx: TestContext,
): Promise<{ ok: boolean; message: string }> {
  const timedOut = (): { ok: boolean; message: string } => ({ ok: false, message: 'timed out' });
  const trigger = triggerOfSignal(ctx.signal);
  if (trigger.aborted) return timedOut();
  try {
    const work = Promise.resolve().then(() => connector.testConnection(config, ctx));
    const result = await untilAborted<unknown>(work, trigger, timedOut);
    const { ok, message } = (result ?? {}) as { ok?: unknown; message?: unknown };
    if (typeof ok === 'boolean' && typeof message === 'string') return { ok, message };
    ctx.logger.error({ connector: connector.id }, 'connection test returned no result');
    return { ok: false, message: 'connector error: testConnection returned no result' };
  } catch (err) {
    ctx.logger.error({ err, connector: connector.id }, 'connection test threw');
    return { ok: false, message: `connector error: ${errorMessage(err)}` };
  }
}
