import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceFake } from './salesforce-fake.js';
import type { SalesforceFake } from './salesforce-fake.js';

describe('salesforce fake', () => {
  let fake: SalesforceFake;
  let token: string;

  async function login(form: Record<string, string>, headers: Record<string, string> = {}) {
    const res = await fetch(`${fake.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  const passwordForm = () => ({
    grant_type: 'password',
    client_id: fake.credentials.clientId,
    client_secret: fake.credentials.clientSecret,
    username: fake.credentials.username,
    password: `${fake.credentials.password}${fake.credentials.securityToken}`,
  });

  async function api(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: text ? (JSON.parse(text) as unknown) : null,
    };
  }

  beforeEach(async () => {
    fake = await startSalesforceFake({
      customFields: {
        Contact: {
          Key__c: { externalId: true, unique: true },
          Loose__c: { externalId: true },
          Tags__c: {},
        },
        Lead: { LeadKey__c: { externalId: true, unique: true }, Tags__c: {} },
      },
      tokenTtlMs: 60_000,
    });
    const answer = await login(passwordForm());
    token = String(answer.json.access_token);
  });
  afterEach(async () => fake.close());

  it('issues tokens for the password flow and refuses bad credentials with OAuth errors', async () => {
    const ok = await login(passwordForm());
    expect(ok).toMatchObject({
      status: 200,
      json: {
        instance_url: fake.url,
        token_type: 'Bearer',
        access_token: expect.stringMatching(/^00DFAKE/),
      },
    });
    expect(await login({ ...passwordForm(), password: fake.credentials.password })).toEqual({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'authentication failure' },
    });
    expect(await login({ ...passwordForm(), client_id: 'x' })).toEqual({
      status: 400,
      json: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });
    expect(await login({ ...passwordForm(), client_secret: 'x' })).toEqual({
      status: 400,
      json: { error: 'invalid_client', error_description: 'invalid client credentials' },
    });
    expect(await login({ grant_type: 'authorization_code' })).toEqual({
      status: 400,
      json: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
    });
    const basic = Buffer.from(
      `${fake.credentials.clientId}:${fake.credentials.clientSecret}`,
    ).toString('base64');
    expect(
      (await login({ grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` }))
        .status,
    ).toBe(200);
    expect(fake.state).toMatchObject({ logins: 3, tokenRequests: 7 });
  });

  it('answers 401 INVALID_SESSION_ID for unknown and revoked tokens, and counts API usage', async () => {
    const described = await api('GET', '/services/data/v60.0/sobjects/Contact/describe');
    expect(described.status).toBe(200);
    expect(described.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    fake.expireSessions();
    expect(await api('GET', '/services/data/v60.0/sobjects/Contact/describe')).toMatchObject({
      status: 401,
      json: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }],
    });
  });

  it('validates record bodies strictly', async () => {
    const post = (body: unknown, headers?: Record<string, string>) =>
      api('POST', '/services/data/v60.0/sobjects/Contact/', body, headers);
    expect(await post({ FirstName: 'A' })).toMatchObject({
      status: 400,
      json: [
        {
          errorCode: 'REQUIRED_FIELD_MISSING',
          message: 'Required fields are missing: [LastName]',
          fields: ['LastName'],
        },
      ],
    });
    expect(await post({ LastName: 'A', Foo__c: 1 })).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_FIELD' }],
    });
    expect(await post({ LastName: 'A', HasOptedOutOfEmail: 'yes' })).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' }],
    });
    expect(await post({ LastName: 'A', Id: '003x' })).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' }],
    });
    expect(await post('LastName=A', { 'content-type': 'text/plain' })).toMatchObject({
      status: 415,
      json: [{ errorCode: 'UNSUPPORTED_MEDIA_TYPE' }],
    });
    expect(await post({ LastName: 'A', Key__c: 'k1' })).toMatchObject({
      status: 201,
      json: { success: true, errors: [] },
    });
    expect(await post({ LastName: 'B', Key__c: 'K1' })).toMatchObject({
      status: 400,
      json: [{ errorCode: 'DUPLICATE_VALUE' }],
    });
    expect(
      await api('PUT', '/services/data/v60.0/sobjects/Contact/003FK0000000001AAA', {}),
    ).toMatchObject({ status: 405, json: [{ errorCode: 'METHOD_NOT_ALLOWED' }] });
  });

  it('upserts by external id with the answers of each API version', async () => {
    const upsert = (version: string, value: string, body: unknown, query = '') =>
      api('PATCH', `/services/data/v${version}/sobjects/Contact/Key__c/${value}${query}`, body);
    expect(await upsert('60.0', 'k1', { LastName: 'A' })).toMatchObject({
      status: 201,
      json: { created: true, success: true },
    });
    expect(await upsert('60.0', 'k1', { LastName: 'B' })).toMatchObject({
      status: 200,
      json: { created: false },
    });
    expect(await upsert('45.0', 'k1', { LastName: 'C' })).toEqual(
      expect.objectContaining({ status: 204, json: null }),
    );
    expect(await upsert('45.0', 'k2', { LastName: 'D' })).toMatchObject({
      status: 201,
      json: { success: true },
    });
    expect(
      ((await upsert('45.0', 'k3', { LastName: 'E' })).json as Record<string, unknown>).created,
    ).toBeUndefined();
    expect(await upsert('61.0', 'k9', { LastName: 'F' }, '?updateOnly=true')).toMatchObject({
      status: 404,
    });
    expect(await upsert('60.0', 'k1', { LastName: 'A', Key__c: 'k1' })).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_FIELD' }],
    });
    expect(
      await api('PATCH', '/services/data/v60.0/sobjects/Contact/LastName/A', { FirstName: 'x' }),
    ).toEqual(
      expect.objectContaining({
        status: 404,
        json: { errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' },
      }),
    );
    fake.seed('Contact', { LastName: 'X', Loose__c: 'same' });
    fake.seed('Contact', { LastName: 'Y', Loose__c: 'same' });
    const multiple = await api('PATCH', '/services/data/v60.0/sobjects/Contact/Loose__c/same', {
      FirstName: 'x',
    });
    expect(multiple.status).toBe(300);
    expect(multiple.json).toHaveLength(2);
    expect(fake.records('Contact').map((c) => c.LastName)).toEqual(['C', 'D', 'E', 'X', 'Y']);
  });

  it('runs the SOQL subset and refuses what it does not know', async () => {
    fake.seed('Contact', { LastName: 'A', Email: 'Anna@Example.com' });
    const q = (soql: string) =>
      api('GET', `/services/data/v60.0/query?q=${encodeURIComponent(soql)}`);
    const found = await q("SELECT Id, Email FROM Contact WHERE Email = 'anna@example.com' LIMIT 1");
    expect(found).toMatchObject({
      status: 200,
      json: {
        totalSize: 1,
        done: true,
        records: [{ attributes: { type: 'Contact' }, Email: 'Anna@Example.com' }],
      },
    });
    expect(await q('SELECT Id FROM Contact WHERE Shoe__c = 1')).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_FIELD' }],
    });
    expect(await q('SELECT Id FROM Widget__c')).toMatchObject({
      status: 400,
      json: [{ errorCode: 'INVALID_TYPE' }],
    });
    expect(await q("SELECT Id FROM Contact WHERE Email LIKE 'a%'")).toMatchObject({
      status: 400,
      json: [{ errorCode: 'MALFORMED_QUERY' }],
    });
  });

  it('plays forced answers once each, in order, for the requests they are meant for', async () => {
    fake.failNext(
      { status: 429, headers: { 'retry-after': '5' } },
      { on: 'token', status: 503 },
      {
        status: 403,
        body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }],
      },
    );
    const first = await api('GET', '/services/data/v60.0/sobjects/Contact/describe');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('5');
    expect((await api('GET', '/services/data/v60.0/sobjects/Contact/describe')).status).toBe(403);
    expect((await api('GET', '/services/data/v60.0/sobjects/Contact/describe')).status).toBe(200);
    expect((await login(passwordForm())).status).toBe(503);
    expect((await login(passwordForm())).status).toBe(200);
  });

  it('converts a Lead into a Contact and then refuses every update of the Lead, by Id or by external id', async () => {
    const lead = fake.seed('Lead', {
      LastName: 'Roe',
      Company: 'Acme',
      Email: 'jane@example.org',
      City: 'Berlin',
      LeadKey__c: 'k-1',
      Tags__c: 'vip',
    });
    const contact = fake.convertLead(lead.Id);
    expect(contact).toMatchObject({
      LastName: 'Roe',
      Email: 'jane@example.org',
      MailingCity: 'Berlin',
      Tags__c: 'vip',
    });
    expect(contact).not.toHaveProperty('Company');
    expect(fake.records('Lead')[0]).toMatchObject({
      IsConverted: true,
      ConvertedContactId: contact.Id,
      ConvertedDate: '2026-01-15',
    });

    const refused = {
      status: 400,
      json: [
        { message: 'cannot reference converted lead', errorCode: 'CANNOT_UPDATE_CONVERTED_LEAD' },
      ],
    };
    expect(
      await api('PATCH', `/services/data/v60.0/sobjects/Lead/${lead.Id}`, { FirstName: 'Jane' }),
    ).toMatchObject(refused);
    expect(
      await api('PATCH', '/services/data/v60.0/sobjects/Lead/LeadKey__c/k-1', {
        FirstName: 'Jane',
      }),
    ).toMatchObject(refused);
    const read = await api(
      'GET',
      `/services/data/v60.0/query?q=${encodeURIComponent("SELECT Id, IsConverted, ConvertedContactId FROM Lead WHERE LeadKey__c = 'k-1'")}`,
    );
    expect(read.json).toMatchObject({
      records: [{ Id: lead.Id, IsConverted: true, ConvertedContactId: contact.Id }],
    });
    const open = fake.seed('Lead', { LastName: 'X', Company: 'Y' });
    expect(
      (
        await api('PATCH', `/services/data/v60.0/sobjects/Lead/${open.Id}`, {
          ConvertedContactId: contact.Id,
        })
      ).status,
    ).toBe(400);

    // Converting into an existing Contact only fills its empty fields.
    const other = fake.seed('Lead', {
      LastName: 'Doe',
      Company: 'Acme',
      Email: 'jane@example.org',
      Phone: '+49 1',
    });
    expect(fake.convertLead(other.Id, contact.Id)).toMatchObject({
      Id: contact.Id,
      LastName: 'Roe',
      MailingCity: 'Berlin',
      Phone: '+49 1',
    });
  });

  it('lists API versions without authentication', async () => {
    const res = await fetch(`${fake.url}/services/data/`);
    const versions = (await res.json()) as Array<{ label: string; url: string; version: string }>;
    expect(versions).toContainEqual({
      label: "Spring '24",
      url: '/services/data/v60.0',
      version: '60.0',
    });
    expect(versions).toContainEqual({
      label: "Summer '19",
      url: '/services/data/v46.0',
      version: '46.0',
    });
  });
});
