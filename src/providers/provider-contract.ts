/**
 * The shared conformance suite every inbound provider runs (DESIGN.md §9 "one shared contract
 * suite per extension point"). Call it from the provider's own test file:
 *
 *   runProviderContract(digistore24Provider(), cases);
 *
 * It checks the rules of the {@link Provider} contract that hold for every provider:
 * - `verify` returns each case's expected verdict and never throws (it rejects garbage bodies:
 *   empty, binary, 1 MB of `&`), i.e. it fails closed;
 * - `normalize` never throws and is deterministic (the same request gives deep-equal output);
 * - every event has a non-empty `dedupKey`, a type from `EVENT_TYPES`, and integer (or null) money;
 * - `acknowledge` renders a status and a string body for every outcome kind;
 * - `decodeFields` never throws, is deterministic, and decodes every verified case's body;
 * - the config schema accepts each case's config and names every secret field;
 * - a `testNotification`, when the provider has one, is accepted by its own `verify` with the
 *   config it was built with, in one of its content types, and becomes connection tests only
 *   (which the pipeline records and never delivers); with a changed secret it is refused.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openObjects, schemaAt, unlabelledFields } from '../lib/config-schema-shape.js';
import type { JsonSchemaNode } from '../lib/config-schema-shape.js';
import { EVENT_TYPES } from '../core/events.js';
import type { EventDraft } from '../core/events.js';
import type { ErrorCode } from '../core/errors.js';
import { ManualClock } from '../lib/clock.js';
import { offlineHttpClient } from '../lib/offline-http-client.js';
import type { IngestOutcome, InboundRequest, Provider, ProviderContext } from './provider.js';
import { createCacheScope } from '../lib/cache-scope.js';

export interface ProviderContractCase<Config> {
  name: string;
  request: InboundRequest;
  config: Config;
  /** `verified`, or the error code `verify` must reject the request with. */
  expect: 'verified' | { rejected: ErrorCode };
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

const STORED: ReadonlySet<IngestOutcome['kind']> = new Set(['accepted', 'duplicate', 'ignored', 'pending', 'held']);

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
  return { ...template, headers: { ...template.headers, 'content-length': String(rawBody.length) }, rawBody };
}

function moneyOf(event: EventDraft): Array<[string, number | null]> {
  const order = event.order;
  if (order === null) return [];
  return [
    ['order.amount', order.amount],
    ['order.vat', order.vat],
    ['order.net', order.net],
    ['order.fee', order.fee],
    ...order.items.map((item, i): [string, number | null] => [`order.items[${i}].amount`, item.amount]),
  ];
}

