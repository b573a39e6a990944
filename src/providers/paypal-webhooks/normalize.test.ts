import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../core/events.js';
import type { Normalized } from '../provider.js';
import { normalizePayPalWebhook } from './normalize.js';
import { parsePayPalEnvelope } from './parse-event.js';
import type { JsonObject } from './parse-event.js';
import { PAYPAL_WEBHOOK_SAMPLE_EVENTS, samplePayPalWebhookEvent } from './sample-events.js';
import type { PayPalWebhookSampleOverrides } from './sample-events.js';
import type { PayPalWebhookEventType } from './normalize.js';
import { loadPayPalWebhookVectors } from './test-support/vectors.js';

const live = { environment: 'live' } as const;

function normalize(
  body: string | JsonObject,
  environment: 'live' | 'sandbox' = 'live',
): Normalized {
  const parsed = parsePayPalEnvelope(
    Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8'),
  );
  if (!parsed.ok) throw new Error(parsed.reason);
  return normalizePayPalWebhook(parsed.envelope, { environment });
}

function events(body: string | JsonObject, environment: 'live' | 'sandbox' = 'live'): EventDraft[] {
  const result = normalize(body, environment);
  if (result.kind !== 'events')
    throw new Error(`expected events, got ${JSON.stringify(result).slice(0, 300)}`);
  return result.events;
}

function only(body: string | JsonObject): EventDraft {
  const [event, ...rest] = events(body);
  if (!event || rest.length > 0) throw new Error('expected exactly one event');
  return event;
}

function sample(
  type: PayPalWebhookEventType,
  overrides: PayPalWebhookSampleOverrides = {},
): JsonObject {
  return samplePayPalWebhookEvent(type, overrides);
}

const anna = {
  email: 'anna.beispiel@example.com',
  firstName: 'Anna',
  lastName: 'Beispiel',
  company: null,
  phone: null,
  address: {
    street: 'Musterstraße 5',
    street2: null,
    zipcode: '10115',
    city: 'Berlin',
    state: null,
    country: 'DE',
  },
  newsletterConsent: null,
  language: null,
};

describe('normalizePayPalWebhook: the real vectors', () => {
  const fixture = loadPayPalWebhookVectors();

  it('maps WH-03 (PAYMENT.SALE.COMPLETED, v1 sale with tax) completely', () => {
    const vector = fixture.vectors.find((v) => v.name === 'WH-03');
    if (!vector) throw new Error('WH-03 missing');
    const event = only(vector.body);
    expect(events(vector.body, 'sandbox')[0]?.test).toBe(true);
    expect({ ...event, raw: undefined }).toEqual({
      type: 'payment',
      occurredAt: '2016-09-21T22:00:45.000Z',
      test: false,
      order: {
        id: '80F85758S3080410K',
        transactionId: '80F85758S3080410K',
        parentTransactionId: null,
        billingType: 'single_payment',
        paySequenceNo: 0,
        currency: 'USD',
        amount: 2100,
        vat: 130,
        net: 1970,
        fee: 91,
        language: null,
        items: [],
        invoiceUrl: null,
        receiptUrl: null,
        nextPaymentAt: null,
        custom: null,
      },
      buyer: null,
      affiliate: null,
      subscription: null,
      raw: undefined,
      dedupKey: 'ppwh:WH-9UG43882HX7271132-6E0871324L7949614',
    });
    expect(event.raw['id']).toBe('WH-9UG43882HX7271132-6E0871324L7949614');
    expect(event.raw['resource.id']).toBe('80F85758S3080410K');
    expect(event.raw['resource.amount.details.tax']).toBe('1.30');
    expect(event.raw['resource.custom']).toBe('');
    expect(event.raw['resource.links.2.rel']).toBe('parent_payment');
    expect(event.raw['links.1.href']).toBe(
      'https://api.sandbox.paypal.com/v1/notifications/webhooks-events/WH-9UG43882HX7271132-6E0871324L7949614/resend',
    );
  });

  it('maps WH-01 and WH-02 to payments keyed by their event ids', () => {
    const mapped = fixture.vectors
      .slice(0, 2)
      .map((v) => only(v.body))
      .map((e) => [e.type, e.order?.id, e.order?.amount, e.order?.fee, e.dedupKey]);
    expect(mapped).toEqual([
      ['payment', '4EU7004268015634R', 2000, 88, 'ppwh:WH-0G2756385H040842W-5Y612302CV158622M'],
      ['payment', '7DW85331GX749735N', 2000, 88, 'ppwh:WH-2W7266712B616591M-36507203HX6402335'],
    ]);
  });
});

