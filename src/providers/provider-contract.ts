/**
 * The shared conformance suite every inbound provider runs (docs/testing.md#contract-suites).
 * `src/providers/provider-contracts.test.ts` runs it for every provider in the registry, with
 * the cases each provider's folder exports from `test-support/contract-cases.ts`; a registered
 * provider without cases fails that file.
 *
 * It checks the rules of the {@link Provider} contract that hold for every provider:
 * - `verify` returns each case's expected verdict and never throws (it rejects garbage bodies:
 *   empty, binary, 1 MB of `&`), i.e. it fails closed;
 * - a provider with `confirm` (authenticity proven by asking the sender afterwards, PayPal
 *   IPN's postback) has `pending` cases and no `verified` ones: its `verify` accepts their
 *   shape, then `confirm`, asked against a real fake of the sender's service, answers `retry`
 *   while that service fails, refuses a request the sender did not send, and confirms one it
 *   did; a provider without `confirm` has no `pending` cases;
 * - `normalize` never throws, is deterministic, and turns each authentic (`verified` or
 *   `pending`) case into the case's expected result: the events (type, dedup key, order,
 *   transaction, money, buyer), or `ignored`, `held` or `invalid` with its code;
 * - every event has a non-empty `dedupKey`, a type from `EVENT_TYPES`, and integer (or null) money;
 * - `acknowledge` renders a status and a string body for every outcome kind;
 * - `decodeFields` never throws, is deterministic, and decodes every authentic case's body;
 * - the config schema accepts each case's config and names every secret field;
 * - a `testNotification`, when the provider has one, is accepted by its own `verify` with the
 *   config it was built with, in one of its content types, and becomes connection tests only
 *   (which the pipeline records and never delivers); with a changed secret it is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { openObjects, schemaAt, unlabelledFields } from '../lib/config-schema-shape.js';
import type { JsonSchemaNode } from '../lib/config-schema-shape.js';
import { EVENT_TYPES } from '../core/events.js';
import type { EventDraft, EventType } from '../core/events.js';
import type { ErrorCode } from '../core/errors.js';
import { ManualClock } from '../lib/clock.js';
import { offlineHttpClient } from '../lib/offline-http-client.js';
import { createCacheScope } from '../lib/cache-scope.js';
import type {
  IngestOutcome,
  InboundRequest,
  Normalized,
  Provider,
  ProviderContext,
} from './provider.js';

/** One normalized event as a case expects it: what the ledger, the fan-out and the connectors act on. */
export interface ExpectedEvent {
  type: EventType;
  dedupKey: string;
  test: boolean;
  orderId: string | null;
  transactionId: string | null;
  currency: string | null;
  /** Gross amount, minor units. */
  amount: number | null;
  buyerEmail: string | null;
}

/** What `normalize` must make of an authentic case. */
export type ExpectedNormalized =
  | { kind: 'events'; events: ExpectedEvent[] }
  | { kind: 'ignored' }
  | { kind: 'held'; code: ErrorCode | null }
  | { kind: 'invalid'; code: ErrorCode };

/** `{ kind: 'events', events }`, for expectation tables. */
export function expectedEvents(...events: ExpectedEvent[]): ExpectedNormalized {
  return { kind: 'events', events };
}

interface CaseBase<Config> {
  name: string;
  request: InboundRequest;
  config: Config;
}

/**
 * `verified`: `verify` proves the request authentic; `pending`: `verify` accepts its shape and
 * `confirm` settles authenticity later (providers with `confirm` only); both name what
 * `normalize` makes of it. `{ rejected }`: the error code `verify` must reject it with.
 */
export type ProviderContractCase<Config> = CaseBase<Config> &
  (
    | { expect: 'verified' | 'pending'; normalized: ExpectedNormalized }
    | { expect: { rejected: ErrorCode } }
  );

/** A fake of the sender's own verification service (PayPal's IPN postback endpoint), for `confirm`. */
export interface SenderFake {
  /** From now on the sender says it sent this request. */
  vouchFor(request: InboundRequest): void;
  /** `false`: the service answers without a verdict (an error page) until set back to `true`. */
  setAvailable(available: boolean): void;
}

/** What a provider's cases need running while they are checked. */
export interface ProviderContractTarget {
  /** Context parts verification needs, e.g. an HTTP client that reaches a local certificate server. */
  context?: Partial<ProviderContext>;
  /** Required when the provider has `confirm`. */
  sender?: SenderFake;
  stop(): Promise<void>;
}

