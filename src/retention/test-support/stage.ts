/**
 * The stage of the retention and erasure tests: a test runtime on a manual clock, a
 * Digistore24 source and a webhook connection to a real sink.
 */
import { ManualClock } from '../../lib/clock.js';
import { startWebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { DialectName } from '../../../test/helpers/test-db.js';
import { createTestRuntime } from '../../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../../test/helpers/test-runtime.js';

export interface RetentionStage {
  clock: ManualClock;
  runtime: TestRuntime;
  sink: WebhookSink;
  /** The Digistore24 source's id. */
  ds24: string;
  dispose(): Promise<void>;
}

export async function startRetentionStage(
  dialect: DialectName,
  start: string,
  passphrase: string,
): Promise<RetentionStage> {
  const clock = new ManualClock(start);
  const sink = await startWebhookSink();
  const runtime = await createTestRuntime(dialect, { clock });
  const ds24 = (
    await runtime.sources.create({ provider: 'digistore24', name: 'DS24', config: { passphrase } })
  ).id;
  await runtime.connections.create({
    connector: 'webhook',
    name: 'Billing',
    config: { url: `${sink.url}/hook` },
  });
  return {
    clock,
    runtime,
    sink,
    ds24,
    async dispose() {
      await runtime.dispose();
      await sink.close();
    },
  };
}
