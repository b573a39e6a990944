import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startWebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../test/fakes/webhook-sink.js';
import { ManualClock } from '../../lib/clock.js';
import { createHttpClient } from '../../lib/http-client.js';
import { sampleEvent } from '../sample-event.js';
import { envelopeText } from './envelope.js';
import { generateWebhookSecret } from './webhook-connector.js';
import {
  config,
  connector,
  context,
  http,
  SECRET,
  testContext,
} from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('webhook connector', () => {
  let sink: WebhookSink;

  beforeAll(async () => {
    sink = await startWebhookSink({ secret: SECRET });
  });

  afterEach(() => {
    sink.requests.length = 0;
  });

  afterAll(async () => {
    await sink.close();
  });

  it('POSTs the Standard Webhooks envelope, signed, with the delivery id as webhook-id', async () => {
    const clock = new ManualClock(new Date());
    const event = sampleEvent('payment');
    const result = await connector.deliver(
      event,
      config({ url: `${sink.url}/hooks/billing` }),
      context({ deliveryId: 'dlv_01HXZ3M8Q4000000000000TEST', clock }),
    );
    expect(result).toEqual({ outcome: 'delivered', statusCode: 200, response: '' });
    const [request] = sink.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/hooks/billing');
    expect(request?.verified).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toBe('ipnhub/0.1');
    expect(request?.headers['webhook-id']).toBe('dlv_01HXZ3M8Q4000000000000TEST');
    expect(request?.headers['webhook-timestamp']).toBe(
      String(Math.floor(clock.now().getTime() / 1000)),
    );
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(request?.rawBody.toString('utf8')).toBe(
      JSON.stringify({ type: 'payment', timestamp: event.occurredAt, data: event }),
    );
  });

  it("sends the worker's envelope of the stored event as it is instead of serializing the event again", async () => {
    const event = sampleEvent('payment');
    // The worker builds the envelope around the event's stored text; a spaced copy shows which
    // text was sent.
    const eventJson = JSON.stringify(event, null, 1);
    const eventEnvelope = envelopeText('payment', event.occurredAt, eventJson);
    await connector.deliver(event, config({ url: sink.url }), { ...context(), eventEnvelope });
    const [request] = sink.requests;
    expect(request?.verified).toBe(true);
    const sent = request?.rawBody.toString('utf8') ?? '';
    expect(sent).toBe(
      `{"type":"payment","timestamp":${JSON.stringify(event.occurredAt)},"data":${eventJson}}`,
    );
    expect(JSON.parse(sent)).toEqual({ type: 'payment', timestamp: event.occurredAt, data: event });
  });

  it('keeps the webhook-id on a second attempt and signs a fresh timestamp', async () => {
    const clock = new ManualClock(new Date());
    const target = config({ url: sink.url });
    await connector.deliver(
      sampleEvent(),
      target,
      context({ deliveryId: 'dlv_SAME', attempt: 1, clock }),
    );
    clock.advance(60_000);
    await connector.deliver(
      sampleEvent(),
      target,
      context({ deliveryId: 'dlv_SAME', attempt: 2, clock }),
    );
    const [first, second] = sink.requests;
    expect(sink.uniqueIds()).toEqual(['dlv_SAME']);
    expect(first?.verified).toBe(true);
    expect(second?.verified).toBe(true);
    expect(
      Number(second?.headers['webhook-timestamp']) - Number(first?.headers['webhook-timestamp']),
    ).toBe(60);
    expect(second?.headers['webhook-signature']).not.toBe(first?.headers['webhook-signature']);
  });

  it('fails verification at the sink when signed with another secret', async () => {
    await connector.deliver(
      sampleEvent(),
      config({ url: sink.url, secret: generateWebhookSecret() }),
      context(),
    );
    expect(sink.requests[0]?.verified).toBe(false);
  });

  it('answers 429 with Retry-After: 7 → retry, overloaded, retryAfterSeconds 7', async () => {
    sink.respondWith({ status: 429, headers: { 'Retry-After': '7' }, body: 'slow down' });
    const result = await connector.deliver(sampleEvent(), config({ url: sink.url }), context());
    expect(result).toEqual({
      outcome: 'retry',
      reason: 'HTTP 429',
      statusCode: 429,
      response: 'slow down',
      retryAfterSeconds: 7,
      overloaded: true,
    });
  });

  it.each([500, 502, 503, 408])('answers %i → retry', async (status) => {
    sink.respondWith({ status, body: 'oops' });
    const result = await connector.deliver(sampleEvent(), config({ url: sink.url }), context());
    expect(result).toEqual({
      outcome: 'retry',
      reason: `HTTP ${status}`,
      statusCode: status,
      response: 'oops',
    });
  });

  it('honours Retry-After on a 503 as an HTTP date', async () => {
    const clock = new ManualClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    const later = new Date(clock.now().getTime() + 120_000);
    sink.respondWith({ status: 503, headers: { 'Retry-After': later.toUTCString() } });
    const result = await connector.deliver(
      sampleEvent(),
      config({ url: sink.url }),
      context({ clock }),
    );
    expect(result).toEqual({
      outcome: 'retry',
      reason: 'HTTP 503',
      statusCode: 503,
      response: '',
      retryAfterSeconds: 120,
    });
  });

  it.each([
    [400, 'HTTP 400'],
    [401, 'HTTP 401'],
    [404, 'HTTP 404'],
    [410, 'HTTP 410 Gone: the endpoint says it no longer exists'],
  ])('answers %i → failed', async (status, reason) => {
    sink.respondWith({ status, body: 'no' });
    const result = await connector.deliver(sampleEvent(), config({ url: sink.url }), context());
    expect(result).toEqual({ outcome: 'failed', reason, statusCode: status, response: 'no' });
  });

  it('does not follow a 301 and fails naming the new location', async () => {
    sink.respondWith({ status: 301, headers: { Location: `${sink.url}/moved` } });
    const result = await connector.deliver(sampleEvent(), config({ url: sink.url }), context());
    expect(result).toEqual({
      outcome: 'failed',
      reason: `HTTP 301: redirects are not followed; use the final URL (Location: ${sink.url}/moved)`,
      statusCode: 301,
      response: '',
    });
    expect(sink.requests.map((r) => r.path)).toEqual(['/']);
  });

  it('retries a slow target as overloaded when the connection timeout passes', async () => {
    sink.respondWith({ delayMs: 2000 });
    const result = await connector.deliver(
      sampleEvent(),
      config({ url: sink.url, timeoutMs: 150 }),
      context(),
    );
    expect(result).toEqual({
      outcome: 'retry',
      reason: 'timed out: no complete answer within 150 ms',
      overloaded: true,
    });
  });

  it('retries a reset connection', async () => {
    sink.respondWith({ reset: true });
    const result = await connector.deliver(sampleEvent(), config({ url: sink.url }), context());
    expect(result.outcome).toBe('retry');
    expect(result.outcome === 'retry' && result.reason.startsWith('connection failed: ')).toBe(
      true,
    );
  });

  it('fails with the guard message when the target is not allowed', async () => {
    const guarded = createHttpClient({ timeoutMs: 5000, allowList: [] });
    const result = await connector.deliver(
      sampleEvent(),
      config({ url: sink.url }),
      context({ http: guarded }),
    );
    await guarded.close();
    expect(result.outcome).toBe('failed');
    expect(result.outcome === 'failed' ? result.reason : '').toMatch(
      /^TARGET_NOT_ALLOWED: 127\.0\.0\.1 is a loopback address .*IPNHUB_OUTBOUND_ALLOW_LIST/,
    );
    expect(sink.requests).toEqual([]);
  });

  it('applies the mapping to build the body, still signed', async () => {
    const mapping = {
      event: 'event',
      'customer.email': 'buyer.email',
      'customer.name': '{buyer.firstName} {buyer.lastName}',
      amount_cents: 'order.amount',
      amount: '{order.amount|money}',
      product: 'product.productId',
    };
    const result = await connector.deliver(
      sampleEvent(),
      config({ url: sink.url, mapping }),
      context(),
    );
    expect(result.outcome).toBe('delivered');
    expect(sink.requests[0]?.verified).toBe(true);
    expect(sink.requests[0]?.json).toEqual({
      event: 'payment',
      customer: { email: 'anna.beispiel@example.com', name: 'Anna Beispiel' },
      amount_cents: 9700,
      amount: '97.00',
      product: '543210',
    });
  });

  it('sends the extra headers, without letting them replace its own', async () => {
    const result = await connector.deliver(
      sampleEvent(),
      config({ url: sink.url, headers: { Authorization: 'Bearer t0ken', 'X-Shop': 'demo' } }),
      context(),
    );
    expect(result.outcome).toBe('delivered');
    expect(sink.requests[0]?.headers.authorization).toBe('Bearer t0ken');
    expect(sink.requests[0]?.headers['x-shop']).toBe('demo');
    expect(sink.requests[0]?.verified).toBe(true);
  });

  it('tests the connection with a signed connection_test event', async () => {
    const result = await connector.testConnection(config({ url: sink.url }), testContext());
    expect(result).toEqual({
      ok: true,
      message: 'the endpoint accepted a signed test event (HTTP 200)',
    });
    const [request] = sink.requests;
    expect(request?.verified).toBe(true);
    expect(request?.headers['webhook-id']).toMatch(/^test_[0-9a-f]{24}$/);
    expect((request?.json as { type: string } | undefined)?.type).toBe('connection_test');
  });

  it('reports a failing connection test with the reason', async () => {
    sink.respondWith({ status: 404, body: 'no such hook' });
    const result = await connector.testConnection(config({ url: sink.url }), testContext());
    expect(result).toEqual({
      ok: false,
      message: 'the endpoint did not accept the test event: HTTP 404',
    });
  });
});

