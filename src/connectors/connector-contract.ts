/**
 * The connector contract suite: one Vitest suite every connector runs against its own local
 * fake target (docs/testing.md#contract-suites, after Better Auth's adapter conformance
 * suites). `src/connectors/connector-contracts.test.ts` runs it for every connector in the
 * registry, with the harness each connector's folder exports from
 * `test-support/contract-harness.ts`; a registered connector without one fails that file.
 *
 * It checks what the worker, the API and the admin UI rely on:
 * - the config schema renders as JSON Schema, every field at every depth has a title or
 *   description (the admin UI renders forms from it) and every secret field exists and is
 *   `writeOnly`;
 * - every object in the config refuses keys it does not know (a misspelt setting is an error,
 *   never silently dropped), and the harness config's templates name only event paths;
 * - a sample payment is delivered and the fake received it;
 * - delivering the same delivery id twice is safe (the fake decides what "safe" means:
 *   the same idempotency key, an upsert, …);
 * - an unreachable target gives `retry`, not `failed`, and does not throw;
 * - `testConnection` is ok on the healthy target, not ok on the unreachable one, and never throws.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { CanonicalEvent } from '../core/events.js';
import { newId } from '../core/ids.js';
import { systemClock } from '../lib/clock.js';
import { silentLogger } from '../lib/logger.js';
import type { Mailer } from '../lib/mailer.js';
import type { Connector, DeliveryContext, TestContext } from './connector.js';
import { sampleEvent } from './sample-event.js';
import { templatePathProblems } from './template-fields.js';
import { openObjects, schemaAt, unlabelledFields } from '../lib/config-schema-shape.js';
import type { JsonSchemaNode } from '../lib/config-schema-shape.js';
import { createCacheScope } from '../lib/cache-scope.js';

/** One running fake target and the configs pointing at it. */
export interface ContractTarget<Config> {
  /** A config that delivers to the running fake. */
  validConfig: Config;
  /** A config whose target is unreachable (e.g. a closed port). */
  downConfig: Config;
  /** Context parts the healthy target needs, e.g. a mailer pointing at the fake SMTP server. */
  context?: Partial<TestContext>;
  /** Context parts for the unreachable target when "down" lives in the context, not the config (e-mail). */
  downContext?: Partial<TestContext>;
  /** Fails unless the fake received `event` for `deliveryId`. */
  assertDelivered(event: CanonicalEvent, deliveryId: string): Promise<void>;
  /** Fails unless two deliveries of `event` under the same `deliveryId` left the target in a safe state. */
  assertRedeliverySafe(event: CanonicalEvent, deliveryId: string): Promise<void>;
  stop(): Promise<void>;
}

export interface ConnectorHarness<Config> {
  connector: Connector<Config>;
  /** Starts the connector's fake target. */
  start(): Promise<ContractTarget<Config>>;
  /** A delivery context; the suite passes the delivery id, attempt and the target's context parts. */
  makeContext(overrides?: Partial<DeliveryContext>): DeliveryContext;
  /** A connection-test context with the target's context parts. */
  makeTestContext(overrides?: Partial<TestContext>): TestContext;
  /** Releases what the harness holds beyond one target (its HTTP client), after the suite. */
  dispose?(): Promise<void>;
}

/** A mailer for a connector that never mails: every call fails and says so. */
export function unusedMailer(connectorId: string): Mailer {
  return {
    send: async () => ({
      ok: false,
      transient: false,
      error: `the ${connectorId} connector must not send mail`,
    }),
    verify: async () => ({ ok: false, message: 'unused' }),
    close: async () => undefined,
  };
}

/** A connection-test context with test defaults (silent logger, system clock, no abort); harnesses build on it. */
export function makeTestContext(
  parts: Pick<TestContext, 'http' | 'mailer'> & Partial<TestContext>,
): TestContext {
  return {
    logger: silentLogger(),
    clock: systemClock,
    signal: new AbortController().signal,
    caches: createCacheScope(),
    ...parts,
  };
}

