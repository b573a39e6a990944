import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCapsuleFake } from '../../../test/fakes/capsule-fake.js';
import type { CapsuleFake } from '../../../test/fakes/capsule-fake.js';
import type { CanonicalEvent } from '../../core/events.js';
import { ManualClock } from '../../lib/clock.js';
import { sampleEvent } from '../sample-event.js';
import { secondsUntilReset } from './capsule-client.js';
import { countryName } from './party.js';
import {
  capsuleConfig,
  connector,
  deliveryContext,
  EMAIL,
  http,
  PRODUCT,
  testContext,
} from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

function withBuyer(type: CanonicalEvent['type'], buyer: Partial<CanonicalEvent['buyer'] & object>) {
  const event = sampleEvent(type);
  return {
    ...event,
    buyer: { ...(event.buyer as NonNullable<CanonicalEvent['buyer']>), ...buyer },
  };
}

describe('capsule connector', () => {
  let fake: CapsuleFake;
  const deliver = (event: CanonicalEvent, input: Record<string, unknown> = {}, token?: string) =>
    connector.deliver(
      event,
      capsuleConfig(fake.url, token ?? fake.token, input),
      deliveryContext(http),
    );
  const calls = () => fake.requests.map((r) => `${r.method} ${r.path}`);

  beforeEach(async () => {
    fake = await startCapsuleFake({
      definitions: [
        { name: 'Order ID', type: 'text' },
        { name: 'Purchase date', type: 'date' },
        { name: 'Amount', type: 'number' },
      ],
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('creates the person with name, address (country as Capsule names it), phone and the product tag in one write', async () => {
    const result = await deliver(withBuyer('payment', { phone: '+49 30 1234567' }));
    expect(result).toEqual({ outcome: 'delivered', response: 'person 101 created, tags +1 -0' });
    expect(calls()).toEqual(['GET /parties/search', 'POST /parties']);
    expect(fake.requests.every((r) => r.headers.authorization === `Bearer ${fake.token}`)).toBe(
      true,
    );
    expect(fake.requests[0]?.query.get('q')).toBe(EMAIL);
    expect(fake.requests[1]?.headers['content-type']).toBe('application/json');
    expect(fake.requests[1]?.body).toEqual({
      party: {
        type: 'person',
        firstName: 'Anna',
        lastName: 'Beispiel',
        emailAddresses: [{ address: EMAIL }],
        addresses: [{ street: 'Musterstraße 5', zip: '10115', city: 'Berlin', country: 'Germany' }],
        phoneNumbers: [{ number: '+49 30 1234567' }],
        tags: [{ name: PRODUCT }],
      },
    });
    const [person] = fake.peopleByEmail(EMAIL);
    expect(fake.tagsOf(person?.id ?? 0)).toEqual([PRODUCT]);
  });

  it('on refund swaps the tags on the same person, without adding the address or phone again', async () => {
    const buyer = { phone: '+49 30 1234567' };
    await deliver(withBuyer('payment', buyer));
    fake.requests.length = 0;
    const result = await deliver(
      withBuyer('refund', { ...buyer, email: 'Anna.Beispiel@Example.com' }),
    );
    expect(result).toEqual({ outcome: 'delivered', response: 'person 101 updated, tags +1 -1' });
    expect(calls()).toEqual(['GET /parties/search', 'PUT /parties/101']);
    const productTag = [...fake.tags.values()].find((t) => t.name === PRODUCT);
    expect(fake.requests[1]?.body).toEqual({
      party: {
        tags: [{ name: `${PRODUCT} - refund` }, { id: productTag?.id, _delete: true }],
      },
    });
    const people = fake.peopleByEmail(EMAIL);
    expect(people).toHaveLength(1);
    expect(people[0]?.addresses).toHaveLength(1);
    expect(people[0]?.phoneNumbers).toHaveLength(1);
    expect(fake.tagsOf(people[0]?.id ?? 0)).toEqual([`${PRODUCT} - refund`]);
  });

  it('writes nothing when a repeated delivery finds everything in place, and only a changed name otherwise', async () => {
    await deliver(withBuyer('payment', { phone: '+49 30 1234567' }));
    fake.requests.length = 0;
    expect(await deliver(withBuyer('payment', { phone: '+49301234567' }))).toEqual({
      outcome: 'delivered',
      response: 'person 101 unchanged, tags +0 -0',
    });
    expect(fake.writes()).toEqual([]);
    await deliver(withBuyer('payment', { lastName: 'Muster' }));
    expect(fake.writes().map((r) => r.body)).toEqual([{ party: { lastName: 'Muster' } }]);
  });

  it('ignores an organisation with the buyer e-mail and a person whose e-mail only contains it', async () => {
    fake.parties.set(1, {
      id: 1,
      type: 'organisation',
      firstName: null,
      lastName: null,
      jobTitle: null,
      emailAddresses: [{ id: 2, type: null, address: EMAIL }],
      phoneNumbers: [],
      addresses: [],
      tagIds: [],
      fields: [],
    });
    fake.parties.set(3, {
      id: 3,
      type: 'person',
      firstName: 'Hanna',
      lastName: 'Other',
      jobTitle: null,
      emailAddresses: [{ id: 4, type: null, address: `h${EMAIL}` }],
      phoneNumbers: [],
      addresses: [],
      tagIds: [],
      fields: [],
    });
    const result = await deliver(sampleEvent('payment'));
    expect(result).toMatchObject({
      outcome: 'delivered',
      response: 'person 101 created, tags +1 -0',
    });
    expect(fake.peopleByEmail(EMAIL).map((p) => p.id)).toEqual([101]);
  });

  it('writes existing custom fields by name with their types and updates them in place later', async () => {
    const customFields = {
      'order id': 'order.id',
      'Purchase date': 'occurredAt',
      Amount: 'amount',
    };
    await deliver(sampleEvent('payment'), { customFields });
    const [person] = fake.peopleByEmail(EMAIL);
    expect(fake.fieldsOf(person?.id ?? 0)).toEqual({
      'Order ID': 'K7QX2M9P',
      'Purchase date': '2024-05-14',
      Amount: 97,
    });
    const later = sampleEvent('payment', { occurredAt: '2024-06-14T07:00:00.000Z' });
    fake.requests.length = 0;
    await deliver(later, { customFields });
    const update = fake.requests.find((r) => r.method === 'PUT')?.body as {
      party: { fields: unknown[] };
    };
    expect(update.party.fields).toEqual([
      { id: expect.any(Number), definition: { id: expect.any(Number) }, value: '2024-06-14' },
    ]);
    expect(fake.parties.get(person?.id ?? 0)?.fields).toHaveLength(3);
    expect(fake.fieldsOf(person?.id ?? 0)['Purchase date']).toBe('2024-06-14');
  });

  it('fails, naming them, when configured custom fields do not exist, and writes nothing', async () => {
    const result = await deliver(sampleEvent('payment'), {
      customFields: { 'Order ID': 'order.id', Affiliate: 'affiliate.name' },
    });
    expect(result).toEqual({
      outcome: 'failed',
      reason: expect.stringContaining(
        'TARGET_VALIDATION_FAILED: these custom fields do not exist on Capsule people: "Affiliate"',
      ),
    });
    expect(fake.writes()).toEqual([]);
  });

  it("fails with Capsule's validation message for a value Capsule refuses", async () => {
    const result = await deliver(sampleEvent('payment'), {
      party: { email: 'buyer.email', lastName: 'buyer.lastName', country: '{buyer.lastName}' },
    });
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 422,
      reason:
        'TARGET_VALIDATION_FAILED: Capsule answered HTTP 422: Validation Failed: address.country: unknown country',
    });
    expect(fake.parties.size).toBe(0);
  });

  it('fails at once with TARGET_AUTH_FAILED on a wrong token', async () => {
    const result = await deliver(sampleEvent('payment'), {}, 'wrong-token');
    expect(result).toMatchObject({
      outcome: 'failed',
      statusCode: 401,
      reason: expect.stringContaining(
        'TARGET_AUTH_FAILED: Capsule rejected the credentials (HTTP 401)',
      ),
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('retries after X-RateLimit-Reset when the hourly budget is used up, and after Retry-After on 503', async () => {
    fake.limit(0);
    const limited = await deliver(sampleEvent('payment'));
    expect(limited).toMatchObject({ outcome: 'retry', statusCode: 429, overloaded: true });
    expect((limited as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
    fake.limit(4000);
    fake.failNext({ status: 503, headers: { 'retry-after': '30' } });
    expect(await deliver(sampleEvent('payment'))).toMatchObject({
      outcome: 'retry',
      statusCode: 503,
      retryAfterSeconds: 30,
    });
    expect(fake.parties.size).toBe(0);
  });

  it('reads the seconds until X-RateLimit-Reset, at least one', () => {
    const now = new ManualClock('2026-03-01T10:00:00.000Z').now();
    const epoch = now.getTime() / 1000;
    expect(secondsUntilReset({ 'x-ratelimit-reset': String(epoch + 120) }, now)).toBe(120);
    expect(secondsUntilReset({ 'x-ratelimit-reset': String(epoch - 5) }, now)).toBe(1);
    expect(secondsUntilReset({}, now)).toBeUndefined();
  });

  it('names countries as Capsule does and leaves names alone', () => {
    expect(countryName('DE')).toBe('Germany');
    expect(countryName('il')).toBe('Israel');
    expect(countryName('Italy')).toBe('Italy');
  });

  it('skips events without an action and fails events without an e-mail', async () => {
    expect(await deliver(sampleEvent('affiliation'))).toMatchObject({ outcome: 'skipped' });
    expect(await deliver(withBuyer('payment', { email: null }))).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('Capsule people are found by e-mail'),
    });
    expect(fake.requests).toEqual([]);
  });

  describe('opportunities', () => {
    const opportunity = () => ({
      enabled: true,
      pipelineId: fake.pipelineId,
      milestoneId: fake.milestone('New'),
      wonMilestoneId: fake.milestone('Won'),
      lostMilestoneId: fake.milestone('Lost'),
    });

    it('wins one opportunity per order on payment, loses it on refund, and a later payment leaves it lost', async () => {
      const first = await deliver(sampleEvent('payment'), { opportunity: opportunity() });
      expect(first).toMatchObject({
        outcome: 'delivered',
        response: expect.stringContaining('opportunity 201 created (won)'),
      });
      const [person] = fake.peopleByEmail(EMAIL);
      const [opp, ...others] = fake.opportunitiesOf(person?.id ?? 0);
      expect(others).toEqual([]);
      expect(opp).toMatchObject({
        name: `${PRODUCT} (K7QX2M9P)`,
        description: 'ipnhub order: K7QX2M9P',
        milestoneId: fake.milestone('Won'),
        value: { amount: 97, currency: 'EUR' },
        closedOn: expect.any(String),
      });

      // The same payment again: nothing new.
      const again = await deliver(sampleEvent('payment'), { opportunity: opportunity() });
      expect(again).toMatchObject({
        response: expect.stringContaining(`opportunity ${opp?.id} unchanged`),
      });
      expect(fake.opportunities.size).toBe(1);

      await deliver(sampleEvent('refund'), { opportunity: opportunity() });
      expect(fake.opportunities.get(opp?.id ?? 0)?.milestoneId).toBe(fake.milestone('Lost'));
      const late = await deliver(sampleEvent('payment'), { opportunity: opportunity() });
      expect(late).toMatchObject({ response: expect.stringContaining('stays lost') });
      expect(fake.opportunities.get(opp?.id ?? 0)?.milestoneId).toBe(fake.milestone('Lost'));
    });

    it('opens at the start milestone on an "open" step, and a refund without an opportunity creates none', async () => {
      await deliver(sampleEvent('refund'), { opportunity: opportunity() });
      expect(fake.opportunities.size).toBe(0);
      await deliver(sampleEvent('payment'), {
        opportunity: opportunity(),
        actions: { payment: { addTags: [], opportunity: 'open' } },
      });
      expect([...fake.opportunities.values()].map((o) => o.milestoneId)).toEqual([
        fake.milestone('New'),
      ]);
    });

    it('refuses a config with opportunities on but milestones missing', () => {
      expect(() => capsuleConfig(fake.url, fake.token, { opportunity: { enabled: true } })).toThrow(
        /required when opportunities are on/,
      );
    });
  });

  describe('connection test', () => {
    const test = (input: Record<string, unknown> = {}, token?: string) =>
      connector.testConnection(
        capsuleConfig(fake.url, token ?? fake.token, input),
        testContext(http),
      );

    it('reads the account and checks custom fields and milestones, writing nothing', async () => {
      const result = await test({
        customFields: { 'Order ID': 'order.id' },
        opportunity: {
          enabled: true,
          pipelineId: fake.pipelineId,
          milestoneId: fake.milestone('Bid'),
          wonMilestoneId: fake.milestone('Won'),
          lostMilestoneId: fake.milestone('Lost'),
        },
      });
      expect(result).toEqual({
        ok: true,
        message: `connected to Capsule: the API token works; the custom fields Order ID exist; the milestones are on pipeline ${fake.pipelineId}`,
      });
      expect(calls()).toEqual([
        'GET /site',
        'GET /parties/fields/definitions',
        `GET /pipelines/${fake.pipelineId}/milestones`,
      ]);
    });

    it('names missing custom fields, wrong milestones and a refused token', async () => {
      expect(await test({ customFields: { Affiliate: 'affiliate.name' } })).toMatchObject({
        ok: false,
        message: expect.stringContaining('"Affiliate"'),
      });
      const wrong = await test({
        opportunity: {
          enabled: true,
          pipelineId: fake.pipelineId,
          milestoneId: fake.milestone('Won'),
          wonMilestoneId: fake.milestone('Lost'),
          lostMilestoneId: 21,
        },
      });
      expect(wrong.ok).toBe(false);
      expect(wrong.message).toContain(
        `the start milestone ${fake.milestone('Won')} ("Won") is not an open milestone`,
      );
      expect(wrong.message).toContain('is not complete with probability 100');
      expect(wrong.message).toContain(
        `the lost milestone 21 is not on pipeline ${fake.pipelineId}`,
      );
      expect(await test({}, 'revoked')).toMatchObject({
        ok: false,
        message: expect.stringContaining('TARGET_AUTH_FAILED'),
      });
      expect(fake.writes()).toEqual([]);
    });
  });
});
