import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startKeapFake } from '../../../test/fakes/keap-fake.js';
import type { KeapFake } from '../../../test/fakes/keap-fake.js';
import { createCacheScope } from '../../lib/cache-scope.js';
import { ManualClock } from '../../lib/clock.js';
import { sampleEvent } from '../sample-event.js';
import { alpha3, KNOWN_COUNTRIES } from './country-codes.js';
import { keapConfigSchema } from './config.js';
import {
  apiKeyConfig,
  connector,
  deliveryContext,
  EMAIL,
  http,
  oauthConfig,
  PRODUCT,
  testContext,
} from './test-support/contract-harness.js';

let fake: KeapFake;
beforeEach(async () => {
  fake = await startKeapFake();
});
afterEach(() => fake.close());
afterAll(() => http.close());

const consenting = () =>
  sampleEvent('payment', {
    buyer: { ...sampleEvent().buyer!, newsletterConsent: true },
  });

describe('keap connector', () => {
  it('creates the contact with name, phone and billing address (alpha-3 country) and tags it', async () => {
    const event = sampleEvent('payment', {
      buyer: { ...sampleEvent().buyer!, phone: '+49 30 1234567' },
    });
    const result = await connector.deliver(event, apiKeyConfig(fake), deliveryContext());
    expect(result).toMatchObject({ outcome: 'delivered' });
    const [contact] = fake.contactsByEmail(EMAIL);
    expect(contact).toMatchObject({
      given_name: 'Anna',
      family_name: 'Beispiel',
      email_addresses: [{ email: EMAIL, field: 'EMAIL1', opt_in_reason: null }],
      addresses: [{ field: 'BILLING', locality: 'Berlin', country_code: 'DEU' }],
    });
    expect(contact?.phone_numbers).toEqual([{ field: 'PHONE1', number: '+49 30 1234567' }]);
    expect(fake.tagsOf(contact!.id)).toEqual([PRODUCT]);
    expect(fake.requests.every((r) => r.headers['x-keap-api-key'] === fake.apiKey)).toBe(true);
  });

  it("opts the e-mail in only on the buyer's newsletter consent, and never opts out", async () => {
    const config = apiKeyConfig(fake);
    await connector.deliver(sampleEvent('payment'), config, deliveryContext());
    expect(fake.contactsByEmail(EMAIL)[0]?.email_addresses[0]?.opt_in_reason).toBeNull();
    await connector.deliver(consenting(), config, deliveryContext());
    expect(fake.contactsByEmail(EMAIL)[0]?.email_addresses[0]?.opt_in_reason).toBe(
      'Newsletter consent at checkout (digistore24, order K7QX2M9P)',
    );
    await connector.deliver(sampleEvent('refund'), config, deliveryContext());
    expect(fake.contactsByEmail(EMAIL)[0]?.email_addresses[0]?.opt_in_reason).not.toBeNull();
    const off = apiKeyConfig(fake, { optIn: { enabled: false } });
    const other = sampleEvent('payment', {
      buyer: { ...sampleEvent().buyer!, email: 'other@example.com', newsletterConsent: true },
    });
    await connector.deliver(other, off, deliveryContext());
    expect(
      fake.contactsByEmail('other@example.com')[0]?.email_addresses[0]?.opt_in_reason,
    ).toBeNull();
  });

  it('updates the contact it finds, keeping the e-mails, phones and addresses ipnhub does not fill', async () => {
    const config = apiKeyConfig(fake);
    await connector.deliver(sampleEvent('payment'), config, deliveryContext());
    const contact = fake.contactsByEmail(EMAIL)[0]!;
    contact.email_addresses.push({
      email: 'anna.work@example.com',
      field: 'EMAIL2',
      opt_in_reason: null,
    });
    contact.addresses.push({ field: 'SHIPPING', line1: 'Lagerweg 1', country_code: 'DEU' });
    const moved = sampleEvent('payment', {
      buyer: {
        ...sampleEvent().buyer!,
        address: { ...sampleEvent().buyer!.address!, city: 'Hamburg' },
      },
    });
    await connector.deliver(moved, config, deliveryContext());
    expect(fake.contacts.size).toBe(1);
    expect(contact.email_addresses.map((e) => e.email)).toEqual([EMAIL, 'anna.work@example.com']);
    expect(contact.addresses).toEqual([
      { field: 'SHIPPING', line1: 'Lagerweg 1', country_code: 'DEU' },
      expect.objectContaining({ field: 'BILLING', locality: 'Hamburg' }),
    ]);
    const patch = fake.requests.find((r) => r.method === 'PATCH');
    expect(patch?.query.get('update_mask')?.split(',').sort()).toEqual(
      Object.keys(patch?.body as object).sort(),
    );
  });

  it('takes the product tag off on a refund and leaves it on a partial refund', async () => {
    const config = apiKeyConfig(fake);
    await connector.deliver(sampleEvent('payment'), config, deliveryContext());
    const id = fake.contactsByEmail(EMAIL)[0]!.id;
    await connector.deliver(
      sampleEvent('refund', { refund: { full: false } } as never),
      config,
      deliveryContext(),
    );
    expect(fake.tagsOf(id)).toEqual([PRODUCT, `${PRODUCT} - partial refund`]);
    await connector.deliver(sampleEvent('refund'), config, deliveryContext());
    expect(fake.tagsOf(id)).toEqual([`${PRODUCT} - partial refund`, `${PRODUCT} - refund`]);
  });

  it('skips event types without an action', async () => {
    const config = apiKeyConfig(fake, { actions: { payment: { addTags: ['x'] } } });
    const result = await connector.deliver(sampleEvent('refund'), config, deliveryContext());
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'no Keap action is configured for refund events',
    });
    expect(fake.requests).toEqual([]);
  });

  it('writes existing custom fields by label or id, and fails naming a field that does not exist', async () => {
    const config = apiKeyConfig(fake, {
      customFields: { 'order id': 'order.id' },
      actions: { payment: { customFields: { '9': '{product.name}' } } },
    });
    expect(
      await connector.deliver(sampleEvent('payment'), config, deliveryContext()),
    ).toMatchObject({
      outcome: 'delivered',
    });
    expect(fake.contactsByEmail(EMAIL)[0]?.custom_fields).toEqual([
      { id: 7, content: 'K7QX2M9P' },
      { id: 9, content: PRODUCT },
    ]);
    const wrong = apiKeyConfig(fake, { customFields: { 'Order Nr': 'order.id' } });
    const failed = await connector.deliver(sampleEvent('payment'), wrong, deliveryContext());
    expect(failed).toMatchObject({ outcome: 'failed' });
    expect(failed.outcome === 'failed' && failed.reason).toMatch(
      /TARGET_VALIDATION_FAILED: .*"Order Nr"/,
    );
    const test = await connector.testConnection(wrong, testContext());
    expect(test.ok).toBe(false);
    expect(test.message).toMatch(/connected, but Keap has no contact custom field "Order Nr"/);
  });

  it('adds one order note per payment, also when the delivery is retried', async () => {
    const config = apiKeyConfig(fake, { orderNote: { enabled: true, userId: '1' } });
    await connector.deliver(sampleEvent('payment'), config, deliveryContext());
    await connector.deliver(sampleEvent('payment'), config, deliveryContext({ attempt: 2 }));
    const id = fake.contactsByEmail(EMAIL)[0]!.id;
    const notes = fake.notes.get(id) ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ user_id: '1', type: 'Other' });
    expect(notes[0]?.title).toContain('[ipnhub digistore24 91000001]');
    expect(notes[0]?.text).toContain('Order: K7QX2M9P');
    expect(
      keapConfigSchema.safeParse({ ...config, orderNote: { enabled: true } }).error?.issues[0],
    ).toMatchObject({
      path: ['orderNote', 'userId'],
    });
  });

  it('fails with TARGET_AUTH_FAILED on a wrong key and retries on 429 with Retry-After', async () => {
    const wrong = apiKeyConfig({ apiUrl: fake.apiUrl, apiKey: 'not-the-key' });
    const refused = await connector.deliver(sampleEvent('payment'), wrong, deliveryContext());
    expect(refused).toMatchObject({ outcome: 'failed', statusCode: 401 });
    expect(refused.outcome === 'failed' && refused.reason).toMatch(/^TARGET_AUTH_FAILED: Keap/);
    fake.failNext({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { code: 429, message: 'Too Many Requests' },
    });
    const busy = await connector.deliver(
      sampleEvent('payment'),
      apiKeyConfig(fake),
      deliveryContext(),
    );
    expect(busy).toMatchObject({ outcome: 'retry', retryAfterSeconds: 30, overloaded: true });
  });

  it('refuses configs without the credentials their method needs, naming the field', () => {
    const noKey = keapConfigSchema.safeParse({ credentials: { method: 'apiKey' } });
    expect(noKey.error?.issues.map((i) => i.path.join('.'))).toEqual(['credentials.apiKey']);
    const noRefresh = keapConfigSchema.safeParse({
      credentials: { method: 'oauth', clientId: 'a', clientSecret: 'b' },
    });
    expect(noRefresh.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'credentials.refreshToken',
    ]);
  });

  it('knows every country and sends three-letter codes', () => {
    expect(KNOWN_COUNTRIES).toBe(250);
    expect([alpha3('de'), alpha3('IL'), alpha3('it'), alpha3('GBR'), alpha3('ZZ')]).toEqual([
      'DEU',
      'ISR',
      'ITA',
      'GBR',
      null,
    ]);
  });
});