describe('webhook config schema', () => {
  it('generates a fresh secret when none is given, and keeps it out of the JSON Schema', () => {
    const a = connector.configSchema.parse({ url: 'https://example.com/hook' });
    const b = connector.configSchema.parse({ url: 'https://example.com/hook' });
    expect(a.secret).toMatch(/^whsec_/);
    expect(a.secret).not.toBe(b.secret);
    expect(a.headers).toEqual({});
    const schema = z.toJSONSchema(connector.configSchema, { io: 'input' }) as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    expect(schema.properties.secret).not.toHaveProperty('default');
    expect(schema.properties.secret?.writeOnly).toBe(true);
    expect(schema.properties.headers?.writeOnly).toBe(true);
    expect(schema.required).toEqual(['url']);
  });

  it.each([
    [{ url: 'ftp://example.com/' }, 'must be an http:// or https:// URL'],
    [
      { url: 'https://example.com/', secret: 'whsec_short' },
      'must be "whsec_" followed by the base64 of 24 to 64 bytes',
    ],
    [
      { url: 'https://example.com/', headers: { 'Content-Type': 'text/plain' } },
      '"Content-Type" is set by ipnhub and cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { 'webhook-id': 'x' } },
      '"webhook-id" is set by ipnhub and cannot be overridden',
    ],
    [
      { url: 'https://example.com/', headers: { 'bad header': 'x' } },
      '"bad header" is not a valid header name',
    ],
    [
      { url: 'https://example.com/', headers: { 'X-A': 'a\r\nX-Injected: 1' } },
      'the value of "X-A" must not contain line breaks',
    ],
    [
      { url: 'https://example.com/', mapping: { a: '{x|nope}' } },
      'target "a": {x|nope}: unknown filter "nope" (known: money, lower, upper, default)',
    ],
    [{ url: 'https://example.com/', timeoutMs: 10 }, 'Too small: expected number to be >=100'],
  ])('refuses %o', (input, message) => {
    const parsed = connector.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([message]);
  });
});
