import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { paypalApiBase, paypalWebhooksConfigSchema } from './config.js';
import type { PayPalWebhooksConfig } from './config.js';
import { paypalWebhooksProvider } from './paypal-webhooks-provider.js';
import { samplePayPalWebhookEvent } from './sample-events.js';
import { webhookRequest } from './test-support/vectors.js';

const provider = paypalWebhooksProvider();
const config: PayPalWebhooksConfig = {
  webhookId: '5GP028458E2496506',
  environment: 'live',
  verification: 'local',
};
/** A completed capture; `normalize` reads the body only, so it needs no signature. */
const capture = webhookRequest(
  JSON.stringify(samplePayPalWebhookEvent('PAYMENT.CAPTURE.COMPLETED')),
  {},
);

describe('paypalWebhooksProvider', () => {
  it('describes itself', () => {
    expect(provider.id).toBe('paypal-webhooks');
    expect(provider.displayName).toBe('PayPal webhooks');
    expect(provider.contentTypes).toEqual(['application/json']);
    expect(provider.secretFields).toEqual(['clientSecret']);
  });

  describe('config', () => {
    it('fills in the defaults: live, local verification', () => {
      expect(paypalWebhooksConfigSchema.parse({ webhookId: ' 4JH86294D6297924G ' })).toEqual({
        webhookId: '4JH86294D6297924G',
        environment: 'live',
        verification: 'local',
      });
    });

    it('requires client ID and secret for API verification', () => {
      const result = paypalWebhooksConfigSchema.safeParse({ webhookId: 'X1', verification: 'api' });
      expect(result.success).toBe(false);
      if (!result.success) {
        expect(result.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
          ['clientId', 'is required when verification is "api"'],
          ['clientSecret', 'is required when verification is "api"'],
        ]);
      }
      expect(
        paypalWebhooksConfigSchema.safeParse({
          webhookId: 'X1',
          verification: 'api',
          clientId: 'id',
          clientSecret: 'secret',
        }).success,
      ).toBe(true);
    });

    it('refuses webhook IDs that would break the signed string, and non-HTTP base URLs', () => {
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: 'A|B' }).success).toBe(false);
      expect(paypalWebhooksConfigSchema.safeParse({ webhookId: '' }).success).toBe(false);
      expect(
        paypalWebhooksConfigSchema.safeParse({ webhookId: 'A', apiBaseUrl: 'ftp://127.0.0.1/' })
          .success,
      ).toBe(false);
      expect(
        paypalWebhooksConfigSchema.safeParse({ webhookId: 'A', environment: 'test' }).success,
      ).toBe(false);
    });

    it('publishes a labelled JSON Schema with the secret write-only', () => {
      const schema = z.toJSONSchema(provider.configSchema);
      expect(schema.required).toEqual(['webhookId', 'environment', 'verification']);
      const properties = (schema.properties ?? {}) as Record<
        string,
        { title?: string; description?: string; writeOnly?: boolean }
      >;
      expect(Object.keys(properties)).toEqual([
        'webhookId',
        'environment',
        'verification',
        'clientId',
        'clientSecret',
        'apiBaseUrl',
      ]);
      for (const [name, property] of Object.entries(properties)) {
        expect(property.title, name).toBeTruthy();
        expect(property.description, name).toBeTruthy();
      }
      expect(properties['clientSecret']?.writeOnly).toBe(true);
      expect(properties['clientId']?.writeOnly).toBe(undefined);
    });

    it('picks the API base by environment unless overridden', () => {
      expect(paypalApiBase({ environment: 'live' })).toBe('https://api-m.paypal.com');
      expect(paypalApiBase({ environment: 'sandbox' })).toBe('https://api-m.sandbox.paypal.com');
      expect(
        paypalApiBase({ environment: 'live', apiBaseUrl: 'http://127.0.0.1:7000/paypal/' }),
      ).toBe('http://127.0.0.1:7000/paypal');
    });
  });

  describe('normalize', () => {
    it('normalizes a signed sample', () => {
      const result = provider.normalize(capture, config);
      expect(result.kind).toBe('events');
      if (result.kind === 'events')
        expect(result.events.map((e) => [e.type, e.dedupKey, e.order?.amount])).toEqual([
          ['payment', 'ppwh:capture:3C679366HH908993F:payment', 9700],
        ]);
    });

    const malformed: Array<[string, Buffer, string]> = [
      ['not JSON', Buffer.from('id=WH-1&event_type=X'), 'the body is not JSON: '],
      ['a JSON array', Buffer.from('[{"id":"WH-1"}]'), 'the body is not a JSON object'],
      [
        'no id',
        Buffer.from('{"event_type":"PAYMENT.CAPTURE.COMPLETED"}'),
        'the event has no string "id"',
      ],
      [
        'an empty id',
        Buffer.from('{"id":"","event_type":"PAYMENT.CAPTURE.COMPLETED"}'),
        'the event has no string "id"',
      ],
      ['no event_type', Buffer.from('{"id":"WH-1"}'), 'the event has no string "event_type"'],
      ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'the body is not valid UTF-8'],
    ];
    for (const [label, body, reason] of malformed) {
      it(`rejects ${label} as MALFORMED_JSON`, () => {
        const result = provider.normalize({ ...capture, rawBody: body }, config);
        expect(result).toMatchObject({ kind: 'invalid', code: 'MALFORMED_JSON' });
        if (result.kind === 'invalid') expect(result.reason.startsWith(reason)).toBe(true);
      });
    }
  });

  describe('acknowledge', () => {
    const empty = { status: 200, contentType: 'text/plain; charset=utf-8', body: '' };

    it('answers an empty 200 to everything stored', () => {
      expect(provider.acknowledge({ kind: 'accepted', eventIds: ['evt_1'] })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'duplicate' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'ignored', reason: 'not handled' })).toEqual(empty);
      expect(provider.acknowledge({ kind: 'pending' })).toEqual(empty);
    });

    it('answers a rejection with its status and a JSON error', () => {
      expect(
        provider.acknowledge({
          kind: 'rejected',
          code: 'SIGNATURE_INVALID',
          reason: 'no match',
          status: 403,
        }),
      ).toEqual({
        status: 403,
        contentType: 'application/json; charset=utf-8',
        body: '{"error":{"code":"SIGNATURE_INVALID","message":"no match"}}',
      });
    });

    it('asks PayPal to retry when verification was unavailable or storing failed', () => {
      expect(
        provider.acknowledge({
          kind: 'rejected',
          code: 'VERIFICATION_UNAVAILABLE',
          reason: 'certificate host down',
          status: 400,
        }).status,
      ).toBe(503);
      expect(provider.acknowledge({ kind: 'error' })).toEqual({
        status: 500,
        contentType: 'application/json; charset=utf-8',
        body: '{"error":{"code":"INGEST_FAILED","message":"temporary failure, please retry"}}',
      });
    });
  });
});
