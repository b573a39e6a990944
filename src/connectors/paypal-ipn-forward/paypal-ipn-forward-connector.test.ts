import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookSink } from '../../../test/fakes/webhook-sink.js';
import type { WebhookSink } from '../../../test/fakes/webhook-sink.js';
import { sampleEvent } from '../sample-event.js';
import {
  connector,
  context,
  http,
  IPN_BODY,
  paypalEvent,
  testContext,
} from './test-support/contract-harness.js';

afterAll(async () => {
  await http.close();
});

describe('paypal-ipn-forward connector', () => {
  let sink: WebhookSink;

  beforeAll(async () => {
    sink = await startWebhookSink();
  });
  afterAll(async () => sink.close());

  it('re-posts the body byte for byte with its original content type', async () => {
    const ctx = context();
    const result = await connector.deliver(
      paypalEvent(),
      { url: `${sink.url}/ipn-listener.php` },
      ctx,
    );
    expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
    const received = sink.requests.find(
      (r) => r.headers['x-ipnhub-delivery-id'] === ctx.deliveryId,
    );
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/ipn-listener.php');
    expect(received?.headers['content-type']).toBe(
      'application/x-www-form-urlencoded; charset=windows-1252',
    );
    expect(received?.rawBody.toString('hex')).toBe(IPN_BODY.toString('hex'));
  });

  it('skips events from other providers', async () => {
    const before = sink.requests.length;
    const result = await connector.deliver(
      sampleEvent('payment'),
      { url: `${sink.url}/x` },
      context(),
    );
    expect(result).toEqual({
      outcome: 'skipped',
      reason: 'not a PayPal IPN (source provider digistore24)',
    });
    expect(sink.requests).toHaveLength(before);
  });

  it('fails when the original request is gone', async () => {
    const result = await connector.deliver(
      paypalEvent(),
      { url: `${sink.url}/x` },
      context({ originalRequest: async () => null }),
    );
    expect(result).toEqual({
      outcome: 'failed',
      reason: 'the original IPN is no longer stored, so it cannot be forwarded',
    });
  });

  it('retries when the listener answers 500 and fails on 404', async () => {
    sink.respondWith({ status: 500 }, { status: 404 });
    expect(
      (await connector.deliver(paypalEvent(), { url: `${sink.url}/x` }, context())).outcome,
    ).toBe('retry');
    expect(
      await connector.deliver(paypalEvent(), { url: `${sink.url}/x` }, context()),
    ).toMatchObject({ outcome: 'failed', statusCode: 404 });
  });

  it('tests the listener with a GET, which changes nothing', async () => {
    const before = sink.requests.length;
    sink.respondWith({ status: 405 });
    expect(await connector.testConnection({ url: `${sink.url}/x` }, testContext())).toEqual({
      ok: true,
      message: 'the listener is reachable (HTTP 405 to a GET)',
    });
    expect(sink.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
    sink.respondWith({ status: 503 });
    expect(await connector.testConnection({ url: `${sink.url}/x` }, testContext())).toEqual({
      ok: false,
      message: 'the listener answers HTTP 503',
    });
  });
});
