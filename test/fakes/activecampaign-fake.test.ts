import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startActiveCampaignFake } from './activecampaign-fake.js';
import type { ActiveCampaignFake } from './activecampaign-fake.js';

describe('ActiveCampaign fake', () => {
  let fake: ActiveCampaignFake;

  beforeEach(async () => {
    fake = await startActiveCampaignFake({
      fields: [{ title: 'Birthday', perstag: 'BIRTHDAY', type: 'date' }],
      lists: ['Buyers'],
    });
  });
  afterEach(async () => {
    await fake.close();
  });

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: {
        'api-token': fake.apiToken,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    return {
      status: res.status,
      headers: res.headers,
      json: (await res.json()) as Record<string, unknown>,
    };
  }

  it('refuses a missing or wrong Api-Token with 403', async () => {
    expect(await call('GET', '/api/3/fields', undefined, { 'api-token': 'nope' })).toMatchObject({
      status: 403,
      json: { message: 'Forbidden' },
    });
    const res = await fetch(`${fake.url}/api/3/fields`);
    expect(res.status).toBe(403);
  });

  it('upserts contacts by e-mail, ignoring case, and answers with string ids', async () => {
    const created = await call('POST', '/api/3/contact/sync', {
      contact: { email: 'Jane@Example.org', firstName: 'Jane' },
    });
    expect(created).toMatchObject({
      status: 201,
      json: { contact: { id: '1', email: 'Jane@Example.org', firstName: 'Jane' }, fieldValues: [] },
    });
    const updated = await call('POST', '/api/3/contact/sync', {
      contact: {
        email: 'jane@example.org',
        lastName: 'Roe',
        fieldValues: [{ field: '1', value: '1990-02-03' }],
      },
    });
    expect(updated).toMatchObject({
      status: 200,
      json: {
        contact: { id: '1', firstName: 'Jane', lastName: 'Roe' },
        fieldValues: [{ contact: '1', field: '1', value: '1990-02-03' }],
      },
    });
    expect(fake.state.contacts).toHaveLength(1);
    expect(await call('GET', '/api/3/contacts?email=JANE@example.org')).toMatchObject({
      status: 200,
      json: { contacts: [{ id: '1' }], meta: { total: '1' } },
    });
  });

  it("answers 422 in ActiveCampaign's error shape for bad values, unknown fields and unknown attributes", async () => {
    expect(await call('POST', '/api/3/contact/sync', { contact: { email: 'nope' } })).toEqual({
      status: 422,
      headers: expect.anything(),
      json: {
        errors: [
          {
            title: 'Email address is not valid.',
            detail: '',
            code: 'email_invalid',
            source: { pointer: '/data/attributes/email' },
          },
        ],
      },
    });
    expect(
      (
        await call('POST', '/api/3/contact/sync', {
          contact: { email: 'a@example.org', fieldValues: [{ field: '1', value: '03.02.1990' }] },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/api/3/contact/sync', {
          contact: { email: 'a@example.org', fieldValues: [{ field: '9', value: 'x' }] },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/api/3/contact/sync', {
          contact: { email: 'a@example.org', orgname: 'Acme' },
        })
      ).status,
    ).toBe(422);
    expect(fake.state.contacts).toEqual([]);
  });

  it('insists on JSON bodies wrapped in the singular key', async () => {
    expect(
      (
        await call('POST', '/api/3/tags', 'tag=vip', {
          'content-type': 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(400);
    expect((await call('POST', '/api/3/tags', { tag: 'vip' })).status).toBe(400);
    expect((await call('POST', '/api/3/tags', '{not json')).status).toBe(400);
  });

  it('refuses duplicate tag names ignoring case, searches by substring and pages by 20 by default', async () => {
    expect(
      await call('POST', '/api/3/tags', {
        tag: { tag: 'VIP', tagType: 'contact', description: '' },
      }),
    ).toMatchObject({ status: 201, json: { tag: { id: '1', tag: 'VIP' } } });
    expect(
      await call('POST', '/api/3/tags', {
        tag: { tag: 'vip', tagType: 'contact', description: '' },
      }),
    ).toMatchObject({
      status: 422,
      json: {
        message: 'Could not process request',
        error: "Duplicate entry 'contact-vip' for key 'typetag'",
      },
    });
    for (let i = 0; i < 24; i++)
      await call('POST', '/api/3/tags', { tag: { tag: `vip-${i}`, tagType: 'contact' } });
    const first = await call('GET', '/api/3/tags?search=VIP');
    expect((first.json.tags as unknown[]).length).toBe(20);
    expect(first.json.meta).toEqual({ total: '25' });
    const rest = await call('GET', '/api/3/tags?search=vip&limit=100&offset=20');
    expect((rest.json.tags as unknown[]).length).toBe(5);
  });

  it('links tags to contacts once and deletes links by id', async () => {
    await call('POST', '/api/3/contact/sync', { contact: { email: 'a@example.org' } });
    await call('POST', '/api/3/tags', { tag: { tag: 'vip', tagType: 'contact' } });
    const link = await call('POST', '/api/3/contactTags', {
      contactTag: { contact: '1', tag: '1' },
    });
    const again = await call('POST', '/api/3/contactTags', {
      contactTag: { contact: '1', tag: '1' },
    });
    expect(link).toMatchObject({
      status: 201,
      json: { contactTag: { id: '1', contact: '1', tag: '1' } },
    });
    expect(again).toMatchObject({ status: 201, json: { contactTag: { id: '1' } } });
    expect(await call('GET', '/api/3/contacts/1/contactTags')).toMatchObject({
      status: 200,
      json: { contactTags: [{ id: '1', tag: '1' }], meta: { total: '1' } },
    });
    expect(
      await call('POST', '/api/3/contactTags', { contactTag: { contact: '1', tag: '7' } }),
    ).toMatchObject({ status: 404, json: { message: 'No Result found for Tag with id 7' } });
    expect(await call('DELETE', '/api/3/contactTags/1')).toMatchObject({ status: 200, json: {} });
    expect((await call('DELETE', '/api/3/contactTags/1')).status).toBe(404);
    expect(fake.tagsOf('a@example.org')).toEqual([]);
  });

  it.each([
    ['duplicate', 201, 2],
    ['refuse', 422, 1],
  ] as const)(
    'answers a tag attached twice as configured: %s → %i, %i rows',
    async (mode, status, rows) => {
      await fake.close();
      fake = await startActiveCampaignFake({ duplicateContactTag: mode, tags: ['vip'] });
      await call('POST', '/api/3/contact/sync', { contact: { email: 'a@example.org' } });
      await call('POST', '/api/3/contactTags', { contactTag: { contact: '1', tag: '1' } });
      expect(
        (await call('POST', '/api/3/contactTags', { contactTag: { contact: '1', tag: '1' } }))
          .status,
      ).toBe(status);
      expect(fake.state.contactTags).toHaveLength(rows);
    },
  );

  it('holds a request before processing it until released', async () => {
    const held = fake.hold('POST /api/3/contact/sync');
    const answer = call('POST', '/api/3/contact/sync', { contact: { email: 'a@example.org' } });
    await held.arrived;
    expect(fake.state.contacts).toEqual([]);
    held.release();
    expect((await answer).status).toBe(201);
    expect(fake.state.contacts).toHaveLength(1);
    // One-shot: the next one goes through.
    expect(
      (await call('POST', '/api/3/contact/sync', { contact: { email: 'b@example.org' } })).status,
    ).toBe(201);
  });

  it('sets list status 1 or 2 only, on lists that exist', async () => {
    await call('POST', '/api/3/contact/sync', { contact: { email: 'a@example.org' } });
    expect(
      (
        await call('POST', '/api/3/contactLists', {
          contactList: { list: '1', contact: '1', status: 3 },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await call('POST', '/api/3/contactLists', {
          contactList: { list: '2', contact: '1', status: 1 },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', '/api/3/contactLists', {
          contactList: { list: '1', contact: '1', status: 1 },
        })
      ).status,
    ).toBe(201);
    expect(fake.listStatus('a@example.org', '1')).toBe('1');
  });

  it('keeps Deep Data unique per connection and external id and wants whole cents', async () => {
    await call('POST', '/api/3/connections', {
      connection: { service: 'ipnhub', externalid: 's1', name: 'Shop' },
    });
    expect(
      (
        await call('POST', '/api/3/connections', {
          connection: { service: 'ipnhub', externalid: 's1', name: 'Shop' },
        })
      ).status,
    ).toBe(422);
    await call('POST', '/api/3/ecomCustomers', {
      ecomCustomer: {
        connectionid: '1',
        externalid: 'a@example.org',
        email: 'a@example.org',
        acceptsMarketing: '1',
      },
    });
    const order = {
      externalid: 'T1',
      source: 1,
      email: 'a@example.org',
      totalPrice: 9700,
      currency: 'EUR',
      connectionid: '1',
      customerid: '1',
      externalCreatedDate: '2024-05-01T10:00:00+02:00',
      orderProducts: [{ externalid: 'P', name: 'Course', price: 9700, quantity: 1 }],
    };
    expect(
      (await call('POST', '/api/3/ecomOrders', { ecomOrder: { ...order, totalPrice: 97.5 } }))
        .status,
    ).toBe(422);
    expect(await call('POST', '/api/3/ecomOrders', { ecomOrder: order })).toMatchObject({
      status: 201,
      json: { ecomOrder: { id: '1', externalid: 'T1' } },
    });
    expect(await call('POST', '/api/3/ecomOrders', { ecomOrder: order })).toMatchObject({
      status: 422,
      json: { errors: [{ title: 'The integration order already exists in the system.' }] },
    });
    expect(
      await call('GET', '/api/3/ecomOrders?filters[email]=a@example.org&filters[connectionid]=1'),
    ).toMatchObject({ json: { ecomOrders: [{ externalid: 'T1' }], meta: { total: '1' } } });
    expect(await call('GET', '/api/3/ecomOrders?filters[externalid]=T1')).toMatchObject({
      status: 400,
      json: { message: 'Invalid filter externalid' },
    });
  });

  it('answers unknown routes with 404', async () => {
    expect(await call('GET', '/api/3/nothing')).toMatchObject({
      status: 404,
      json: { message: 'No route for GET /api/3/nothing' },
    });
    expect((await call('GET', '/contacts')).status).toBe(404);
  });

  it('fails on demand with Retry-After, and throttles above its rate', async () => {
    fake.failNext({ status: 429, retryAfter: '7' }, { status: 503 });
    const throttled = await call('GET', '/api/3/fields');
    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '7']);
    expect((await call('GET', '/api/3/fields')).status).toBe(503);
    expect((await call('GET', '/api/3/fields')).status).toBe(200);

    // A slow refill keeps the count independent of how fast this machine sends the burst.
    const limited = await startActiveCampaignFake({ rateLimit: { perSecond: 0.01, burst: 5 } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          fetch(`${limited.url}/api/3/fields`, { headers: { 'api-token': limited.apiToken } }),
        ),
      );
      expect(answers.filter((r) => r.status === 200)).toHaveLength(5);
      expect(
        answers.filter((r) => r.status === 429).map((r) => r.headers.get('retry-after')),
      ).toEqual(['100', '100', '100']);
    } finally {
      await limited.close();
    }
  });

  it('records requests and tells writes from reads', async () => {
    await call('GET', '/api/3/fields?limit=100');
    await call('POST', '/api/3/tags', { tag: { tag: 'x', tagType: 'contact' } });
    expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', '/api/3/fields', 200],
      ['POST', '/api/3/tags', 201],
    ]);
    expect(fake.requests[0]?.query).toEqual({ limit: '100' });
    expect(fake.writes().map((r) => r.body)).toEqual([{ tag: { tag: 'x', tagType: 'contact' } }]);
  });
});