/** A provider's contract cases, exported by its folder's `test-support/contract-cases.ts`. */
export interface ProviderContractSetup<Config> {
  /** Must not be empty; needs an authentic (`verified` or `pending`) case and a rejected one. */
  cases: ReadonlyArray<ProviderContractCase<Config>>;
  /** Starts the local servers verification reaches; without it, the context is offline. */
  start?(): Promise<ProviderContractTarget>;
}

/** The case-relevant summary of a `normalize` result, in the shape cases state their expectation. */
export function summarizeNormalized(normalized: Normalized): ExpectedNormalized {
  switch (normalized.kind) {
    case 'events':
      return {
        kind: 'events',
        events: normalized.events.map((event) => ({
          type: event.type,
          dedupKey: event.dedupKey,
          test: event.test,
          orderId: event.order?.id ?? null,
          transactionId: event.order?.transactionId ?? null,
          currency: event.order?.currency ?? null,
          amount: event.order?.amount ?? null,
          buyerEmail: event.buyer?.email ?? null,
        })),
      };
    case 'ignored':
      return { kind: 'ignored' };
    case 'held':
      return { kind: 'held', code: normalized.code };
    case 'invalid':
      return { kind: 'invalid', code: normalized.code };
  }
}

function isAuthentic<Config>(
  c: ProviderContractCase<Config>,
): c is Extract<ProviderContractCase<Config>, { normalized: ExpectedNormalized }> {
  return c.expect === 'verified' || c.expect === 'pending';
}

const OUTCOMES: readonly IngestOutcome[] = [
  { kind: 'accepted', eventIds: ['evt_01J0000000000000000000000'] },
  { kind: 'duplicate' },
  { kind: 'ignored', reason: 'event not handled' },
  { kind: 'pending' },
  { kind: 'held', reason: 'about money, but no event can be made of it' },
  { kind: 'rejected', code: 'SIGNATURE_INVALID', reason: 'signature does not match', status: 403 },
  { kind: 'rejected', code: 'MALFORMED_BODY', reason: 'line one\nline two', status: 400 },
  { kind: 'error' },
];

const STORED: ReadonlySet<IngestOutcome['kind']> = new Set([
  'accepted',
  'duplicate',
  'ignored',
  'pending',
  'held',
]);

/** Deterministic pseudo-random bytes (a linear congruential generator), so failures reproduce. */
function binaryBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 0x2545f491;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return bytes;
}

function garbageRequest(template: InboundRequest, rawBody: Buffer): InboundRequest {
  return {
    ...template,
    headers: { ...template.headers, 'content-length': String(rawBody.length) },
    rawBody,
  };
}

function moneyOf(event: EventDraft): Array<[string, number | null]> {
  const order = event.order;
  if (order === null) return [];
  return [
    ['order.amount', order.amount],
    ['order.vat', order.vat],
    ['order.net', order.net],
    ['order.fee', order.fee],
    ...order.items.map((item, i): [string, number | null] => [
      `order.items[${i}].amount`,
      item.amount,
    ]),
  ];
}

