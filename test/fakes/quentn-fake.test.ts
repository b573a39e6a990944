import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerJsonCall } from './bearer-json-call.js';
import { QUENTN_FAKE_KEY, startQuentnFake } from './quentn-fake.js';
import type { QuentnFake } from './quentn-fake.js';

describe('quentn fake', () => {
  let fake: QuentnFake;

  beforeEach(async () => {
    fake = await startQuentnFake({
      customFields: [{ field_name: 'ds24_order_id', label: 'Order', type: 'text_textfield' }],
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  const call = bearerJsonCall(() => fake.url, QUENTN_FAKE_KEY);

  it('checks the Bearer key and announces rate limits', async () => {
    expect(await call('GET', 'check-credentials')).toMatchObject({
      status: 200,
      json: { success: true },
    });
    const wrong = await call('GET', 'check-credentials', undefined, {
      authorization: 'Bearer nope',
    });
    expect(wrong).toMatchObject({
      status: 401,
      json: { message: 'Unauthorized: invalid or missing API key' },
    });
    expect(wrong.headers['x-rate-limit-limit']).toBe('120');
    expect(Number(wrong.headers['x-rate-limit-remaining'])).toBeLessThan(120);
  });

  it('is strict about paths, methods, content types and JSON', async () => {
    expect((await call('GET', 'contacts/search')).status).toBe(404);
    expect((await call('DELETE', 'check-credentials')).status).toBe(405);
    expect(
      await call('POST', 'contact', 'mail=a@example.com', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
    ).toMatchObject({ status: 400, json: { message: 'Content-Type must be application/json' } });
    expect(await call('POST', 'contact', '{broken')).toMatchObject({
      status: 400,
      json: { message: 'The body is not valid JSON' },
    });
  });

  it('validates contacts: the wrapper, mail or full address, known fields, parameters', async () => {
    expect((await call('POST', 'contact', { mail: 'a@example.com' })).status).toBe(400);
    expect((await call('POST', 'contact', { contact: { first_name: 'A' } })).json).toEqual({
      message:
        'The contact must contain a valid mail or a full address (first_name, family_name, ba_street, ba_city, ba_postal_code)',
    });
    expect(
      (await call('POST', 'contact', { contact: { mail: 'a@example.com', shoe_size: 42 } })).json,
    ).toEqual({ message: 'Unknown contact field "shoe_size"' });
    expect(
      (
        await call('POST', 'contact', {
          contact: { mail: 'a@example.com' },
          duplicate_check_method: 'phone',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('POST', 'contact', { contact: { mail: 'a@example.com', ba_country: 'Germany' } }))
        .status,
    ).toBe(400);
    const full = await call('POST', 'contact', {
      contact: {
        first_name: 'A',
        family_name: 'B',
        ba_street: 'S 1',
        ba_city: 'C',
        ba_postal_code: '1',
      },
    });
    expect(full).toMatchObject({ status: 200, json: { id: 101 } });
  });

  it('merges by e-mail, answers lookups by mail as arrays and 404 when none', async () => {
    const first = await call('POST', 'contact', {
      contact: { mail: 'Jane@Example.org', ds24_order_id: 'A1' },
      duplicate_check_method: 'email',
      return_fields: ['mail'],
    });
    expect(first.json).toEqual({ id: 101, mail: 'Jane@Example.org' });
    expect(
      (
        await call('POST', 'contact', {
          contact: { mail: 'jane@example.org', first_name: 'Jane' },
          duplicate_check_method: 'email',
        })
      ).json,
    ).toEqual({ id: 101 });
    expect(fake.contacts.size).toBe(1);
    expect(
      await call('GET', 'contact/jane%40example.org?fields=first_name,ds24_order_id'),
    ).toMatchObject({ status: 200, json: [{ id: 101, first_name: 'Jane', ds24_order_id: 'A1' }] });
    expect(await call('GET', 'contact/101')).toMatchObject({
      json: { id: 101, first_name: 'Jane', mail: 'jane@example.org' },
    });
    expect((await call('GET', 'contact/nobody%40example.org')).status).toBe(404);
  });

  it('creates terms idempotently by name and adds, lists and removes them with array bodies', async () => {
    const created = await call('POST', 'terms', { name: 'Buyer' });
    expect(await call('POST', 'terms', { name: 'BUYER', description: 'again' })).toMatchObject({
      json: created.json,
    });
    const termId = (created.json as { id: number }).id;
    const { json } = await call('POST', 'contact', { contact: { mail: 'a@example.com' } });
    const contactId = (json as { id: number }).id;
    expect((await call('PUT', `contact/${contactId}/terms`, { ids: [termId] })).status).toBe(400);
    expect((await call('PUT', `contact/${contactId}/terms`, [999])).json).toEqual({
      message: 'Unknown term id 999',
    });
    expect((await call('PUT', `contact/${contactId}/terms`, [termId, termId])).status).toBe(200);
    expect((await call('GET', `contact/${contactId}/terms`)).json).toEqual([
      { id: termId, name: 'Buyer', description: '' },
    ]);
    expect(await call('GET', 'terms/buyer')).toMatchObject({ json: { id: termId, name: 'Buyer' } });
    expect((await call('DELETE', `contact/${contactId}/terms`, [termId])).status).toBe(200);
    expect(fake.tagsOf(contactId)).toEqual([]);
  });

  it('forces answers for tests and rotates keys', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '9' } });
    const limited = await call('GET', 'check-credentials');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('9');
    fake.failOn('POST', /^\/terms$/, { status: 503 });
    expect((await call('GET', 'terms')).status).toBe(200);
    expect((await call('POST', 'terms', { name: 'x' })).status).toBe(503);
    fake.setApiKey('new-key');
    expect((await call('GET', 'check-credentials')).status).toBe(401);
    expect(fake.writes().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /terms']);
  });
});
