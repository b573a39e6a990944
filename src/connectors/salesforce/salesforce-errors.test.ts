import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import type { SalesforceFake } from '../../../test/fakes/salesforce-fake.js';
import { sampleEvent } from '../sample-event.js';
import { salesforceConnector } from './salesforce-connector.js';
import { TEST_ORG, context, fakeConfig, http } from './test-support/salesforce-harness.js';

const connector = salesforceConnector();
const LIMIT_BODY = [
  { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
];
const SESSION_BODY = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];

afterAll(async () => {
  await http.close();
});

describe('salesforce connector: logins and error classes', () => {
  let fake: SalesforceFake;

  beforeEach(async () => {
    fake = await startSalesforceFake(TEST_ORG);
    return () => fake.close();
  });

  it('sends the password with the security token appended, form-encoded, and caches the session', async () => {
    const config = fakeConfig(fake);
    await connector.deliver(sampleEvent('payment'), config, context());
    await connector.deliver(sampleEvent('payment'), config, context());
    const logins = fake.state.requests.filter((r) => r.path === '/services/oauth2/token');
    expect(logins).toHaveLength(1);
    expect(logins[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(logins[0]?.body))).toEqual({
      grant_type: 'password',
      client_id: fake.credentials.clientId,
      client_secret: fake.credentials.clientSecret,
      username: fake.credentials.username,
      password: `${fake.credentials.password}${fake.credentials.securityToken}`,
    });
  });

  it('logs in with client credentials as the alternative flow', async () => {
    const config = fakeConfig(fake, {
      credentials: {
        flow: 'client_credentials',
        loginUrl: fake.url,
        clientId: fake.credentials.clientId,
        clientSecret: fake.credentials.clientSecret,
      },
    });
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    expect(result.outcome).toBe('delivered');
    const [login] = fake.state.requests;
    expect(Object.fromEntries(new URLSearchParams(login?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: fake.credentials.clientId,
      client_secret: fake.credentials.clientSecret,
    });
  });

  it('fails with TARGET_AUTH_FAILED and a clear message on a wrong password, without a retry storm', async () => {
    const config = fakeConfig(fake, {
      credentials: {
        loginUrl: fake.url,
        clientId: fake.credentials.clientId,
        clientSecret: fake.credentials.clientSecret,
        username: fake.credentials.username,
        password: 'wrong',
        securityToken: fake.credentials.securityToken,
      },
    });
    const reason =
      'TARGET_AUTH_FAILED: Salesforce rejected the credentials: invalid_grant: authentication failure (HTTP 400) — check the username, the password and the security token, and that the org allows the OAuth username-password flow';
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toEqual({
      outcome: 'failed',
      reason,
    });
    expect(
      await connector.deliver(sampleEvent('payment'), config, context({ attempt: 2 })),
    ).toEqual({ outcome: 'failed', reason });
    expect(fake.state.tokenRequests).toBe(2);
    expect(fake.state.logins).toBe(0);
    expect(fake.dataRequests()).toEqual([]);
  });

  it('names the consumer key when Salesforce does not know it', async () => {
    const config = fakeConfig(fake, {
      credentials: {
        loginUrl: fake.url,
        clientId: 'unknown',
        clientSecret: 'x',
        username: 'u',
        password: 'p',
      },
    });
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toEqual({
      outcome: 'failed',
      reason:
        'TARGET_AUTH_FAILED: Salesforce rejected the credentials: invalid_client_id: client identifier invalid (HTTP 400) — check the consumer key and consumer secret',
    });
  });

  it('retries when the token endpoint is unavailable', async () => {
    fake.failNext({
      on: 'token',
      status: 503,
      body: { error: 'server_error' },
      headers: { 'retry-after': '20' },
    });
    expect(await connector.deliver(sampleEvent('payment'), fakeConfig(fake), context())).toEqual({
      outcome: 'retry',
      reason: 'Salesforce login failed: Salesforce answered HTTP 503',
      retryAfterSeconds: 20,
    });
  });

  it('logs in again exactly once when the session expired, then delivers', async () => {
    const config = fakeConfig(fake);
    await connector.deliver(sampleEvent('payment'), config, context());
    fake.expireSessions();
    fake.resetLog();
    const result = await connector.deliver(sampleEvent('payment'), config, context());
    expect(result.outcome).toBe('delivered');
    expect(fake.state.logins).toBe(1);
    expect(fake.state.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /services/data/v60.0/query',
      'POST /services/oauth2/token',
      'GET /services/data/v60.0/query',
      `PATCH /services/data/v60.0/sobjects/Contact/${fake.records('Contact')[0]?.Id}`,
    ]);
  });

  it('fails with TARGET_AUTH_FAILED when the fresh session is rejected too, after one re-login', async () => {
    const config = fakeConfig(fake);
    fake.failNext({ status: 401, body: SESSION_BODY }, { status: 401, body: SESSION_BODY });
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toMatchObject({
      outcome: 'failed',
      reason:
        'TARGET_AUTH_FAILED: Salesforce rejected the credentials (HTTP 401): INVALID_SESSION_ID: Session expired or invalid',
      statusCode: 401,
    });
    expect(fake.state.logins).toBe(2);
    expect(fake.dataRequests()).toHaveLength(2);
  });

  it('retries 429 after its Retry-After', async () => {
    fake.failNext({
      status: 429,
      headers: { 'retry-after': '30' },
      body: [{ message: 'slow down', errorCode: 'REQUEST_LIMIT_EXCEEDED' }],
    });
    expect(
      await connector.deliver(sampleEvent('payment'), fakeConfig(fake), context()),
    ).toMatchObject({
      outcome: 'retry',
      reason: 'Salesforce answered HTTP 429: REQUEST_LIMIT_EXCEEDED: slow down',
      statusCode: 429,
      retryAfterSeconds: 30,
      overloaded: true,
    });
    expect(fake.writes()).toEqual([]);
  });

  it.each([500, 503])('retries %i', async (status) => {
    fake.failNext({ status, body: [{ message: 'maintenance', errorCode: 'SERVER_UNAVAILABLE' }] });
    expect(
      await connector.deliver(sampleEvent('payment'), fakeConfig(fake), context()),
    ).toMatchObject({
      outcome: 'retry',
      reason: `Salesforce answered HTTP ${status}: SERVER_UNAVAILABLE: maintenance`,
      statusCode: status,
    });
  });

  it('backs off on 403 REQUEST_LIMIT_EXCEEDED instead of treating it as a login problem', async () => {
    const config = fakeConfig(fake, { requestLimitBackoffSeconds: 1200 });
    fake.failNext({ status: 403, body: LIMIT_BODY });
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toMatchObject({
      outcome: 'retry',
      reason: 'Salesforce answered HTTP 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.',
      statusCode: 403,
      retryAfterSeconds: 1200,
      overloaded: true,
    });
    expect(fake.state.logins).toBe(1);
  });

  it('fails validation errors with the Salesforce error code and message', async () => {
    const config = fakeConfig(fake, {
      mapping: { Shoe_Size__c: 'raw.shoe_size' },
      actions: { payment: { record: 'upsert', fields: { Shoe_Size__c: '42' } } },
    });
    expect(await connector.deliver(sampleEvent('payment'), config, context())).toMatchObject({
      outcome: 'failed',
      reason:
        "TARGET_VALIDATION_FAILED: Salesforce answered HTTP 400: INVALID_FIELD: No such column 'Shoe_Size__c' on sobject of type Contact",
      statusCode: 400,
    });
  });

  it('fails on an org duplicate rule unless saving duplicates is allowed', async () => {
    const org = await startSalesforceFake({ ...TEST_ORG, duplicateRuleOnEmail: true });
    try {
      org.seed('Contact', {
        LastName: 'Beispiel',
        Email: 'anna.beispiel@example.com',
        Buyer_Key__c: 'other',
      });
      const record = {
        matchBy: 'externalId',
        externalIdField: 'Buyer_Key__c',
        externalIdValue: 'ds24-{raw.buyer_email}',
      };
      const blocked = await connector.deliver(
        sampleEvent('payment'),
        fakeConfig(org, { record }),
        context(),
      );
      expect(blocked).toMatchObject({
        outcome: 'failed',
        reason:
          'TARGET_VALIDATION_FAILED: Salesforce answered HTTP 400: DUPLICATES_DETECTED: Use one of these records?',
      });
      const allowed = await connector.deliver(
        sampleEvent('payment'),
        fakeConfig(org, { record, allowDuplicateSave: true }),
        context(),
      );
      expect(allowed.outcome).toBe('delivered');
      expect(org.writes().at(-1)?.headers['sforce-duplicate-rule-header']).toBe('allowSave=true');
      expect(org.records('Contact').map((c) => c.Buyer_Key__c)).toEqual([
        'other',
        'ds24-anna.beispiel@example.com',
      ]);
    } finally {
      await org.close();
    }
  });
});