/** Registers the contract suite for `provider` with Vitest (`describe`/`it`). */
export function runProviderContract<Config>(
  provider: Provider<Config>,
  setup: ProviderContractSetup<Config>,
): void {
  const { cases } = setup;
  let target: ProviderContractTarget | undefined;
  let ctx: ProviderContext = {
    clock: new ManualClock('2024-05-14T07:12:46.000Z'),
    http: offlineHttpClient(),
    caches: createCacheScope(),
  };

  describe(`provider contract: ${provider.id}`, () => {
    beforeAll(async () => {
      target = await setup.start?.();
      ctx = { ...ctx, ...target?.context };
    });

    afterAll(async () => {
      await target?.stop();
    });

    it('has cases, including an authentic one and a rejected one', () => {
      expect(cases.length).toBeGreaterThan(0);
      expect(cases.some(isAuthentic)).toBe(true);
      expect(cases.some((c) => !isAuthentic(c))).toBe(true);
    });

    it(
      provider.confirm
        ? 'confirms later: its authentic cases are pending, and a fake sender is running'
        : 'verifies at once: no case is pending',
      () => {
        const kinds = new Set(cases.filter(isAuthentic).map((c) => c.expect));
        if (provider.confirm) {
          expect([...kinds]).toEqual(['pending']);
          expect(
            target?.sender,
            'a provider with confirm needs a sender fake (setup.start)',
          ).toBeDefined();
        } else {
          expect([...kinds]).toEqual(['verified']);
        }
      },
    );

    it('describes itself', () => {
      expect(provider.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(provider.displayName.length).toBeGreaterThan(0);
      expect(provider.contentTypes.length).toBeGreaterThan(0);
      for (const type of provider.contentTypes) expect(type).toBe(type.toLowerCase());
    });

    it('describes its config as JSON Schema with a label on every field at every depth, refusing unknown keys in every object', () => {
      const schema = z.toJSONSchema(provider.configSchema, { io: 'input' }) as JsonSchemaNode;
      expect(unlabelledFields(schema)).toEqual([]);
      expect(openObjects(schema)).toEqual([]);
      for (const field of provider.secretFields)
        expect(schemaAt(schema, field)?.writeOnly, `secret field ${field} is writeOnly`).toBe(true);
    });

    it('names every secret field in its config schema', () => {
      const schema = z.toJSONSchema(provider.configSchema);
      const properties =
        typeof schema.properties === 'object' && schema.properties !== null
          ? Object.keys(schema.properties)
          : [];
      for (const field of provider.secretFields) expect(properties).toContain(field);
    });

    for (const c of cases) {
      describe(c.name, () => {
        it('has a config the schema accepts', () => {
          expect(provider.configSchema.safeParse(c.config).success).toBe(true);
        });

        it(
          isAuthentic(c)
            ? `is accepted by verify (${c.expect})`
            : `is rejected with ${c.expect.rejected}`,
          async () => {
            const verdict = await provider.verify(c.request, c.config, ctx);
            if (isAuthentic(c)) {
              expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
              if (verdict.ok) expect(verdict.method.length).toBeGreaterThan(0);
            } else {
              expect(verdict).toMatchObject({ ok: false, code: c.expect.rejected });
              if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
            }
          },
        );

        it('normalizes deterministically', () => {
          const first = provider.normalize(c.request, c.config);
          const second = provider.normalize(
            { ...c.request, rawBody: Buffer.from(c.request.rawBody) },
            c.config,
          );
          expect(second).toEqual(first);
        });

        it('decodes its fields for people deterministically, without throwing', () => {
          const decoded = provider.decodeFields(c.request.rawBody);
          expect(provider.decodeFields(Buffer.from(c.request.rawBody))).toEqual(decoded);
          if (decoded.ok)
            for (const field of decoded.fields) expect(typeof field.value).toBe('string');
          else expect(decoded.reason.length).toBeGreaterThan(0);
          if (isAuthentic(c)) {
            expect(decoded.ok).toBe(true);
            if (decoded.ok) expect(decoded.fields.length).toBeGreaterThan(0);
          }
        });

        if (isAuthentic(c)) {
          it('normalizes to the expected result, with well-formed events', () => {
            const normalized = provider.normalize(c.request, c.config);
            expect(summarizeNormalized(normalized)).toEqual(c.normalized);
            if (normalized.kind !== 'events') return;
            expect(normalized.events.length).toBeGreaterThan(0);
            for (const event of normalized.events) {
              expect(EVENT_TYPES).toContain(event.type);
              expect(typeof event.dedupKey).toBe('string');
              expect(event.dedupKey.length).toBeGreaterThan(0);
              for (const [path, value] of moneyOf(event)) {
                expect(
                  value === null || Number.isSafeInteger(value),
                  `${path} = ${String(value)}`,
                ).toBe(true);
              }
              if (event.occurredAt !== null)
                expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
            }
          });
        }

        const confirm = provider.confirm?.bind(provider);
        if (c.expect === 'pending' && confirm) {
          // The pipeline's order: verify and store as pending, answer the sender, then confirm until settled.
          it('is settled by confirm as the sender answers: retry while it fails, refused unless sent by it, then confirmed', async () => {
            const sender = target?.sender;
            if (!sender)
              throw new Error('a provider with confirm needs a sender fake (setup.start)');
            expect(await provider.verify(c.request, c.config, ctx)).toMatchObject({ ok: true });
            sender.setAvailable(false);
            try {
              const unanswered = await confirm(c.request, c.config, ctx);
              expect(unanswered.ok, JSON.stringify(unanswered)).toBe('retry');
              expect(unanswered.ok === 'retry' && unanswered.reason.length > 0).toBe(true);
            } finally {
              sender.setAvailable(true);
            }
            const refused = await confirm(c.request, c.config, ctx);
            expect(refused.ok, JSON.stringify(refused)).toBe(false);
            if (refused.ok === false) expect(refused.reason.length).toBeGreaterThan(0);
            sender.vouchFor(c.request);
            const confirmed = await confirm(c.request, c.config, ctx);
            expect(confirmed.ok, JSON.stringify(confirmed)).toBe(true);
            if (confirmed.ok === true) expect(confirmed.method.length).toBeGreaterThan(0);
            expect(summarizeNormalized(provider.normalize(c.request, c.config))).toEqual(
              c.normalized,
            );
          });
        }
      });
    }

    describe('garbage bodies', () => {
      const garbage: Array<[string, Buffer]> = [
        ['an empty body', Buffer.alloc(0)],
        ['a binary body', binaryBytes(4096)],
        ['1 MB of &', Buffer.alloc(1024 * 1024, '&')],
        ['a JSON body', Buffer.from('{"event":"on_payment","sha_sign":"x"}')],
      ];
      for (const [label, body] of garbage) {
        it(`rejects ${label} without throwing`, async () => {
          const template = cases[0];
          expect(template).toBeDefined();
          if (!template) return;
          const request = garbageRequest(template.request, body);
          const verdict = await provider.verify(request, template.config, ctx);
          expect(verdict.ok).toBe(false);
          const normalized = provider.normalize(request, template.config);
          expect(['events', 'ignored', 'invalid']).toContain(normalized.kind);
          const decoded = provider.decodeFields(body);
          if (!decoded.ok) expect(decoded.reason.length).toBeGreaterThan(0);
        });
      }
    });

    const testNotification = provider.testNotification?.bind(provider);
    if (testNotification) {
      it('builds a test notification its own verify accepts, which becomes connection tests only', async () => {
        const verifiedCase = cases.find(isAuthentic);
        if (!verifiedCase) throw new Error('the cases need an authentic one');
        // The same config with every (top-level, text) secret changed.
        const changed = Object.fromEntries(
          Object.entries(verifiedCase.config as Record<string, unknown>).map(([key, value]) => [
            key,
            provider.secretFields.includes(key) && typeof value === 'string'
              ? `${value}-changed`
              : value,
          ]),
        );
        const otherConfig =
          JSON.stringify(changed) === JSON.stringify(verifiedCase.config)
            ? undefined
            : (changed as Config);
        const sent = testNotification(verifiedCase.config);
        const request: InboundRequest = {
          ...verifiedCase.request,
          headers: sent.headers,
          rawBody: sent.body,
        };
        expect(provider.contentTypes).toContain(
          (sent.headers['content-type'] ?? '').split(';')[0]?.trim(),
        );
        expect(await provider.verify(request, verifiedCase.config, ctx)).toMatchObject({
          ok: true,
        });
        const normalized = provider.normalize(request, verifiedCase.config);
        expect(normalized.kind).toBe('events');
        if (normalized.kind === 'events')
          expect(new Set(normalized.events.map((e) => e.type))).toEqual(
            new Set(['connection_test']),
          );
        // It proves the stored secret: with another one it is refused.
        if (otherConfig !== undefined)
          expect((await provider.verify({ ...request }, otherConfig, ctx)).ok).toBe(false);
      });
    }

    it('acknowledges every outcome kind with a status and a string body', () => {
      for (const outcome of OUTCOMES) {
        const ack = provider.acknowledge(outcome);
        expect(
          Number.isInteger(ack.status) && ack.status >= 200 && ack.status <= 599,
          `${outcome.kind}: ${ack.status}`,
        ).toBe(true);
        expect(typeof ack.body).toBe('string');
        expect(ack.contentType.length).toBeGreaterThan(0);
        if (outcome.kind === 'error') expect(ack.status).toBeGreaterThanOrEqual(500);
        // Stored, so the sender must stop resending: a held request is settled by a person, not by a resend.
        if (STORED.has(outcome.kind)) expect(ack.status, outcome.kind).toBe(200);
      }
    });
  });
}
