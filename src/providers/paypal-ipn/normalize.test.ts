import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../core/events.js';
import type { Normalized } from '../provider.js';
import type { PayPalIpnConfig } from './config.js';
import { parseIpnBody } from './ipn-body.js';
import { normalizePayPalIpn } from './normalize.js';
import { encodePayPalIpnBody, samplePayPalIpnFields } from './sample-messages.js';
import type { PayPalIpnSampleOverrides } from './sample-messages.js';
import {
  LIVE_CONFIG,
  configFor,
  fixtureBody,
  fixtureNamed,
  loadPayPalIpnFixtures,
} from './test-support/ipn-fixtures.js';

const fixtures = loadPayPalIpnFixtures();

function fieldsOf(body: Buffer): Record<string, string> {
  const parsed = parseIpnBody(body);
  if (!parsed.ok) throw new Error(`${parsed.code}: ${parsed.reason}`);
  return parsed.fields;
}

function normalizeFixture(name: string, config?: PayPalIpnConfig): Normalized {
  const fixture = fixtureNamed(fixtures, name);
  return normalizePayPalIpn(fieldsOf(fixtureBody(fixture)), config ?? configFor(fixture));
}

function eventOf(result: Normalized): EventDraft {
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  expect(result.events.length).toBe(1);
  const [event] = result.events;
  if (!event) throw new Error('no event');
  return event;
}

function fixtureEvent(name: string): EventDraft {
  return eventOf(normalizeFixture(name));
}

function sample(
  kind: string,
  overrides: PayPalIpnSampleOverrides = {},
  config: PayPalIpnConfig = LIVE_CONFIG,
): Normalized {
  return normalizePayPalIpn(
    fieldsOf(
      encodePayPalIpnBody(
        samplePayPalIpnFields(kind, overrides),
        overrides.charset ?? 'windows-1252',
      ),
    ),
    config,
  );
}

function withFields(
  name: string,
  change: (fields: Record<string, string>) => void,
  config?: PayPalIpnConfig,
): Normalized {
  const fixture = fixtureNamed(fixtures, name);
  const fields = { ...fieldsOf(fixtureBody(fixture)) };
  change(fields);
  return normalizePayPalIpn(fields, config ?? configFor(fixture));
}

