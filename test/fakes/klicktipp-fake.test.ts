import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKlickTippFake } from './klicktipp-fake.js';
import type { KlickTippFake } from './klicktipp-fake.js';

const USER = 'shop-owner';
const PASSWORD = 's3cret!';
// The partner test vector (docs/protocols/klicktipp.md#authentication).
const DEVELOPER_KEY = '00112233445566778899aabbccddeeff';
const CUSTOMER_KEY = 'cust-abc';
const X_CI = 'CAQA5T19ucrnJQARPsQaj9JeFB9NFSKrjss+HNZ9g0djdXN0LWFiYw==';

describe('Klick-Tipp fake', () => {
  let fake: KlickTippFake;
  let cookie: string;

  beforeAll(async () => {
    fake = await startKlickTippFake({
      username: USER,
      password: PASSWORD,
      partner: { developerKey: DEVELOPER_KEY, customerKey: CUSTOMER_KEY },
      customFields: {
        field500: { label: 'Order total', type: 'decimal' },
        field501: { label: 'Paid at', type: 'date' },
      },
      tags: { 17: 'customer' },
      smartTags: { 90: 'opened last mail' },
      apiKeys: { 'key-1': { listId: 200, tagId: 17 } },
    });
    const login = await call('POST', '/account/login', {
      json: { username: USER, password: PASSWORD },
    });
    const body = login.body as { sessid: string; session_name: string };
    cookie = `${body.session_name}=${body.sessid}`;
  });
  afterAll(async () => fake.close());

  async function call(
    method: string,
    path: string,
    options: { json?: unknown; form?: string; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = options.form;
    }
    const res = await fetch(`${fake.url}${path}`, { method, headers, body });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as unknown) : null,
      setCookie: res.headers.get('set-cookie'),
    };
  }
  const authed = (method: string, path: string, options: { json?: unknown; form?: string } = {}) =>
    call(method, path, { ...options, headers: { cookie } });

  it('logs in with JSON or a form, sets the session cookie, and refuses wrong or missing credentials', async () => {
    const form = await call('POST', '/account/login.json', {
      form: `username=${USER}&password=${encodeURIComponent(PASSWORD)}`,
    });
    expect(form.status).toBe(200);
    const body = form.body as {
      sessid: string;
      session_name: string;
      account: { username: string };
    };
    expect(body.account.username).toBe(USER);
    expect(form.setCookie).toBe(`${body.session_name}=${body.sessid}; path=/; secure; httponly`);
    expect(
      await call('POST', '/account/login', { json: { username: USER, password: 'nope' } }),
    ).toMatchObject({ status: 401, body: ['Wrong username or password.'] });
    expect(await call('POST', '/account/login', { json: { username: USER } })).toMatchObject({
      status: 401,
      body: ['Missing required argument password'],
    });
    expect(
      await call('POST', '/account/login', { json: { username: 7, password: 'x' } }),
    ).toMatchObject({ status: 400, body: ['The key "username" must be a string.'] });
    expect(
      await call('POST', '/account/login', {
        json: { username: USER, password: PASSWORD },
        headers: { cookie },
      }),
    ).toMatchObject({ status: 406 });
  });

  it('answers 403 without a session, with a stale session, and with wrong partner headers', async () => {
    expect(await call('GET', '/tag')).toMatchObject({ status: 403, body: ['API access denied.'] });
    expect(await call('GET', '/tag', { headers: { cookie: 'SSESSx=stale' } })).toMatchObject({
      status: 403,
    });
    expect(
      await call('GET', '/tag', {
        headers: { 'x-un': USER, 'x-ci': Buffer.alloc(40).toString('base64') },
      }),
    ).toMatchObject({ status: 403 });
  });

  it('accepts the partner headers of the reference test vector', async () => {
    expect(await call('GET', '/tag', { headers: { 'x-un': USER, 'x-ci': X_CI } })).toMatchObject({
      status: 200,
      body: { 17: 'customer', 90: 'opened last mail' },
    });
  });

  it('subscribes from a bracket-notation form, converts decimal fields and stores the address', async () => {
    const res = await authed('POST', '/subscriber.json', {
      form: 'email=Jane%40Example.org&listid=200&tagid=17&fields%5BfieldCity%5D=Berlin&fields%5BfieldZip%5D=10115&fields%5Bfield500%5D=1999',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      email: 'jane@example.org',
      status: 'Subscribed',
      listid: '200',
      fieldCity: 'Berlin',
      fieldZip: '10115',
      field500: '19.99',
      tags: ['17'],
    });
    const tagged = await authed('POST', '/subscriber/tag', {
      form: 'email=jane%40example.org&tagids%5B0%5D=17',
    });
    expect(tagged).toMatchObject({ status: 200, body: [true] });
    expect(fake.tagNames('jane@example.org')).toEqual(['customer']);
  });

  it('keeps a contact pending in a double opt-in process until the DOI click', async () => {
    await authed('POST', '/subscriber', { json: { email: 'doi@example.org' } });
    expect(fake.subscriber('doi@example.org')?.status).toBe('Opt-In Pending');
    expect(
      await authed('POST', '/subscriber/unsubscribe', { json: { email: 'doi@example.org' } }),
    ).toMatchObject({ status: 406, body: { error: 9 } });
    expect(fake.confirmOptIn('doi@example.org')).toBe(true);
    expect(
      await authed('POST', '/subscriber/unsubscribe', { json: { email: 'doi@example.org' } }),
    ).toMatchObject({ status: 200, body: [true] });
    expect(fake.subscriber('doi@example.org')?.status).toBe('Unsubscribed');
  });

  it('refuses unknown fields, formatted dates, unknown lists and tags, and missing addresses with Klick-Tipp codes', async () => {
    expect(
      await authed('POST', '/subscriber', {
        json: { email: 'x@example.org', fields: { field999: 'a' } },
      }),
    ).toMatchObject({ status: 406, body: { error: 8, field: 'field999' } });
    expect(
      await authed('POST', '/subscriber', {
        json: { email: 'x@example.org', fields: { field501: '14.05.2024' } },
      }),
    ).toMatchObject({
      status: 406,
      body: { error: 8, field: 'field501', field_value: '14.05.2024' },
    });
    expect(
      await authed('POST', '/subscriber', { json: { email: 'x@example.org', listid: 999 } }),
    ).toMatchObject({ status: 406, body: { error: 402 } });
    expect(
      await authed('POST', '/subscriber', { json: { email: 'x@example.org', tagid: 999 } }),
    ).toMatchObject({ status: 406, body: { error: 403 } });
    expect(await authed('POST', '/subscriber', { json: { listid: 200 } })).toMatchObject({
      status: 406,
      body: { error: 32 },
    });
    expect(
      await authed('POST', '/subscriber/tag', {
        json: { email: 'nobody@example.org', tagids: [17] },
      }),
    ).toMatchObject({ status: 406, body: { error: 7 } });
    expect(await authed('POST', '/subscriber/search', { json: {} })).toMatchObject({
      status: 401,
      body: ['Missing required argument email'],
    });
    expect(
      await authed('POST', '/subscriber/search', { json: { email: 'nobody@example.org' } }),
    ).toMatchObject({ status: 404, body: ['There is no such entity.'] });
    expect(fake.subscriber('x@example.org')).toBeUndefined();
  });

  it('refuses to untag smart tags, wrong methods, unknown paths and unknown content types', async () => {
    await authed('POST', '/subscriber', { json: { email: 'smart@example.org', listid: 200 } });
    fake.subscriber('smart@example.org')?.tags.set(90, 1);
    expect(
      await authed('POST', '/subscriber/untag', {
        json: { email: 'smart@example.org', tagid: 90 },
      }),
    ).toMatchObject({ status: 406, body: { error: 31 } });
    expect(await authed('DELETE', '/tag')).toMatchObject({ status: 405 });
    expect(await authed('GET', '/nothing/here')).toMatchObject({ status: 404 });
    const text = await fetch(`${fake.url}/subscriber/search`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain' },
      body: 'email=a',
    });
    expect(text.status).toBe(400);
  });

  it('creates, reads and lists tags, fields and opt-in processes', async () => {
    const created = await authed('POST', '/tag', { json: { name: 'vip', text: 'big spenders' } });
    const [id] = created.body as [number];
    expect(await authed('GET', `/tag/${id}`)).toMatchObject({
      status: 200,
      body: { tagid: String(id), name: 'vip', text: 'big spenders' },
    });
    expect(await authed('POST', '/tag', { json: { name: ' ' } })).toMatchObject({ status: 406 });
    expect(await authed('GET', '/tag/424242')).toMatchObject({
      status: 404,
      body: ['There is no such entity.'],
    });
    expect(((await authed('GET', '/field')).body as Record<string, string>).field500).toBe(
      'Order total',
    );
    expect(await authed('GET', '/field/500')).toMatchObject({
      status: 200,
      body: { id: '500', name: 'Order total' },
    });
    expect(await authed('GET', '/list')).toMatchObject({
      status: 200,
      body: { 100: 'Double opt-in', 200: 'Single opt-in' },
    });
  });

  it('serves the legacy listbuilding calls by API key', async () => {
    expect(
      await call('POST', '/subscriber/signin', { json: { email: 'lb@example.org' } }),
    ).toMatchObject({ status: 401, body: ['Missing required argument apikey'] });
    expect(
      await call('POST', '/subscriber/signin', {
        json: { apikey: 'wrong', email: 'lb@example.org' },
      }),
    ).toMatchObject({ status: 500, body: null });
    expect(
      (
        await call('POST', '/subscriber/signin', {
          json: { apikey: 'key-1', email: 'lb@example.org' },
        })
      ).status,
    ).toBe(200);
    expect(fake.tagNames('lb@example.org')).toEqual(['customer']);
    expect(
      await call('POST', '/subscriber/signout', {
        json: { apikey: 'key-1', email: 'lb@example.org' },
      }),
    ).toMatchObject({ status: 200, body: [true] });
    expect(fake.tagNames('lb@example.org')).toEqual([]);
    expect(
      await call('POST', '/subscriber/signoff', {
        json: { apikey: 'key-1', email: 'lb@example.org' },
      }),
    ).toMatchObject({ status: 200, body: [true] });
    expect(fake.subscriber('lb@example.org')?.status).toBe('Unsubscribed');
  });

  it('fails on demand and expires sessions', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '12' } });
    const throttled = await fetch(`${fake.url}/tag`, { headers: { cookie } });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('12');
    expect((await authed('GET', '/tag')).status).toBe(200);
    fake.expireSessions();
    expect(await authed('GET', '/tag')).toMatchObject({
      status: 403,
      body: ['API access denied.'],
    });
  });
});
