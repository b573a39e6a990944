/**
 * The webhook connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { startWebhookSink } from '../../../../test/fakes/webhook-sink.js';
import type { SinkRequest, WebhookSink } from '../../../../test/fakes/webhook-sink.js';
import { ManualClock } from '../../../lib/clock.js';
import { createHttpClient } from '../../../lib/http-client.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext, unusedMailer } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import type { WebhookConfig } from '../config.js';
import { webhookConnector } from '../webhook-connector.js';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const connector = webhookConnector();
export const http = createHttpClient({ timeoutMs: 5000, allowList: ['127.0.0.1'] });

/** The webhook connector never mails; a mailer that says so if it ever tries. */
export const mailer = unusedMailer('webhook');

export function context(overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http, mailer, ...overrides });
}

export function testContext(overrides: Partial<TestContext> = {}): TestContext {
  return makeTestContext({ http, mailer, clock: new ManualClock(new Date()), ...overrides });
}

export function config(input: Record<string, unknown>): WebhookConfig {
  return connector.configSchema.parse({ secret: SECRET, ...input });
}

export function requestsFor(sink: WebhookSink, deliveryId: string): SinkRequest[] {
  return sink.requests.filter((r) => r.headers['webhook-id'] === deliveryId);
}

/** The webhook connector's contract harness: its fake target, configs and contexts. */
export function webhookContractHarness(): ConnectorHarness<WebhookConfig> {
  return {
    connector,
    async start() {
      const sink = await startWebhookSink({ secret: SECRET });
      const down = await closedPort();
      return {
        validConfig: config({ url: `${sink.url}/contract` }),
        downConfig: config({ url: `http://127.0.0.1:${down}/contract` }),
        async assertDelivered(event, deliveryId) {
          const [request, ...more] = requestsFor(sink, deliveryId);
          expect(more).toEqual([]);
          expect(request?.verified).toBe(true);
          expect(request?.json).toEqual({
            type: event.type,
            timestamp: event.occurredAt,
            data: event,
          });
        },
        async assertRedeliverySafe(event, deliveryId) {
          // Safe for a webhook = the receiver sees one webhook-id and can drop the second copy.
          const requests = requestsFor(sink, deliveryId);
          expect(requests).toHaveLength(2);
          expect(requests.every((r) => r.verified === true)).toBe(true);
          expect(requests.map((r) => (r.json as { data: { id: string } }).data.id)).toEqual([
            event.id,
            event.id,
          ]);
        },
        stop: () => sink.close(),
      };
    },
    makeContext: (overrides) => context({ ...overrides }),
    makeTestContext: (overrides) => testContext(overrides),
    dispose: () => http.close(),
  };
}