describe('normalizePayPalIpn', () => {
  it('maps a windows-1252 Buy Now payment completely', () => {
    const fixture = fixtureNamed(fixtures, 'web-accept-windows-1252');
    const event = fixtureEvent('web-accept-windows-1252');
    expect(event).toEqual({
      type: 'payment',
      occurredAt: '2024-05-14T17:15:02.000Z',
      test: false,
      order: {
        id: '61E67681CH3238416',
        transactionId: '61E67681CH3238416',
        parentTransactionId: null,
        billingType: 'single_payment',
        paySequenceNo: 0,
        currency: 'EUR',
        amount: 1999,
        vat: 0,
        net: null,
        fee: 85,
        language: null,
        items: [
          {
            productId: 'course-basic',
            name: 'Online-Kurs – Preis 19 €',
            quantity: 1,
            isAddon: false,
            amount: 1999,
          },
        ],
        invoiceUrl: null,
        receiptUrl: null,
        nextPaymentAt: null,
        custom: 'website_id=13&user_id=21',
      },
      buyer: {
        email: 'joerg.mueller@example.com',
        firstName: 'Jörg',
        lastName: 'Müller',
        company: null,
        phone: null,
        address: {
          street: 'Hauptstraße 12',
          street2: null,
          zipcode: '50667',
          city: 'Köln',
          state: null,
          country: 'DE',
        },
        newsletterConsent: null,
        language: null,
      },
      affiliate: null,
      subscription: null,
      raw: { ...fieldsOf(fixtureBody(fixture)) },
      dedupKey: 'pp:txn:61E67681CH3238416:Completed',
    });
    expect(Object.keys(event.raw).length).toBe(fixture.body.split('&').length);
  });

  it('maps a UTF-8 payment with company, phone, a second street line and a PST date', () => {
    const event = fixtureEvent('web-accept-utf-8');
    expect(event.occurredAt).toBe('2024-02-03T07:04:06.000Z');
    expect(event.buyer).toEqual({
      email: 'j.mueller@example.org',
      firstName: 'Jörg',
      lastName: 'Müller',
      company: 'Müller & Söhne GmbH',
      phone: '+49 221 123456',
      address: {
        street: 'Hauptstraße 12',
        street2: 'Hinterhaus',
        zipcode: '50667',
        city: 'Köln',
        state: 'NRW',
        country: 'DE',
      },
      newsletterConsent: null,
      language: null,
    });
    expect(event.order).toMatchObject({
      currency: 'USD',
      amount: 1200,
      vat: 191,
      fee: 64,
      custom: null,
    });
    expect(event.order?.items).toEqual([
      {
        productId: 'ebook-praxis',
        name: 'E-Book „Praxis“ € Edition',
        quantity: 1,
        isAddon: false,
        amount: 1200,
      },
    ]);
  });

  it('marks sandbox messages as test events', () => {
    const event = fixtureEvent('express-checkout-no-charset');
    expect(event).toMatchObject({
      type: 'payment',
      test: true,
      occurredAt: '2009-02-03T07:04:06.000Z',
    });
    expect(event.buyer?.firstName).toBe('Jörg');
    // No item_number and an empty item_name: the message names no item.
    expect(event.order?.items).toEqual([]);
  });

  it('maps cart lines with their quantities and gross', () => {
    expect(fixtureEvent('cart-two-items').order?.items).toEqual([
      {
        productId: 'course-basic',
        name: 'Online-Kurs Basis',
        quantity: 1,
        isAddon: false,
        amount: 1999,
      },
      {
        productId: 'workbook-pdf',
        name: 'Arbeitsbuch (PDF) – “Praxis”',
        quantity: 1,
        isAddon: false,
        amount: 900,
      },
    ]);
    const three = fixtureEvent('cart-three-items');
    expect(three.order?.amount).toBe(4299);
    expect(three.order?.items).toEqual([
      {
        productId: 'course-basic',
        name: 'Online-Kurs Basis',
        quantity: 1,
        isAddon: false,
        amount: 1999,
      },
      {
        productId: 'workbook-pdf',
        name: 'Arbeitsbuch (PDF)',
        quantity: 2,
        isAddon: false,
        amount: 1800,
      },
      {
        productId: 'Bonus-Webinar',
        name: 'Bonus-Webinar',
        quantity: 1,
        isAddon: false,
        amount: 500,
      },
    ]);
  });

  describe('maps every fixture', () => {
    const rows: Array<
      [
        fixture: string,
        type: string,
        orderId: string,
        txn: string | null,
        parent: string | null,
        amount: number | null,
        occurredAt: string | null,
        dedupKey: string,
      ]
    > = [
      [
        'web-accept-windows-1252',
        'payment',
        '61E67681CH3238416',
        '61E67681CH3238416',
        null,
        1999,
        '2024-05-14T17:15:02.000Z',
        'pp:txn:61E67681CH3238416:Completed',
      ],
      [
        'cart-two-items',
        'payment',
        '8RT24956LC1702412',
        '8RT24956LC1702412',
        null,
        2899,
        '2024-05-14T18:02:17.000Z',
        'pp:txn:8RT24956LC1702412:Completed',
      ],
      [
        'subscr-signup',
        'subscription_started',
        'I-8XJ5R2NPKW3Q',
        null,
        null,
        null,
        '2024-05-14T17:14:58.000Z',
        'pp:profile:I-8XJ5R2NPKW3Q:subscr_signup:10:14:58 May 14, 2024 PDT',
      ],
      [
        'subscr-payment',
        'payment',
        'I-8XJ5R2NPKW3Q',
        '3KD92741YH556204M',
        null,
        990,
        '2024-05-14T17:15:40.000Z',
        'pp:txn:3KD92741YH556204M:Completed',
      ],
      [
        'subscr-cancel',
        'rebill_cancelled',
        'I-8XJ5R2NPKW3Q',
        null,
        null,
        null,
        '2024-06-03T01:03:11.000Z',
        'pp:profile:I-8XJ5R2NPKW3Q:subscr_cancel:18:03:11 Jun 02, 2024 PDT',
      ],
      [
        'subscr-eot',
        'last_paid_day',
        'I-8XJ5R2NPKW3Q',
        null,
        null,
        null,
        null,
        'pp:profile:I-8XJ5R2NPKW3Q:subscr_eot:',
      ],
      [
        'subscr-failed',
        'payment_missed',
        'I-8XJ5R2NPKW3Q',
        null,
        null,
        990,
        '2024-06-14T10:12:40.000Z',
        'pp:profile:I-8XJ5R2NPKW3Q:subscr_failed:03:00:00 Jun 17, 2024 PDT',
      ],
      [
        'recurring-payment',
        'payment',
        'I-C7PXW4M2HB9T',
        '9TT32013VN872093K',
        null,
        2900,
        '2024-06-14T10:04:11.000Z',
        'pp:txn:9TT32013VN872093K:Completed',
      ],
      [
        'recurring-payment-profile-created',
        'subscription_started',
        'I-C7PXW4M2HB9T',
        null,
        null,
        null,
        '2024-03-14T16:58:21.000Z',
        'pp:profile:I-C7PXW4M2HB9T:recurring_payment_profile_created:09:58:21 Mar 14, 2024 PDT',
      ],
      [
        'recurring-payment-profile-cancel',
        'rebill_cancelled',
        'I-C7PXW4M2HB9T',
        null,
        null,
        null,
        null,
        'pp:profile:I-C7PXW4M2HB9T:recurring_payment_profile_cancel:',
      ],
      [
        'recurring-payment-skipped',
        'payment_missed',
        'I-C7PXW4M2HB9T',
        null,
        null,
        null,
        '2024-06-14T10:04:11.000Z',
        'pp:profile:I-C7PXW4M2HB9T:recurring_payment_skipped:03:04:11 Jun 14, 2024 PDT',
      ],
      [
        'recurring-payment-suspended-max-failed',
        'subscription_suspended',
        'I-C7PXW4M2HB9T',
        null,
        null,
        null,
        '2024-07-24T10:04:11.000Z',
        'pp:profile:I-C7PXW4M2HB9T:recurring_payment_suspended_due_to_max_failed_payment:03:04:11 Jul 24, 2024 PDT',
      ],
      [
        'refund-full',
        'refund',
        '61E67681CH3238416',
        '1P566839F9694230H',
        '61E67681CH3238416',
        1999,
        '2024-05-20T11:22:31.000Z',
        'pp:txn:1P566839F9694230H:Refunded',
      ],
      [
        'refund-partial',
        'refund',
        '61E67681CH3238416',
        '2RX71204KJ9958331',
        '61E67681CH3238416',
        500,
        '2024-05-21T16:41:12.000Z',
        'pp:txn:2RX71204KJ9958331:Refunded',
      ],
      [
        'reversal',
        'chargeback',
        '61E67681CH3238416',
        '9AB12345CD6789012',
        '61E67681CH3238416',
        1999,
        '2024-05-23T22:07:44.000Z',
        'pp:txn:9AB12345CD6789012:Reversed',
      ],
      [
        'canceled-reversal',
        'chargeback_reversed',
        '61E67681CH3238416',
        '4CR55102MN7730294',
        '61E67681CH3238416',
        1999,
        '2024-06-10T15:30:00.000Z',
        'pp:txn:4CR55102MN7730294:Canceled_Reversal',
      ],
      [
        'pending-echeck',
        'payment_pending',
        '5EC12345AB6789012',
        '5EC12345AB6789012',
        null,
        1999,
        '2024-05-14T19:00:01.000Z',
        'pp:txn:5EC12345AB6789012:Pending',
      ],
      [
        'completed-echeck',
        'payment',
        '5EC12345AB6789012',
        '5EC12345AB6789012',
        null,
        1999,
        '2024-05-20T13:15:30.000Z',
        'pp:txn:5EC12345AB6789012:Completed',
      ],
      [
        'denied',
        'payment_denied',
        '5EC12345AB6789012',
        '5EC12345AB6789012',
        null,
        1999,
        '2024-05-20T13:15:30.000Z',
        'pp:txn:5EC12345AB6789012:Denied',
      ],
    ];
    for (const [name, type, orderId, txn, parent, amount, occurredAt, dedupKey] of rows) {
      it(name, () => {
        const event = fixtureEvent(name);
        expect(event.type).toBe(type);
        expect(event.order).toMatchObject({
          id: orderId,
          transactionId: txn,
          parentTransactionId: parent,
          amount,
        });
        expect(event.occurredAt).toBe(occurredAt);
        expect(event.dedupKey).toBe(dedupKey);
      });
    }
  });

  it('keeps subscription payments and lifecycle messages on the subscription order, with its status', () => {
    const statuses = [
      'subscr-signup',
      'subscr-payment',
      'subscr-cancel',
      'subscr-eot',
      'subscr-failed',
    ].map((name) => {
      const event = fixtureEvent(name);
      expect(event.order).toMatchObject({
        id: 'I-8XJ5R2NPKW3Q',
        billingType: 'subscription',
        paySequenceNo: null,
      });
      expect(event.order?.items.map((item) => item.productId)).toEqual(['membership-monthly']);
      return event.subscription;
    });
    expect(statuses).toEqual([
      { id: 'I-8XJ5R2NPKW3Q', status: 'active' },
      { id: 'I-8XJ5R2NPKW3Q', status: 'active' },
      { id: 'I-8XJ5R2NPKW3Q', status: 'cancelled' },
      { id: 'I-8XJ5R2NPKW3Q', status: 'ended' },
      { id: 'I-8XJ5R2NPKW3Q', status: 'suspended' },
    ]);
  });

  it('maps recurring profiles by product_name, with the next due day and the currency_code', () => {
    const payment = fixtureEvent('recurring-payment');
    expect(payment.order).toMatchObject({
      billingType: 'subscription',
      currency: 'EUR',
      nextPaymentAt: '2024-07-14',
      fee: 107,
    });
    expect(payment.order?.items).toEqual([
      {
        productId: 'Pro-Abo (monatlich)',
        name: 'Pro-Abo (monatlich)',
        quantity: 1,
        isAddon: false,
        amount: 2900,
      },
    ]);
    const created = fixtureEvent('recurring-payment-profile-created');
    expect(created.order).toMatchObject({ currency: 'EUR', amount: null, transactionId: null });
    expect(created.order?.items[0]?.amount).toBe(null);
    expect(fixtureEvent('recurring-payment-profile-cancel').subscription).toEqual({
      id: 'I-C7PXW4M2HB9T',
      status: 'cancelled',
    });
  });

  it('carries refunds and reversals as positive amounts and fees, items without a price', () => {
    for (const name of ['refund-full', 'refund-partial', 'reversal']) {
      const order = fixtureEvent(name).order;
      expect(order?.amount, name).toBeGreaterThan(0);
      expect(order?.fee, name).toBeGreaterThan(0);
      expect(order?.items, name).toEqual([
        {
          productId: 'course-basic',
          name: 'Online-Kurs – Preis 19 €',
          quantity: 1,
          isAddon: false,
          amount: null,
        },
      ]);
    }
    expect(fixtureEvent('refund-partial').order).toMatchObject({ amount: 500, fee: 12 });
  });

  it('maps each txn_type and status of the simulator samples', () => {
    const expected: Record<string, string> = {
      web_accept: 'payment',
      cart: 'payment',
      express_checkout: 'payment',
      send_money: 'payment',
      virtual_terminal: 'payment',
      pending: 'payment_pending',
      denied: 'payment_denied',
      failed: 'payment_denied',
      refund: 'refund',
      partial_refund: 'refund',
      reversal: 'chargeback',
      canceled_reversal: 'chargeback_reversed',
      subscr_signup: 'subscription_started',
      subscr_payment: 'payment',
      subscr_cancel: 'rebill_cancelled',
      subscr_eot: 'last_paid_day',
      subscr_failed: 'payment_missed',
      subscr_suspended: 'subscription_suspended',
      recurring_payment: 'payment',
      recurring_payment_profile_created: 'subscription_started',
      recurring_payment_profile_cancel: 'rebill_cancelled',
      recurring_payment_expired: 'last_paid_day',
      recurring_payment_failed: 'payment_missed',
      recurring_payment_skipped: 'payment_missed',
      recurring_payment_suspended: 'subscription_suspended',
      recurring_payment_suspended_due_to_max_failed_payment: 'subscription_suspended',
      pro_hosted: 'payment',
      paypal_here: 'payment',
    };
    for (const [kind, type] of Object.entries(expected))
      expect(eventOf(sample(kind)).type, kind).toBe(type);
  });

  it('maps the other payment statuses', () => {
    const statuses: Record<string, string> = {
      Created: 'payment',
      Expired: 'payment_denied',
      Voided: 'payment_denied',
      Declined: 'payment_denied',
    };
    for (const [status, type] of Object.entries(statuses)) {
      expect(
        eventOf(sample('web_accept', { fields: { payment_status: status } })).type,
        status,
      ).toBe(type);
    }
  });

  describe('ignores what it does not act on, with the fields', () => {
    it('a dispute being opened', () => {
      const result = normalizeFixture('new-case');
      expect(result).toMatchObject({
        kind: 'ignored',
        fields: { case_id: 'PP-D-27803', txn_type: 'new_case' },
      });
      if (result.kind === 'ignored')
        expect(result.reason).toMatch(/^txn_type new_case: a buyer opened a PayPal case/);
    });

    it('an unknown txn_type or payment_status that reports no money', () => {
      expect(
        withFields('unknown-txn-type', (f) => {
          delete f['mc_gross'];
          delete f['payment_status'];
        }),
      ).toMatchObject({ kind: 'ignored', reason: 'txn_type "future_payment_kind" is not handled' });
      expect(
        sample('web_accept', { fields: { payment_status: 'Processed', mc_gross: '0.00' } }),
      ).toMatchObject({ kind: 'ignored', reason: 'payment_status "Processed" is not handled' });
    });

    it('known types that are never a buyer payment, also when they report money', () => {
      for (const kind of ['subscr_modify', 'masspay', 'merch_pmt', 'mp_cancel']) {
        expect(sample(kind).kind, kind).toBe('ignored');
      }
      expect(sample('masspay').kind).toBe('ignored');
    });

    it('without checking the receiver', () => {
      expect(
        normalizeFixture('new-case', {
          environment: 'live',
          receiverEmail: 'someone.else@example.com',
        }).kind,
      ).toBe('ignored');
    });
  });

  describe('takes a payment state without txn_type as the payment it reports', () => {
    it('Completed, Pending and Denied without txn_type become payment events on their own transaction', () => {
      const statuses: Record<string, string> = {
        Completed: 'payment',
        Created: 'payment',
        Pending: 'payment_pending',
        Denied: 'payment_denied',
      };
      for (const [status, type] of Object.entries(statuses)) {
        const event = eventOf(
          withFields('web-accept-windows-1252', (f) => {
            delete f['txn_type'];
            f['payment_status'] = status;
          }),
        );
        expect([event.type, event.order?.id, event.order?.amount, event.dedupKey], status).toEqual([
          type,
          '61E67681CH3238416',
          1999,
          `pp:txn:61E67681CH3238416:${status}`,
        ]);
      }
    });

    it('but not one that names a parent transaction or a negative amount: that is held for review', () => {
      expect(
        withFields('refund-full', (f) => {
          f['payment_status'] = 'Completed';
        }),
      ).toEqual({
        kind: 'held',
        code: null,
        reason:
          'payment_status Completed without txn_type names a parent transaction or a negative amount; it is not a payment',
      });
    });
  });

  describe('holds what reports money but cannot become an event, after the account checks', () => {
    it('an unknown txn_type with money', () => {
      expect(normalizeFixture('unknown-txn-type')).toEqual({
        kind: 'held',
        code: null,
        reason: 'txn_type "future_payment_kind" is not handled',
      });
    });

    it('an unknown payment_status with money', () => {
      expect(sample('web_accept', { fields: { payment_status: 'Processed' } })).toEqual({
        kind: 'held',
        code: null,
        reason: 'payment_status "Processed" is not handled',
      });
    });

    it('a settled case (adjustment), which may move money either way', () => {
      expect(sample('adjustment')).toMatchObject({
        kind: 'held',
        code: null,
        reason: expect.stringMatching(/^txn_type adjustment: a PayPal case was settled/),
      });
    });

    it('a payment or refund missing the field that ties it to an order', () => {
      expect(
        withFields('web-accept-windows-1252', (f) => {
          f['txn_id'] = '';
        }),
      ).toEqual({
        kind: 'held',
        code: 'MISSING_FIELD',
        reason: 'txn_id is missing for payment_status Completed',
      });
      expect(
        withFields('web-accept-windows-1252', (f) => {
          delete f['payment_status'];
        }),
      ).toEqual({
        kind: 'held',
        code: 'MISSING_FIELD',
        reason: 'payment_status is missing for txn_type web_accept',
      });
      expect(
        withFields('refund-full', (f) => {
          delete f['parent_txn_id'];
        }),
      ).toEqual({
        kind: 'held',
        code: 'MISSING_FIELD',
        reason: 'parent_txn_id is missing for payment_status Refunded',
      });
    });

    it('not when the money is on another account or a sandbox message reached a live source', () => {
      expect(
        normalizeFixture('unknown-txn-type', {
          environment: 'live',
          receiverEmail: 'someone.else@example.com',
        }),
      ).toMatchObject({ kind: 'invalid', code: 'RECEIVER_MISMATCH' });
      expect(sample('adjustment', { test: true })).toMatchObject({
        kind: 'invalid',
        code: 'TEST_MESSAGE_ON_LIVE_SOURCE',
      });
    });
  });

  describe('records money messages without txn_id on their subscription', () => {
    it('a recurring payment or subscription payment without txn_id is a payment of its profile', () => {
      for (const [name, profile] of [
        ['recurring-payment', 'recurring_payment_id'],
        ['subscr-payment', 'subscr_id'],
      ] as const) {
        const fixture = fieldsOf(fixtureBody(fixtureNamed(fixtures, name)));
        const event = eventOf(
          withFields(name, (f) => {
            delete f['txn_id'];
          }),
        );
        expect(event.type, name).toBe('payment');
        expect(event.order?.id, name).toBe(fixture[profile]);
        expect(event.order?.transactionId, name).toBeNull();
        expect(event.dedupKey, name).toMatch(/^pp:notxn:[0-9a-f]{32}$/);
      }
    });

    it('a refund without txn_id or parent_txn_id that names its subscription is a refund of it', () => {
      const event = eventOf(
        sample('refund', {
          fields: { txn_id: '', parent_txn_id: '', subscr_id: 'I-8XJ5R2NPKW3Q' },
        }),
      );
      expect([event.type, event.order?.id, event.dedupKey.startsWith('pp:notxn:')]).toEqual([
        'refund',
        'I-8XJ5R2NPKW3Q',
        true,
      ]);
    });
  });

  describe('rejects incomplete messages that report no money as MISSING_FIELD', () => {
    it('neither txn_type nor payment_status', () => {
      expect(normalizePayPalIpn({ first_name: 'x' }, LIVE_CONFIG)).toEqual({
        kind: 'invalid',
        code: 'MISSING_FIELD',
        reason: 'txn_type is missing: not a PayPal IPN',
      });
    });

    it('a subscription message without a profile id', () => {
      expect(
        withFields('subscr-eot', (f) => {
          delete f['subscr_id'];
        }),
      ).toEqual({
        kind: 'invalid',
        code: 'MISSING_FIELD',
        reason: 'subscr_id or recurring_payment_id is missing for txn_type subscr_eot',
      });
    });
  });

  describe('receiver check', () => {
    const ok = (result: Normalized) => expect(result.kind).toBe('events');

    it('compares receiver_email trimmed and case-insensitively', () => {
      ok(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverEmail: 'Seller@Example.COM',
        }),
      );
      ok(
        withFields(
          'web-accept-windows-1252',
          (f) => {
            f['receiver_email'] = '  SELLER@example.com ';
          },
          { environment: 'live', receiverEmail: 'seller@example.com' },
        ),
      );
    });

    it('rejects another account with RECEIVER_MISMATCH', () => {
      expect(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverEmail: 'other@example.com',
        }),
      ).toEqual({
        kind: 'invalid',
        code: 'RECEIVER_MISMATCH',
        reason:
          'receiver_email "seller@example.com" and receiver_id "KXQ7ZRP4M2B8N" is not this source\'s PayPal account',
      });
    });

    it('accepts a receiver_id match alone, case-insensitively', () => {
      ok(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverId: 'kxq7zrp4m2b8n',
        }),
      );
      expect(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverId: 'AAAAAAAAAAAAA',
        }),
      ).toMatchObject({ kind: 'invalid', code: 'RECEIVER_MISMATCH' });
    });

    it('with both configured, either match is enough', () => {
      ok(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverEmail: 'other@example.com',
          receiverId: 'KXQ7ZRP4M2B8N',
        }),
      );
      ok(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverEmail: 'seller@example.com',
          receiverId: 'AAAAAAAAAAAAA',
        }),
      );
      expect(
        normalizeFixture('web-accept-windows-1252', {
          environment: 'live',
          receiverEmail: 'other@example.com',
          receiverId: 'AAAAAAAAAAAAA',
        }),
      ).toMatchObject({ kind: 'invalid', code: 'RECEIVER_MISMATCH' });
    });

    it('uses business only when receiver_email is absent', () => {
      const config: PayPalIpnConfig = { environment: 'live', receiverEmail: 'shop@example.com' };
      ok(
        withFields(
          'web-accept-windows-1252',
          (f) => {
            delete f['receiver_email'];
            f['business'] = 'Shop@example.com';
          },
          config,
        ),
      );
      expect(
        withFields(
          'web-accept-windows-1252',
          (f) => {
            f['business'] = 'shop@example.com';
          },
          config,
        ),
      ).toMatchObject({ kind: 'invalid', code: 'RECEIVER_MISMATCH' });
    });

    it('rejects a message that names no receiver', () => {
      const result = withFields('subscr-eot', (f) => {
        delete f['receiver_email'];
        delete f['business'];
        delete f['receiver_id'];
      });
      expect(result).toEqual({
        kind: 'invalid',
        code: 'RECEIVER_MISMATCH',
        reason: 'the message names no receiver',
      });
    });

    it('checks lifecycle messages too', () => {
      expect(
        normalizeFixture('subscr-cancel', {
          environment: 'live',
          receiverEmail: 'other@example.com',
        }),
      ).toMatchObject({ kind: 'invalid', code: 'RECEIVER_MISMATCH' });
    });
  });

  describe('environment check', () => {
    it('rejects test_ipn=1 on a live source', () => {
      expect(
        normalizeFixture('express-checkout-no-charset', {
          environment: 'live',
          receiverEmail: 'seller@paypalsandbox.com',
        }),
      ).toEqual({
        kind: 'invalid',
        code: 'TEST_MESSAGE_ON_LIVE_SOURCE',
        reason: 'test_ipn=1 (a sandbox message) on a live source',
      });
      expect(sample('subscr_signup', { test: true })).toMatchObject({
        kind: 'invalid',
        code: 'TEST_MESSAGE_ON_LIVE_SOURCE',
      });
    });

    it('accepts test_ipn=1 on a sandbox source, and live messages on a sandbox source', () => {
      expect(normalizeFixture('express-checkout-no-charset').kind).toBe('events');
      expect(
        normalizeFixture('web-accept-windows-1252', { ...LIVE_CONFIG, environment: 'sandbox' })
          .kind,
      ).toBe('events');
    });
  });

  describe('expected prices', () => {
    const priced = (prices: PayPalIpnConfig['expectedPrices']): PayPalIpnConfig => ({
      ...LIVE_CONFIG,
      expectedPrices: prices,
    });

    it('accepts the configured price', () => {
      expect(
        normalizeFixture(
          'web-accept-windows-1252',
          priced({ 'course-basic': { amount: '19.99', currency: 'EUR' } }),
        ).kind,
      ).toBe('events');
      expect(
        normalizeFixture(
          'web-accept-windows-1252',
          priced({ 'course-basic': { amount: ['1.00', '19.99'], currency: 'EUR' } }),
        ).kind,
      ).toBe('events');
    });

    it('holds a wrong amount for review', () => {
      expect(
        normalizeFixture(
          'web-accept-windows-1252',
          priced({ 'course-basic': { amount: '29.99', currency: 'EUR' } }),
        ),
      ).toEqual({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
        reason: 'item "course-basic" was paid 19.99 EUR, expected 29.99 EUR',
      });
    });

    it('holds a wrong currency for review', () => {
      expect(
        normalizeFixture(
          'web-accept-windows-1252',
          priced({ 'course-basic': { amount: '19.99', currency: 'USD' } }),
        ),
      ).toEqual({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
        reason: 'item "course-basic" was paid in EUR, expected USD',
      });
    });

    it('checks each configured cart line by its own gross and quantity, and skips the others', () => {
      expect(
        normalizeFixture(
          'cart-three-items',
          priced({ 'workbook-pdf': { amount: '9.00', currency: 'EUR' } }),
        ).kind,
      ).toBe('events');
      expect(
        normalizeFixture(
          'cart-three-items',
          priced({ 'workbook-pdf': { amount: '18.00', currency: 'EUR' } }),
        ),
      ).toEqual({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
        reason: 'item "workbook-pdf" was paid 18.00 EUR, expected 18.00 × 2 EUR',
      });
      expect(
        normalizeFixture(
          'cart-two-items',
          priced({
            'course-basic': { amount: '19.99', currency: 'EUR' },
            'workbook-pdf': { amount: '8.00', currency: 'EUR' },
          }),
        ),
      ).toMatchObject({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
      });
    });

    it('checks pending payments but not refunds, denials or lifecycle messages', () => {
      const wrong = priced({
        'course-basic': { amount: '1.00', currency: 'EUR' },
        'membership-monthly': { amount: '1.00', currency: 'EUR' },
      });
      expect(normalizeFixture('pending-echeck', wrong)).toMatchObject({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
      });
      expect(normalizeFixture('subscr-payment', wrong)).toMatchObject({
        kind: 'held',
        code: 'AMOUNT_MISMATCH',
      });
      for (const name of ['refund-partial', 'denied', 'subscr-signup', 'subscr-failed'])
        expect(normalizeFixture(name, wrong).kind, name).toBe('events');
    });
  });

  describe('dedup keys', () => {
    it('differ for Pending and Completed of one transaction, and are equal for the same status', () => {
      const pending = fixtureEvent('pending-echeck');
      const completed = fixtureEvent('completed-echeck');
      expect(pending.order?.transactionId).toBe(completed.order?.transactionId);
      expect(pending.dedupKey).not.toBe(completed.dedupKey);
      // A manual resend from IPN History: same fact, another copy (resend=true, another ipn_track_id).
      const resent = withFields('completed-echeck', (f) => {
        f['resend'] = 'true';
        f['ipn_track_id'] = 'ffffffffffff1';
      });
      expect(eventOf(resent).dedupKey).toBe(completed.dedupKey);
    });

    it('without txn_id: equal for retries and manual resends of one message, different for another payment', () => {
      const key = (change: (f: Record<string, string>) => void) =>
        eventOf(
          withFields('recurring-payment', (f) => {
            delete f['txn_id'];
            change(f);
          }),
        ).dedupKey;
      const original = key(() => undefined);
      expect(
        key((f) => {
          f['resend'] = 'true';
          f['ipn_track_id'] = 'ffffffffffff1';
          f['verify_sign'] = 'another';
        }),
      ).toBe(original);
      expect(
        key((f) => {
          f['payment_date'] = '03:04:11 Jul 14, 2024 PDT';
        }),
      ).not.toBe(original);
      expect(
        key((f) => {
          f['mc_gross'] = '1.00';
        }),
      ).not.toBe(original);
      // No time at all: PayPal's track id tells messages apart, else the whole message does.
      const untimed = (change: (f: Record<string, string>) => void) =>
        key((f) => {
          delete f['payment_date'];
          change(f);
        });
      expect(untimed(() => undefined)).not.toBe(
        untimed((f) => {
          f['ipn_track_id'] = 'ffffffffffff1';
        }),
      );
      expect(
        untimed((f) => {
          delete f['ipn_track_id'];
        }),
      ).toBe(
        untimed((f) => {
          delete f['ipn_track_id'];
          f['resend'] = 'true';
        }),
      );
      expect(
        untimed((f) => {
          delete f['ipn_track_id'];
        }),
      ).not.toBe(
        untimed((f) => {
          delete f['ipn_track_id'];
          f['custom'] = 'another order';
        }),
      );
    });

    it('tell successive failed attempts of one subscription apart', () => {
      const first = eventOf(sample('subscr_failed'));
      const second = eventOf(
        sample('subscr_failed', {
          fields: {
            retry_at: '03:00:00 Jun 20, 2024 PDT',
            payment_date: '03:10:00 Jun 17, 2024 PDT',
          },
        }),
      );
      expect(first.dedupKey).not.toBe(second.dedupKey);
      expect(eventOf(sample('subscr_failed')).dedupKey).toBe(first.dedupKey);
    });

    it('do not depend on the charset or the spaces encoding of a copy', () => {
      const a = normalizePayPalIpn(
        fieldsOf(encodePayPalIpnBody(samplePayPalIpnFields('subscr_signup'), 'windows-1252')),
        LIVE_CONFIG,
      );
      const b = normalizePayPalIpn(
        fieldsOf(
          encodePayPalIpnBody(
            samplePayPalIpnFields('subscr_signup', { charset: 'UTF-8' }),
            'UTF-8',
            { spaces: '%20' },
          ),
        ),
        LIVE_CONFIG,
      );
      expect(eventOf(a).dedupKey).toBe(eventOf(b).dedupKey);
    });
  });
});