describe('normalizePayPalWebhook: every sample event type', () => {
  const expected: Record<PayPalWebhookEventType, unknown> = {
    'PAYMENT.CAPTURE.COMPLETED': [
      'payment',
      '3C679366HH908993F',
      '3C679366HH908993F',
      null,
      9700,
      null,
      'ppwh:capture:3C679366HH908993F:payment',
    ],
    'PAYMENT.CAPTURE.PENDING': [
      'payment_pending',
      '3C679366HH908993F',
      '3C679366HH908993F',
      null,
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-CAPTURE-PENDING',
    ],
    'PAYMENT.CAPTURE.DENIED': [
      'payment_denied',
      '3C679366HH908993F',
      '3C679366HH908993F',
      null,
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-CAPTURE-DENIED',
    ],
    'PAYMENT.CAPTURE.DECLINED': [
      'payment_denied',
      '3C679366HH908993F',
      '3C679366HH908993F',
      null,
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-CAPTURE-DECLINED',
    ],
    'PAYMENT.CAPTURE.REFUNDED': [
      'refund',
      '3C679366HH908993F',
      '1Y107995YT783435V',
      '3C679366HH908993F',
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-CAPTURE-REFUNDED',
    ],
    'PAYMENT.CAPTURE.REVERSED': [
      'chargeback',
      '3C679366HH908993F',
      '1Y107995YT783435V',
      '3C679366HH908993F',
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-CAPTURE-REVERSED',
    ],
    'PAYMENT.SALE.COMPLETED': [
      'payment',
      'I-BW452GLLEP1G',
      '80021663DE681814L',
      null,
      9700,
      { id: 'I-BW452GLLEP1G', status: 'active' },
      'ppwh:WH-SAMPLE-PAYMENT-SALE-COMPLETED',
    ],
    'PAYMENT.SALE.PENDING': [
      'payment_pending',
      'I-BW452GLLEP1G',
      '80021663DE681814L',
      null,
      9700,
      { id: 'I-BW452GLLEP1G', status: null },
      'ppwh:WH-SAMPLE-PAYMENT-SALE-PENDING',
    ],
    'PAYMENT.SALE.DENIED': [
      'payment_denied',
      'I-BW452GLLEP1G',
      '80021663DE681814L',
      null,
      9700,
      { id: 'I-BW452GLLEP1G', status: null },
      'ppwh:WH-SAMPLE-PAYMENT-SALE-DENIED',
    ],
    'PAYMENT.SALE.REFUNDED': [
      'refund',
      '80021663DE681814L',
      '1Y107995YT783435V',
      '80021663DE681814L',
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-SALE-REFUNDED',
    ],
    'PAYMENT.SALE.REVERSED': [
      'chargeback',
      '1Y107995YT783435V',
      '1Y107995YT783435V',
      null,
      9700,
      null,
      'ppwh:WH-SAMPLE-PAYMENT-SALE-REVERSED',
    ],
    'CHECKOUT.ORDER.APPROVED': [
      'order_approved',
      '5O190127TN364715T',
      null,
      null,
      9700,
      null,
      'ppwh:WH-SAMPLE-CHECKOUT-ORDER-APPROVED',
    ],
    'CHECKOUT.ORDER.COMPLETED': [
      'payment',
      '3C679366HH908993F',
      '3C679366HH908993F',
      null,
      9700,
      null,
      'ppwh:capture:3C679366HH908993F:payment',
    ],
    'BILLING.SUBSCRIPTION.CREATED':
      'ignored: subscription created with status APPROVAL_PENDING: it starts with BILLING.SUBSCRIPTION.ACTIVATED',
    'BILLING.SUBSCRIPTION.ACTIVATED': [
      'subscription_started',
      'I-BW452GLLEP1G',
      null,
      null,
      null,
      { id: 'I-BW452GLLEP1G', status: 'active' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-ACTIVATED',
    ],
    'BILLING.SUBSCRIPTION.CANCELLED': [
      'rebill_cancelled',
      'I-BW452GLLEP1G',
      null,
      null,
      null,
      { id: 'I-BW452GLLEP1G', status: 'cancelled' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-CANCELLED',
    ],
    'BILLING.SUBSCRIPTION.SUSPENDED': [
      'subscription_suspended',
      'I-BW452GLLEP1G',
      null,
      null,
      null,
      { id: 'I-BW452GLLEP1G', status: 'suspended' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-SUSPENDED',
    ],
    'BILLING.SUBSCRIPTION.EXPIRED': [
      'last_paid_day',
      'I-BW452GLLEP1G',
      null,
      null,
      null,
      { id: 'I-BW452GLLEP1G', status: 'ended' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-EXPIRED',
    ],
    'BILLING.SUBSCRIPTION.PAYMENT.FAILED': [
      'payment_missed',
      'I-BW452GLLEP1G',
      null,
      null,
      9700,
      { id: 'I-BW452GLLEP1G', status: 'active' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-PAYMENT-FAILED',
    ],
    'BILLING.SUBSCRIPTION.RE-ACTIVATED': [
      'rebill_resumed',
      'I-BW452GLLEP1G',
      null,
      null,
      null,
      { id: 'I-BW452GLLEP1G', status: 'active' },
      'ppwh:WH-SAMPLE-BILLING-SUBSCRIPTION-RE-ACTIVATED',
    ],
    'CUSTOMER.DISPUTE.CREATED':
      'ignored: an opened dispute moves no money by itself; a chargeback arrives as PAYMENT.CAPTURE.REVERSED or PAYMENT.SALE.REVERSED',
    'CUSTOMER.DISPUTE.RESOLVED': [
      'chargeback_reversed',
      '3C679366HH908993F',
      'PP-D-27803',
      '3C679366HH908993F',
      9700,
      null,
      'ppwh:WH-SAMPLE-CUSTOMER-DISPUTE-RESOLVED',
    ],
  };

  for (const type of PAYPAL_WEBHOOK_SAMPLE_EVENTS) {
    it(type, () => {
      const result = normalize(sample(type));
      if (result.kind === 'ignored') {
        expect(`ignored: ${result.reason}`).toBe(expected[type]);
        expect(result.fields['event_type']).toBe(type);
        return;
      }
      expect(result.kind).toBe('events');
      if (result.kind !== 'events') return;
      expect(result.events).toHaveLength(1);
      const [e] = result.events;
      expect([
        e?.type,
        e?.order?.id,
        e?.order?.transactionId,
        e?.order?.parentTransactionId,
        e?.order?.amount,
        e?.subscription,
        e?.dedupKey,
      ]).toEqual(expected[type]);
      expect(e?.occurredAt).toBe('2024-05-14T07:12:45.123Z');
      expect(e?.order?.currency).toBe('EUR');
    });
  }
});

describe('normalizePayPalWebhook: details', () => {
  it('maps a completed capture: fee from the receivable breakdown, custom_id, no buyer (captures carry none)', () => {
    const event = only(sample('PAYMENT.CAPTURE.COMPLETED'));
    expect(event.order).toEqual({
      id: '3C679366HH908993F',
      transactionId: '3C679366HH908993F',
      parentTransactionId: null,
      billingType: 'single_payment',
      paySequenceNo: 0,
      currency: 'EUR',
      amount: 9700,
      vat: null,
      net: null,
      fee: 277,
      language: null,
      items: [],
      invoiceUrl: null,
      receiptUrl: null,
      nextPaymentAt: null,
      custom: 'crm-42',
    });
    expect(event.buyer).toBe(null);
    expect(event.raw['resource.supplementary_data.related_ids.order_id']).toBe('5O190127TN364715T');
  });

  it('maps a completed checkout order to one payment per completed capture, with buyer, items and VAT', () => {
    const event = only(sample('CHECKOUT.ORDER.COMPLETED'));
    expect(event.buyer).toEqual({
      ...anna,
      address: {
        street: null,
        street2: null,
        zipcode: null,
        city: null,
        state: null,
        country: 'DE',
      },
    });
    expect(event.order?.items).toEqual([
      {
        productId: 'COURSE-FOCUS-12',
        name: 'Online course "Focus" (12 weeks)',
        quantity: 1,
        isAddon: false,
        amount: 8151,
      },
    ]);
    expect([event.order?.vat, event.order?.net, event.order?.fee]).toEqual([1549, 8151, 277]);
  });

  it('gives the capture event and the completed order the same dedup key, so one capture is one payment', () => {
    const capture = only(
      sample('PAYMENT.CAPTURE.COMPLETED', { eventId: 'WH-1', transactionId: '7TY' }),
    );
    const order = only(
      sample('CHECKOUT.ORDER.COMPLETED', { eventId: 'WH-2', transactionId: '7TY' }),
    );
    expect(capture.dedupKey).toBe('ppwh:capture:7TY:payment');
    expect(order.dedupKey).toBe(capture.dedupKey);
    expect(order.order?.id).toBe(capture.order?.id);
  });

  it('treats a completed order without a completed capture as approved, keyed by the checkout order', () => {
    const body = sample('CHECKOUT.ORDER.COMPLETED');
    const resource = body['resource'] as JsonObject;
    const units = resource['purchase_units'] as JsonObject[];
    const payments = units[0]?.['payments'] as { captures: JsonObject[] };
    payments.captures = payments.captures.map((c) => ({ ...c, status: 'PENDING' }));
    const event = only(body);
    expect([event.type, event.order?.id, event.order?.amount, event.dedupKey]).toEqual([
      'order_approved',
      '5O190127TN364715T',
      9700,
      'ppwh:WH-SAMPLE-CHECKOUT-ORDER-COMPLETED',
    ]);
  });

  it("lands a v2 refund on its capture's order via related_ids when there is no up link", () => {
    const body = sample('PAYMENT.CAPTURE.REFUNDED', { transactionId: 'CAP-1' });
    const resource = body['resource'] as JsonObject;
    resource['links'] = [];
    resource['supplementary_data'] = { related_ids: { capture_id: 'CAP-1' } };
    expect([only(body).order?.id, only(body).order?.parentTransactionId]).toEqual([
      'CAP-1',
      'CAP-1',
    ]);
  });

  it('maps a reversal that carries the capture itself', () => {
    const body = sample('PAYMENT.CAPTURE.COMPLETED', { transactionId: 'CAP-9' });
    body['event_type'] = 'PAYMENT.CAPTURE.REVERSED';
    const event = only(body);
    expect([
      event.type,
      event.order?.id,
      event.order?.transactionId,
      event.order?.parentTransactionId,
      event.order?.amount,
    ]).toEqual(['chargeback', 'CAP-9', null, 'CAP-9', 9700]);
  });

  it('keys a one-off v1 sale and its refund by the sale', () => {
    const payment = only(sample('PAYMENT.SALE.COMPLETED', { subscriptionSale: false }));
    const refund = only(sample('PAYMENT.SALE.REFUNDED', { subscriptionSale: false }));
    expect([payment.order?.id, payment.order?.billingType, payment.subscription]).toEqual([
      '80021663DE681814L',
      'single_payment',
      null,
    ]);
    expect([refund.order?.id, refund.order?.amount, refund.order?.fee]).toEqual([
      '80021663DE681814L',
      9700,
      242,
    ]);
  });

  it('maps the subscriber of a subscription event as the buyer, the plan as the product', () => {
    const event = only(sample('BILLING.SUBSCRIPTION.ACTIVATED'));
    expect(event.buyer).toEqual(anna);
    expect(event.order?.items).toEqual([
      {
        productId: 'P-5ML4271244454362WXNWU5NQ',
        name: null,
        quantity: 1,
        isAddon: false,
        amount: null,
      },
    ]);
    expect(event.order?.nextPaymentAt).toBe('2024-06-13');
  });

  it('starts a subscription created already active', () => {
    const event = only(sample('BILLING.SUBSCRIPTION.CREATED', { subscriptionStatus: 'ACTIVE' }));
    expect([event.type, event.subscription]).toEqual([
      'subscription_started',
      { id: 'I-BW452GLLEP1G', status: 'active' },
    ]);
  });

  it("ignores a dispute resolved in the buyer's favour", () => {
    const result = normalize(
      sample('CUSTOMER.DISPUTE.RESOLVED', { disputeOutcome: 'RESOLVED_BUYER_FAVOUR' }),
    );
    expect(result).toMatchObject({
      kind: 'ignored',
      reason:
        'dispute resolved with outcome RESOLVED_BUYER_FAVOUR: money returned to the buyer arrives as its own REVERSED or REFUNDED event',
    });
  });

  it('reverses the chargeback when PayPal paid the buyer itself', () => {
    expect(
      only(sample('CUSTOMER.DISPUTE.RESOLVED', { disputeOutcome: 'RESOLVED_WITH_PAYOUT' })).type,
    ).toBe('chargeback_reversed');
  });

  it("marks sandbox sources' events as test events", () => {
    expect(events(sample('PAYMENT.CAPTURE.COMPLETED'), 'sandbox')[0]?.test).toBe(true);
    expect(events(sample('PAYMENT.CAPTURE.COMPLETED'), 'live')[0]?.test).toBe(false);
  });

  it('uses null for a create_time that is not a real RFC 3339 time', () => {
    expect(
      only(sample('BILLING.SUBSCRIPTION.ACTIVATED', { createTime: '2018-19-12T22:20:32.000Z' }))
        .occurredAt,
    ).toBe(null);
  });

  it('ignores event types it does not handle, keeping the fields', () => {
    const body = { id: 'WH-7', event_type: 'BILLING.PLAN.CREATED', resource: { id: 'P-1' } };
    expect(
      normalizePayPalWebhook({ id: 'WH-7', eventType: 'BILLING.PLAN.CREATED', body }, live),
    ).toEqual({
      kind: 'ignored',
      reason: 'PayPal event "BILLING.PLAN.CREATED" is not handled',
      fields: { id: 'WH-7', event_type: 'BILLING.PLAN.CREATED', 'resource.id': 'P-1' },
    });
  });

  it('rejects a handled event without a resource or without the resource id', () => {
    expect(normalize({ id: 'WH-8', event_type: 'PAYMENT.CAPTURE.COMPLETED' })).toEqual({
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: 'PAYMENT.CAPTURE.COMPLETED has no resource object',
    });
    expect(
      normalize({
        id: 'WH-8',
        event_type: 'PAYMENT.CAPTURE.REFUNDED',
        resource: { amount: { value: '1.00', currency_code: 'EUR' } },
      }),
    ).toEqual({
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: 'resource has no id for PAYMENT.CAPTURE.REFUNDED',
    });
  });
});
