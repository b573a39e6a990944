import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../test/fakes/webhook-sink.js';
import { closedPort } from '../../test/helpers/closed-port.js';
import { createHttpClient } from '../lib/http-client.js';
import type { HttpClient } from '../lib/http-client.js';
import {
  MAX_RECORDED_BODY_CHARS,
  MAX_RECORDED_REQUESTS,
  createRequestRecorder,
  secretScrubber,
} from './request-recorder.js';

describe('request recorder', () => {
  let sink: WebhookSink;
  let http: HttpClient;
  beforeAll(async () => {
    sink = await startWebhookSink();
    http = createHttpClient({ timeoutMs: 5000, allowList: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await http.close?.();
    await sink.close();
  });

  it('keeps what was sent and the status it got, passing the answer through unchanged', async () => {
    const recorder = createRequestRecorder(http, []);
    sink.respondWith({ status: 202, body: 'queued' });
    const result = await recorder.http.request({
      method: 'POST',
      url: `${sink.url}/in?x=1`,
      headers: { 'content-type': 'application/json', 'webhook-id': 'dlv_1' },
      body: Buffer.from('{"a":1}'),
    });
    expect(result).toMatchObject({ ok: true, response: { status: 202, body: 'queued' } });
    expect(recorder.recorded()).toEqual({
      requests: [
        {
          method: 'POST',
          url: `${sink.url}/in?x=1`,
          headers: { 'content-type': 'application/json', 'webhook-id': 'dlv_1' },
          body: '{"a":1}',
          bodyTruncated: false,
          status: 202,
          failure: null,
          durationMs: expect.any(Number),
        },
      ],
      omitted: 0,
    });
  });

  it('records a reference instead of a body that is exactly its known body, and copies any other', async () => {
    const envelope =
      '{"type":"payment","timestamp":"2026-01-01T00:00:00.000Z","data":{"id":"evt_1"}}';
    const secret = 'whsec_0123456789';
    const recorder = createRequestRecorder(http, [secret], {
      ref: 'event-envelope',
      text: envelope,
    });
    const post = (body: string) =>
      recorder.http.request({
        method: 'POST',
        url: `${sink.url}/in`,
        headers: { 'content-type': 'application/json' },
        body,
      });
    // Same length, one character different inside the event.
    const changed = envelope.replace('evt_1', 'evt_2');
    await post(envelope);
    await post(`${envelope} `);
    await post(changed);
    const [same, longer, different] = recorder.recorded().requests;
    expect(same).toMatchObject({ body: null, bodyRef: 'event-envelope', bodyTruncated: false });
    expect(longer).toMatchObject({ body: `${envelope} `, bodyTruncated: false });
    expect(longer).not.toHaveProperty('bodyRef');
    expect(different).toMatchObject({ body: changed });
    expect(different).not.toHaveProperty('bodyRef');
    // The sink got the bytes themselves either way.
    expect(sink.requests.slice(-3).map((r) => r.rawBody.toString('utf8'))).toEqual([
      envelope,
      `${envelope} `,
      changed,
    ]);

    // A known body with a secret in it is recorded scrubbed, as a copy: rebuilding it from the
    // event would show the secret.
    const leaky = `{"type":"payment","timestamp":"t","data":{"note":"${secret}"}}`;
    const scrubbing = createRequestRecorder(http, [secret], {
      ref: 'event-envelope',
      text: leaky,
    });
    await scrubbing.http.request({ method: 'POST', url: `${sink.url}/in`, body: leaky });
    expect(scrubbing.recorded().requests[0]).toMatchObject({
      body: '{"type":"payment","timestamp":"t","data":{"note":"[redacted]"}}',
    });
    expect(scrubbing.recorded().requests[0]).not.toHaveProperty('bodyRef');

    // One longer than a record keeps is cut, as a copy.
    const long = `{"data":"${'x'.repeat(MAX_RECORDED_BODY_CHARS)}"}`;
    const cutting = createRequestRecorder(http, [], { ref: 'event-envelope', text: long });
    await cutting.http.request({ method: 'POST', url: `${sink.url}/in`, body: long });
    expect(cutting.recorded().requests[0]).toMatchObject({ bodyTruncated: true });
    expect(cutting.recorded().requests[0]?.body).toHaveLength(MAX_RECORDED_BODY_CHARS);
  });

  it('takes a scrubber made once for a connection, and scrubs with it as with the secrets themselves', async () => {
    const token = 'sk_live_0123456789';
    const scrub = secretScrubber([token]);
    const request = {
      method: 'POST',
      url: `${sink.url}/hook?key=${encodeURIComponent(token)}`,
      body: JSON.stringify({ token }),
    };
    const withSecrets = createRequestRecorder(http, [token]);
    const withScrubber = createRequestRecorder(http, scrub);
    const again = createRequestRecorder(http, scrub);
    for (const recorder of [withSecrets, withScrubber, again]) await recorder.http.request(request);
    const kept = [withSecrets, withScrubber, again].map((r) => {
      const [sent] = r.recorded().requests;
      return [sent?.url, sent?.body];
    });
    expect(kept[0]).toEqual([`${sink.url}/hook?key=[redacted]`, '{"token":"[redacted]"}']);
    expect(kept[1]).toEqual(kept[0]);
    expect(kept[2]).toEqual(kept[0]);
  });

  it('never keeps credentials: header names that carry them, and the secrets wherever and however they appear', async () => {
    const password = 'p@ss word&=1';
    const token = 'sk_live_0123456789';
    const recorder = createRequestRecorder(http, [password, token, 'ab']);
    const form = new URLSearchParams({
      grant_type: 'password',
      username: 'crm-user',
      password,
    }).toString();
    await recorder.http.request({
      method: 'POST',
      url: `${sink.url}/login?key=${encodeURIComponent(token)}`,
      headers: {
        authorization: 'Bearer abc.def',
        'Api-Token': 'xyz',
        cookie: 'sid=1',
        'x-custom': `v ${token}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    });
    await recorder.http.request({
      method: 'POST',
      url: `${sink.url}/json`,
      body: JSON.stringify({ secret: password, note: 'about' }),
    });
    const [login, json] = recorder.recorded().requests;
    expect(login?.url).toBe(`${sink.url}/login?key=[redacted]`);
    expect(login?.headers).toEqual({
      authorization: '[redacted]',
      'Api-Token': '[redacted]',
      cookie: '[redacted]',
      'x-custom': 'v [redacted]',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(login?.body).toBe('grant_type=password&username=crm-user&password=[redacted]');
    expect(json?.body).toBe('{"secret":"[redacted]","note":"about"}');
    // A two-letter "secret" is not hunted down in every word.
    expect(JSON.stringify(recorder.recorded())).not.toMatch(/p@ss|sk_live|abc\.def/);
  });

  it('keeps only the name of form fields that carry credentials, secret values or not', async () => {
    const recorder = createRequestRecorder(http, []);
    await recorder.http.request({
      method: 'POST',
      url: `${sink.url}/token`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=rt_handed_out_later&client_secret=cs_1&scope=full',
    });
    await recorder.http.request({
      method: 'POST',
      url: `${sink.url}/json`,
      headers: { 'content-type': 'application/json' },
      body: '{"refresh_token_hint":"kept, not a form"}',
    });
    const [token, json] = recorder.recorded().requests;
    expect(token?.body).toBe(
      'grant_type=refresh_token&refresh_token=[redacted]&client_secret=[redacted]&scope=full',
    );
    expect(json?.body).toBe('{"refresh_token_hint":"kept, not a form"}');
  });

  it('records a request that got no answer with why', async () => {
    const recorder = createRequestRecorder(http, []);
    const result = await recorder.http.request({
      method: 'GET',
      url: `http://127.0.0.1:${await closedPort()}/`,
    });
    expect(result.ok).toBe(false);
    expect(recorder.recorded().requests).toEqual([
      expect.objectContaining({ method: 'GET', status: null, failure: 'connection', body: null }),
    ]);
  });

  it('keeps at most five requests and 8 KiB of each body, counting what it left out', async () => {
    const recorder = createRequestRecorder(http, []);
    const big = 'x'.repeat(MAX_RECORDED_BODY_CHARS + 10);
    for (let i = 0; i < MAX_RECORDED_REQUESTS + 2; i++)
      await recorder.http.request({ method: 'POST', url: `${sink.url}/n/${i}`, body: big });
    const { requests, omitted } = recorder.recorded();
    expect(requests.map((r) => r.url)).toEqual(
      Array.from({ length: MAX_RECORDED_REQUESTS }, (_, i) => `${sink.url}/n/${i}`),
    );
    expect(omitted).toBe(2);
    expect(requests[0]?.body).toHaveLength(MAX_RECORDED_BODY_CHARS);
    expect(requests[0]?.bodyTruncated).toBe(true);
  });
});