/** Registers the contract suite for `provider` with Vitest (`describe`/`it`). `cases` must not be empty. */
export function runProviderContract<Config>(provider: Provider<Config>, cases: ReadonlyArray<ProviderContractCase<Config>>, context: Partial<ProviderContext> = {}): void {
  const ctx: ProviderContext = { clock: new ManualClock('2024-05-14T07:12:46.000Z'), http: offlineHttpClient(), caches: createCacheScope(), ...context };

  describe(`provider contract: ${provider.id}`, () => {
    it('has cases, including a verified one and a rejected one', () => {
      expect(cases.length).toBeGreaterThan(0);
      expect(cases.some((c) => c.expect === 'verified')).toBe(true);
      expect(cases.some((c) => c.expect !== 'verified')).toBe(true);
    });

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
      for (const field of provider.secretFields) expect(schemaAt(schema, field)?.writeOnly, `secret field ${field} is writeOnly`).toBe(true);
    });

    it('names every secret field in its config schema', () => {
      const schema = z.toJSONSchema(provider.configSchema);
      const properties = typeof schema.properties === 'object' && schema.properties !== null ? Object.keys(schema.properties) : [];
      for (const field of provider.secretFields) expect(properties).toContain(field);
    });

    for (const c of cases) {
      describe(c.name, () => {
        it('has a config the schema accepts', () => {
          expect(provider.configSchema.safeParse(c.config).success).toBe(true);
        });

        it(c.expect === 'verified' ? 'verifies' : `is rejected with ${c.expect.rejected}`, async () => {
          const verdict = await provider.verify(c.request, c.config, ctx);
          if (c.expect === 'verified') {
            expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
            if (verdict.ok) expect(verdict.method.length).toBeGreaterThan(0);
          } else {
            expect(verdict).toMatchObject({ ok: false, code: c.expect.rejected });
            if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
          }
        });

        it('normalizes deterministically', () => {
          const first = provider.normalize(c.request, c.config);
          const second = provider.normalize({ ...c.request, rawBody: Buffer.from(c.request.rawBody) }, c.config);
          expect(second).toEqual(first);
        });

        it('decodes its fields for people deterministically, without throwing', () => {
          const decoded = provider.decodeFields(c.request.rawBody);
          expect(provider.decodeFields(Buffer.from(c.request.rawBody))).toEqual(decoded);
          if (decoded.ok) for (const field of decoded.fields) expect(typeof field.value).toBe('string');
          else expect(decoded.reason.length).toBeGreaterThan(0);
          if (c.expect === 'verified') {
            expect(decoded.ok).toBe(true);
            if (decoded.ok) expect(decoded.fields.length).toBeGreaterThan(0);
          }
        });

        if (c.expect === 'verified') {
          it('produces well-formed events', () => {
            const normalized = provider.normalize(c.request, c.config);
            if (normalized.kind !== 'events') return;
            expect(normalized.events.length).toBeGreaterThan(0);
            for (const event of normalized.events) {
              expect(EVENT_TYPES).toContain(event.type);
              expect(typeof event.dedupKey).toBe('string');
              expect(event.dedupKey.length).toBeGreaterThan(0);
              for (const [path, value] of moneyOf(event)) {
                expect(value === null || Number.isSafeInteger(value), `${path} = ${String(value)}`).toBe(true);
              }
              if (event.occurredAt !== null) expect(new Date(event.occurredAt).toISOString()).toBe(event.occurredAt);
            }
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
        const verifiedCase = cases.find((c) => c.expect === 'verified');
        if (!verifiedCase) throw new Error('the cases need a verified one');
        // The same config with every (top-level, text) secret changed.
        const changed = Object.fromEntries(
          Object.entries(verifiedCase.config as Record<string, unknown>).map(([key, value]) => [key, provider.secretFields.includes(key) && typeof value === 'string' ? `${value}-changed` : value]),
        );
        const otherConfig = JSON.stringify(changed) === JSON.stringify(verifiedCase.config) ? undefined : (changed as Config);
        const sent = testNotification(verifiedCase.config);
        const request: InboundRequest = { ...verifiedCase.request, headers: sent.headers, rawBody: sent.body };
        expect(provider.contentTypes).toContain((sent.headers['content-type'] ?? '').split(';')[0]?.trim());
        expect(await provider.verify(request, verifiedCase.config, ctx)).toMatchObject({ ok: true });
        const normalized = provider.normalize(request, verifiedCase.config);
        expect(normalized.kind).toBe('events');
        if (normalized.kind === 'events') expect(new Set(normalized.events.map((e) => e.type))).toEqual(new Set(['connection_test']));
        // It proves the stored secret: with another one it is refused.
        if (otherConfig !== undefined) expect((await provider.verify({ ...request }, otherConfig, ctx)).ok).toBe(false);
      });
    }

    it('acknowledges every outcome kind with a status and a string body', () => {
      for (const outcome of OUTCOMES) {
        const ack = provider.acknowledge(outcome);
        expect(Number.isInteger(ack.status) && ack.status >= 200 && ack.status <= 599, `${outcome.kind}: ${ack.status}`).toBe(true);
        expect(typeof ack.body).toBe('string');
        expect(ack.contentType.length).toBeGreaterThan(0);
        if (outcome.kind === 'error') expect(ack.status).toBeGreaterThanOrEqual(500);
        // Stored, so the sender must stop resending: a held request is settled by a person, not by a resend.
        if (STORED.has(outcome.kind)) expect(ack.status, outcome.kind).toBe(200);
      }
    });
  });
}
