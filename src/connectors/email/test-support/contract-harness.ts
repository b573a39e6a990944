/**
 * The e-mail connector's contract harness (run by `src/connectors/connector-contracts.test.ts`)
 * and the helpers its own tests share with it.
 */
import { expect } from 'vitest';
import { closedPort } from '../../../../test/helpers/closed-port.js';
import { startSmtpSink } from '../../../../test/fakes/smtp-sink.js';
import type { SinkMessage, SmtpSink } from '../../../../test/fakes/smtp-sink.js';
import { ManualClock } from '../../../lib/clock.js';
import type { HttpClient } from '../../../lib/http-client.js';
import { silentLogger } from '../../../lib/logger.js';
import { createMailer } from '../../../lib/mailer.js';
import type { Mailer } from '../../../lib/mailer.js';
import type { DeliveryContext, TestContext } from '../../connector.js';
import { makeDeliveryContext, makeTestContext } from '../../connector-contract.js';
import type { ConnectorHarness } from '../../connector-contract.js';
import type { EmailConfig } from '../config.js';
import { deliveryMessageId, emailConnector } from '../email-connector.js';

export const connector = emailConnector();

/** The e-mail connector never makes HTTP calls; a client that says so if it ever tries. */
export const unusedHttp: HttpClient = {
  request: async () => ({
    ok: false,
    kind: 'blocked',
    message: 'the email connector must not make HTTP calls',
    durationMs: 0,
  }),
};

/** Stands in until the contract target supplies its mailer. */
export const missingMailer: Mailer = {
  send: async () => ({ ok: false, transient: false, error: 'no mailer supplied by the harness' }),
  verify: async () => ({ ok: false, message: 'no mailer supplied by the harness' }),
  close: async () => undefined,
};

export function context(mailer: Mailer, overrides: Partial<DeliveryContext> = {}): DeliveryContext {
  return makeDeliveryContext({ http: unusedHttp, mailer, ...overrides });
}

export function testContext(mailer: Mailer): TestContext {
  return makeTestContext({ http: unusedHttp, mailer, clock: new ManualClock() });
}

export function config(input: Record<string, unknown>): EmailConfig {
  return connector.configSchema.parse(input);
}

export function smtpMailer(url: string): Mailer {
  return createMailer({
    smtpUrl: url,
    from: 'ipnhub <hub@example.com>',
    dataDir: '/nonexistent',
    logger: silentLogger(),
  });
}

export async function messagesWithId(
  sink: SmtpSink,
  deliveryId: string,
  count: number,
): Promise<SinkMessage[]> {
  await sink.waitForMessages(1);
  const matching = sink.messages.filter((m) => m.messageId === deliveryMessageId(deliveryId));
  expect(matching).toHaveLength(count);
  return matching;
}

/** The e-mail connector's contract harness: its fake target, configs and contexts. */
export function emailContractHarness(): ConnectorHarness<EmailConfig> {
  return {
    connector,
    async start() {
      const sink = await startSmtpSink();
      const healthy = smtpMailer(sink.url);
      const down = smtpMailer(`smtp://127.0.0.1:${await closedPort()}`);
      const validConfig = config({ to: ['seller@example.com'] });
      return {
        validConfig,
        downConfig: validConfig,
        context: { mailer: healthy },
        downContext: { mailer: down },
        async assertDelivered(event, deliveryId) {
          const [message] = await messagesWithId(sink, deliveryId, 1);
          expect(message?.to).toEqual(['seller@example.com']);
          expect(message?.subject).toBe(`[ipnhub] ${event.type} — order ${event.order?.id ?? ''}`);
        },
        async assertRedeliverySafe(_event, deliveryId) {
          // Mail has no idempotency key at SMTP level; safe here = both copies carry the same
          // Message-ID, which mail clients and archives use to drop duplicates.
          const copies = await messagesWithId(sink, deliveryId, 2);
          expect(copies[0]?.subject).toBe(copies[1]?.subject);
          expect(copies[0]?.text).toBe(copies[1]?.text);
        },
        async stop() {
          await healthy.close();
          await down.close();
          await sink.close();
        },
      };
    },
    // The target supplies the real mailers through `context` / `downContext`.
    makeContext: (overrides) => context(missingMailer, overrides),
    makeTestContext: (overrides) => ({ ...testContext(missingMailer), ...overrides }),
  };
}