/** Fills the delivery-specific fields of a context with test defaults; harnesses build on it. */
export function makeDeliveryContext(
  parts: Pick<DeliveryContext, 'http' | 'mailer'> & Partial<DeliveryContext>,
): DeliveryContext {
  return {
    deliveryId: newId('delivery'),
    connectionId: 'con_contract',
    connectionName: 'contract test',
    attempt: 1,
    trigger: 'scheduled',
    logger: silentLogger(),
    clock: systemClock,
    signal: new AbortController().signal,
    caches: createCacheScope(),
    ...parts,
  };
}

export function runConnectorContract<Config>(
  name: string,
  harness: ConnectorHarness<Config>,
): void {
  const { connector } = harness;

  describe(`connector contract: ${name}`, () => {
    let target: ContractTarget<Config>;

    beforeAll(async () => {
      target = await harness.start();
    });

    afterAll(async () => {
      await target?.stop();
      await harness.dispose?.();
    });

    const deliveryContext = (overrides: Partial<DeliveryContext> = {}): DeliveryContext =>
      harness.makeContext({ ...target.context, ...overrides });
    const downDeliveryContext = (): DeliveryContext =>
      harness.makeContext({ ...target.context, ...target.downContext });

    it('names and describes itself', () => {
      expect(connector.id).toBe(name);
      expect(connector.displayName.length).toBeGreaterThan(0);
      expect(connector.description.length).toBeGreaterThan(0);
    });

    it('describes its config as JSON Schema with a label on every field at every depth, and marks every secret field writeOnly', () => {
      const schema = z.toJSONSchema(connector.configSchema, { io: 'input' }) as JsonSchemaNode;
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      expect(unlabelledFields(schema)).toEqual([]);
      for (const field of connector.secretFields) {
        expect(schemaAt(schema, field), `secret field ${field} exists`).toBeDefined();
        expect(schemaAt(schema, field)?.writeOnly, `secret field ${field} is writeOnly`).toBe(true);
      }
    });

    it('refuses unknown keys in every object of its config', () => {
      expect(
        openObjects(z.toJSONSchema(connector.configSchema, { io: 'input' }) as JsonSchemaNode),
      ).toEqual([]);
      const misspelt = connector.configSchema.safeParse({
        ...(target.validConfig as Record<string, unknown>),
        unknownSetting: true,
      });
      expect(misspelt.success).toBe(false);
    });

    it('accepts the harness configs as valid, their templates naming only event paths', () => {
      const valid = connector.configSchema.safeParse(target.validConfig);
      expect(valid.success).toBe(true);
      expect(connector.configSchema.safeParse(target.downConfig).success).toBe(true);
      expect(templatePathProblems(connector.configSchema, valid.data)).toEqual([]);
    });

    it('delivers a sample payment and the target receives it', async () => {
      const event = sampleEvent('payment');
      const ctx = deliveryContext();
      const result = await connector.deliver(event, target.validConfig, ctx);
      expect(result.outcome).toBe('delivered');
      await target.assertDelivered(event, ctx.deliveryId);
    });

    it('delivers the same delivery id twice safely', async () => {
      const event = sampleEvent('payment');
      const deliveryId = newId('delivery');
      const first = await connector.deliver(
        event,
        target.validConfig,
        deliveryContext({ deliveryId, attempt: 1 }),
      );
      const second = await connector.deliver(
        event,
        target.validConfig,
        deliveryContext({ deliveryId, attempt: 2, trigger: 'manual' }),
      );
      expect(['delivered', 'skipped']).toContain(first.outcome);
      expect(['delivered', 'skipped']).toContain(second.outcome);
      await target.assertRedeliverySafe(event, deliveryId);
    });

    it('asks for a retry, without throwing, when the target is down', async () => {
      const result = await connector.deliver(
        sampleEvent('payment'),
        target.downConfig,
        downDeliveryContext(),
      );
      expect(result.outcome).toBe('retry');
    });

    it('passes the connection test on the healthy target', async () => {
      const result = await connector.testConnection(
        target.validConfig,
        harness.makeTestContext({ ...target.context }),
      );
      expect(result.ok, result.message).toBe(true);
      expect(result.message.length).toBeGreaterThan(0);
    });

    it('fails the connection test on the unreachable target, without throwing', async () => {
      const result = await connector.testConnection(
        target.downConfig,
        harness.makeTestContext({ ...target.context, ...target.downContext }),
      );
      expect(result.ok).toBe(false);
      expect(result.message.length).toBeGreaterThan(0);
    });
  });
}