describe('keap connector with OAuth2', () => {
  it('refreshes the access token, saves the new refresh token and uses the Bearer token', async () => {
    const saved: Array<Record<string, unknown>> = [];
    const config = oauthConfig(fake, 'rt-1');
    const ctx = deliveryContext({ saveConfig: async (patch) => void saved.push(patch) });
    expect(await connector.deliver(sampleEvent('payment'), config, ctx)).toMatchObject({
      outcome: 'delivered',
    });
    expect(fake.refreshes()).toBe(1);
    expect(saved).toEqual([{ credentials: { ...config.credentials, refreshToken: 'rt-2' } }]);
    const api = fake.requests.filter((r) => r.path !== '/token');
    expect(api.every((r) => r.headers.authorization === 'Bearer at-1')).toBe(true);
    const token = fake.requests.find((r) => r.path === '/token');
    expect(token?.body).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
  });

  it('reuses the token until shortly before it expires, then refreshes with the newest refresh token', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00.000Z');
    const caches = createCacheScope();
    const config = oauthConfig(fake, 'rt-1');
    const ctx = () => deliveryContext({ clock, caches });
    await connector.deliver(sampleEvent('payment'), config, ctx());
    await connector.deliver(sampleEvent('payment'), config, ctx());
    expect(fake.refreshes()).toBe(1);
    clock.advance((24 * 3600 - 4 * 60) * 1000);
    // The config still holds the first refresh token: the runtime knows it was replaced.
    expect(await connector.deliver(sampleEvent('payment'), config, ctx())).toMatchObject({
      outcome: 'delivered',
    });
    expect(fake.refreshes()).toBe(2);
    expect(
      fake.requests
        .filter((r) => r.path === '/token')
        .map((r) => (r.body as { refresh_token: string }).refresh_token),
    ).toEqual(['rt-1', 'rt-2']);
  });

  it('refreshes once when Keap refuses the access token, and fails without a loop when the refresh is refused', async () => {
    const caches = createCacheScope();
    const config = oauthConfig(fake, 'rt-1');
    await connector.deliver(sampleEvent('payment'), config, deliveryContext({ caches }));
    fake.expireAccessTokens();
    expect(
      await connector.deliver(sampleEvent('refund'), config, deliveryContext({ caches })),
    ).toMatchObject({
      outcome: 'delivered',
    });
    expect(fake.refreshes()).toBe(2);
    const revoked = await connector.deliver(
      sampleEvent('payment'),
      oauthConfig(fake, 'rt-unknown'),
      deliveryContext(),
    );
    expect(revoked).toMatchObject({ outcome: 'failed' });
    expect(revoked.outcome === 'failed' && revoked.reason).toMatch(
      /TARGET_AUTH_FAILED: .*invalid_grant/,
    );
  });

  it('passes the connection test with a fresh refresh token', async () => {
    const result = await connector.testConnection(oauthConfig(fake, 'rt-1'), testContext());
    expect(result).toEqual({
      ok: true,
      message: 'connected to Keap: the OAuth app works and the account has 2 contact custom fields',
    });
  });
});
