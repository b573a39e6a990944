import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../core/events.js';
import { normalizeDigistore24 } from './normalize.js';
import { loadDigistore24Fixture, signedParams } from './test-support/ipn-examples.js';

const items = loadDigistore24Fixture().example_payloads.items;

function example(index: number): Record<string, string> {
  const item = items[index];
  if (!item) throw new Error(`no example payload ${index}`);
  return signedParams(item);
}

function onlyEvent(fields: Record<string, string>): EventDraft {
  const result = normalizeDigistore24(fields);
  if (result.kind !== 'events') throw new Error(`expected events, got ${JSON.stringify(result)}`);
  expect(result.events).toHaveLength(1);
  const [event] = result.events;
  if (!event) throw new Error('no event');
  return event;
}

function keyFields(event: EventDraft) {
  return {
    type: event.type,
    occurredAt: event.occurredAt,
    orderId: event.order?.id,
    transactionId: event.order?.transactionId,
    billingType: event.order?.billingType,
    paySequenceNo: event.order?.paySequenceNo,
    amount: event.order?.amount,
    currency: event.order?.currency,
    subscription: event.subscription,
    dedupKey: event.dedupKey,
  };
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
  language: 'en',
};

describe('normalizeDigistore24', () => {
  it('maps example 1 (on_payment, single payment) completely', () => {
    const fields = example(0);
    const { sha_sign: _signature, ...raw } = fields;
    expect(normalizeDigistore24(fields)).toEqual({
      kind: 'events',
      events: [
        {
          type: 'payment',
          occurredAt: '2024-05-14T07:12:45.000Z',
          test: false,
          order: {
            id: 'K7QX2M9P',
            transactionId: '91000001',
            parentTransactionId: null,
            billingType: 'single_payment',
            paySequenceNo: 0,
            currency: 'EUR',
            amount: 9700,
            vat: 1549,
            net: 8151,
            fee: null,
            language: 'en',
            items: [
              {
                productId: '543210',
                name: 'Online Course Basic',
                quantity: 1,
                isAddon: false,
                amount: 9700,
              },
            ],
            invoiceUrl: 'https://www.digistore24.com/invoice/K7QX2M9P/91000001/ABCD1234.pdf',
            receiptUrl: 'https://www.digistore24.com/receipt/543210/K7QX2M9P/ABCD1234',
            nextPaymentAt: null,
            custom: 'crm_contact=42',
          },
          buyer: anna,
          affiliate: null,
          subscription: null,
          raw,
          dedupKey: 'ds24:K7QX2M9P:on_payment:91000001',
        },
      ],
    });
    expect(Object.keys(raw)).toHaveLength(72);
    expect(raw['address_company']).toBe('');
  });

  it('maps example 2 (on_payment, rebill 4 of a subscription)', () => {
    const event = onlyEvent(example(1));
    expect(keyFields(event)).toEqual({
      type: 'payment',
      occurredAt: '2024-05-01T01:05:11.000Z',
      orderId: 'R3TW8N2D',
      transactionId: '91000777',
      billingType: 'subscription',
      paySequenceNo: 4,
      amount: 2900,
      currency: 'EUR',
      subscription: { id: 'R3TW8N2D', status: 'active' },
      dedupKey: 'ds24:R3TW8N2D:on_payment:91000777',
    });
    expect(event.order?.nextPaymentAt).toBe('2024-06-01');
    expect(event.order?.vat).toBe(463);
    expect(event.order?.net).toBe(2437);
    expect(event.order?.custom).toBe(null);
    expect(event.buyer).toEqual(anna);
  });

  it('maps example 3 (on_refund) with a positive amount', () => {
    expect(keyFields(onlyEvent(example(2)))).toEqual({
      type: 'refund',
      occurredAt: '2024-05-20T12:02:10.000Z',
      orderId: 'K7QX2M9P',
      transactionId: '91000333',
      billingType: 'single_payment',
      paySequenceNo: 0,
      amount: 9700,
      currency: 'EUR',
      subscription: null,
      dedupKey: 'ds24:K7QX2M9P:on_refund:91000333',
    });
  });

  it('maps example 4 (on_chargeback)', () => {
    expect(keyFields(onlyEvent(example(3)))).toEqual({
      type: 'chargeback',
      occurredAt: '2024-05-23T09:47:30.000Z',
      orderId: 'R3TW8N2D',
      transactionId: '91000888',
      billingType: 'subscription',
      paySequenceNo: 4,
      amount: 2900,
      currency: 'EUR',
      subscription: { id: 'R3TW8N2D', status: 'cancelled' },
      dedupKey: 'ds24:R3TW8N2D:on_chargeback:91000888',
    });
  });

  it('maps example 5 (on_payment_missed) without a transaction: no provider time (the pipeline uses the receive time)', () => {
    expect(keyFields(onlyEvent(example(4)))).toEqual({
      type: 'payment_missed',
      occurredAt: null,
      orderId: 'R3TW8N2D',
      transactionId: null,
      billingType: 'subscription',
      paySequenceNo: 5,
      amount: 2900,
      currency: 'EUR',
      subscription: { id: 'R3TW8N2D', status: 'suspended' },
      dedupKey: 'ds24:R3TW8N2D:on_payment_missed:5:',
    });
  });

  it('maps example 6 (on_rebill_cancelled), keyed and timed by the stop time (summer, UTC+2)', () => {
    expect(keyFields(onlyEvent(example(5)))).toEqual({
      type: 'rebill_cancelled',
      occurredAt: '2024-05-10T18:15:00.000Z',
      orderId: 'R3TW8N2D',
      transactionId: null,
      billingType: 'subscription',
      paySequenceNo: 4,
      amount: 2900,
      currency: 'EUR',
      subscription: { id: 'R3TW8N2D', status: 'cancelled' },
      dedupKey: 'ds24:R3TW8N2D:on_rebill_cancelled:4:2024-05-10 20:15:00',
    });
  });

  it('maps example 7 (last_paid_day)', () => {
    expect(keyFields(onlyEvent(example(6)))).toEqual({
      type: 'last_paid_day',
      occurredAt: null,
      orderId: 'R3TW8N2D',
      transactionId: null,
      billingType: 'subscription',
      paySequenceNo: 4,
      amount: 2900,
      currency: 'EUR',
      subscription: { id: 'R3TW8N2D', status: 'ended' },
      dedupKey: 'ds24:R3TW8N2D:last_paid_day:4:2024-05-10 20:15:00',
    });
  });

  it('maps example 8 (on_affiliation): the affiliate as contact, the product as the only item, no order id', () => {
    const event = onlyEvent(example(7));
    expect(event).toMatchObject({
      type: 'affiliation',
      occurredAt: null,
      test: false,
      subscription: null,
      affiliate: { id: null, name: 'maxpartner', email: 'max.partner@example.org' },
      buyer: {
        email: 'max.partner@example.org',
        firstName: 'Max',
        lastName: 'Partner',
        company: null,
        phone: null,
        address: {
          street: 'Hauptweg 12',
          street2: null,
          zipcode: '50667',
          city: 'Köln',
          state: null,
          country: 'DE',
        },
        newsletterConsent: null,
        language: null,
      },
      dedupKey: 'ds24:affiliation:maxpartner:543210',
    });
    // The dedup key names the fact; there is no order, so no order id reaches a CRM.
    expect(event.order).toMatchObject({
      id: null,
      transactionId: null,
      amount: null,
      currency: null,
      language: 'en',
      items: [
        {
          productId: '543210',
          name: 'Online Course Basic',
          quantity: 1,
          isAddon: false,
          amount: null,
        },
      ],
    });
  });

  it('maps example 9 (connection_test) to a bare event', () => {
    expect(normalizeDigistore24(example(8))).toEqual({
      kind: 'events',
      events: [
        {
          type: 'connection_test',
          occurredAt: null,
          test: false,
          order: null,
          buyer: null,
          affiliate: null,
          subscription: null,
          raw: { event: 'connection_test', api_mode: 'live', ipn_version: '1.6' },
          dedupKey: 'ds24:connection_test',
        },
      ],
    });
  });

  it('maps the remaining DS24 order events', () => {
    const base = example(1);
    const cases: Array<[string, EventDraft['type'], string | null]> = [
      ['payment_denial', 'payment_denied', 'active'],
      ['on_rebill_resumed', 'rebill_resumed', 'active'],
    ];
    for (const [event, type, status] of cases) {
      const draft = onlyEvent({ ...base, event });
      expect(draft.type).toBe(type);
      expect(draft.subscription).toEqual({ id: 'R3TW8N2D', status });
    }
  });

  it('takes the subscription status from billing_status where the event does not decide it', () => {
    const base = example(1);
    expect(
      onlyEvent({ ...base, event: 'payment_denial', billing_status: 'aborted' }).subscription
        ?.status,
    ).toBe('cancelled');
    expect(
      onlyEvent({ ...base, event: 'on_refund', billing_status: 'reminding' }).subscription?.status,
    ).toBe('suspended');
    expect(
      onlyEvent({ ...base, event: 'on_refund', billing_status: 'weird' }).subscription?.status,
    ).toBe(null);
    expect(onlyEvent({ ...base, billing_type: 'installment' }).subscription).toEqual({
      id: 'R3TW8N2D',
      status: 'active',
    });
  });

  it('ignores events it does not act on, keeping the fields without the signature', () => {
    for (const event of [
      'eticket',
      'custom_form',
      'customform',
      'on_payment_subscription_signup',
      'constructor',
      'toString',
    ]) {
      expect(normalizeDigistore24({ event, order_id: 'X', sha_sign: 'S' })).toEqual({
        kind: 'ignored',
        reason: `Digistore24 event "${event}" is not handled`,
        fields: { event, order_id: 'X' },
      });
    }
  });

  it('rejects a missing or empty event as MISSING_FIELD', () => {
    const invalid = { kind: 'invalid', code: 'MISSING_FIELD', reason: 'event is missing' };
    expect(normalizeDigistore24({ order_id: 'X' })).toEqual(invalid);
    expect(normalizeDigistore24({ event: '', order_id: 'X' })).toEqual(invalid);
  });

  it('rejects an order event without order_id as MISSING_FIELD', () => {
    const { order_id: _orderId, ...fields } = example(0);
    expect(normalizeDigistore24(fields)).toEqual({
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: 'order_id is missing for event on_payment',
    });
    expect(normalizeDigistore24({ ...fields, order_id: '' })).toEqual({
      kind: 'invalid',
      code: 'MISSING_FIELD',
      reason: 'order_id is missing for event on_payment',
    });
  });

  it('keys a notification without transaction_id by pay_sequence_no and rebill_stop_noted_at', () => {
    const { transaction_id: _t, ...fields } = example(0);
    expect(onlyEvent(fields).dedupKey).toBe('ds24:K7QX2M9P:on_payment:0:');
    expect(onlyEvent({ ...fields, transaction_id: '' }).dedupKey).toBe(
      'ds24:K7QX2M9P:on_payment:0:',
    );
  });

  describe('money', () => {
    it('converts to minor units of the currency', () => {
      const base = example(0);
      expect(onlyEvent({ ...base, amount: '49', currency: 'EUR' }).order?.amount).toBe(4900);
      expect(onlyEvent({ ...base, amount: '1500', currency: 'JPY' }).order?.amount).toBe(1500);
      expect(onlyEvent({ ...base, amount: '12.345', currency: 'KWD' }).order?.amount).toBe(12345);
      expect(onlyEvent({ ...base, amount: '0.10' }).order?.amount).toBe(10);
    });

    it('falls back to transaction_amount, then amount_brutto', () => {
      const base = example(0);
      expect(onlyEvent({ ...base, amount: '', transaction_amount: '12.34' }).order?.amount).toBe(
        1234,
      );
      expect(
        onlyEvent({ ...base, amount: '', transaction_amount: '', amount_brutto: '5.60' }).order
          ?.amount,
      ).toBe(560);
      expect(
        onlyEvent({ ...base, amount: '', transaction_amount: '', amount_brutto: '' }).order?.amount,
      ).toBe(null);
    });

    it('reads vat from amount_vat or vat_amount, and the fee', () => {
      const base = example(0);
      expect(onlyEvent({ ...base, amount_vat: '' }).order?.vat).toBe(1549);
      expect(onlyEvent({ ...base, amount_vat: '', vat_amount: '' }).order?.vat).toBe(null);
      expect(onlyEvent({ ...base, amount_fee: '7.85' }).order?.fee).toBe(785);
    });

    it('makes refund and chargeback amounts positive', () => {
      const refund = onlyEvent({
        ...example(2),
        amount: '-97.00',
        amount_vat: '-15.49',
        amount_netto: '-81.51',
      });
      expect([
        refund.order?.amount,
        refund.order?.vat,
        refund.order?.net,
        refund.order?.items[0]?.amount,
      ]).toEqual([9700, 1549, 8151, 9700]);
      expect(onlyEvent({ ...example(3), amount: '-29.00' }).order?.amount).toBe(2900);
    });

    it('reads garbage amounts as null', () => {
      expect(
        onlyEvent({ ...example(0), amount: '97,00 EUR', transaction_amount: '', amount_brutto: '' })
          .order?.amount,
      ).toBe(null);
    });
  });

  describe('occurredAt (Europe/Berlin)', () => {
    it('reads a summer transaction time as UTC+2', () => {
      expect(
        onlyEvent({ ...example(0), transaction_date: '2024-07-01', transaction_time: '00:30:00' })
          .occurredAt,
      ).toBe('2024-06-30T22:30:00.000Z');
    });

    it('reads a winter transaction time as UTC+1', () => {
      expect(
        onlyEvent({ ...example(0), transaction_date: '2024-12-24', transaction_time: '18:00:00' })
          .occurredAt,
      ).toBe('2024-12-24T17:00:00.000Z');
    });

    it('never falls back to order_date_time (the original order, not this event)', () => {
      const base = { ...example(0), transaction_date: '', transaction_time: '' };
      expect(onlyEvent(base).occurredAt).toBe(null);
      expect(onlyEvent({ ...base, transaction_date: '2024-05-14' }).occurredAt).toBe(null);
    });

    it('times a cancellation by rebill_stop_noted_at', () => {
      expect(
        onlyEvent({ ...example(5), rebill_stop_noted_at: '2024-12-01 08:00:00' }).occurredAt,
      ).toBe('2024-12-01T07:00:00.000Z');
      expect(onlyEvent({ ...example(5), rebill_stop_noted_at: 'garbage' }).occurredAt).toBe(null);
    });
  });

  describe('items', () => {
    it('marks the product as add-on when upsell_no > 0', () => {
      expect(onlyEvent({ ...example(0), upsell_no: '1' }).order?.items[0]?.isAddon).toBe(true);
      expect(onlyEvent({ ...example(0), upsell_no: '' }).order?.items[0]?.isAddon).toBe(false);
    });

    it('reads quantity, defaulting to 1', () => {
      expect(onlyEvent({ ...example(0), quantity: '3' }).order?.items[0]?.quantity).toBe(3);
      expect(onlyEvent({ ...example(0), quantity: '' }).order?.items[0]?.quantity).toBe(1);
      expect(
        onlyEvent({ ...example(0), quantity: '99999999999999999999' }).order?.items[0]?.quantity,
      ).toBe(1);
    });

    it('adds product_id_N and product_idN as further add-on items in number order', () => {
      const event = onlyEvent({
        ...example(0),
        product_id_3: '777',
        product_name_3: 'Bonus',
        product_id2: '666',
        product_name2: 'Workbook',
        quantity2: '2',
        product_id_4: '',
        product_ids: '543210,666,777',
      });
      expect(event.order?.items).toEqual([
        {
          productId: '543210',
          name: 'Online Course Basic',
          quantity: 1,
          isAddon: false,
          amount: null,
        },
        { productId: '666', name: 'Workbook', quantity: 2, isAddon: true, amount: null },
        { productId: '777', name: 'Bonus', quantity: 1, isAddon: true, amount: null },
      ]);
    });

    it('has no items without product_id', () => {
      expect(onlyEvent({ ...example(0), product_id: '' }).order?.items).toEqual([]);
    });
  });

  describe('buyer', () => {
    it('lower-cases and trims the e-mail, falling back to buyer_email and address_email', () => {
      const base = example(0);
      expect(onlyEvent({ ...base, email: '  Anna.B@Example.COM ' }).buyer?.email).toBe(
        'anna.b@example.com',
      );
      expect(onlyEvent({ ...base, email: '', buyer_email: 'B@X.DE' }).buyer?.email).toBe('b@x.de');
      expect(
        onlyEvent({ ...base, email: '', buyer_email: '', address_email: 'C@X.DE' }).buyer?.email,
      ).toBe('c@x.de');
      expect(onlyEvent({ ...base, email: '   ' }).buyer?.email).toBe(null);
    });

    it('prefers address_* names and falls back to buyer_*', () => {
      const buyer = onlyEvent({
        ...example(0),
        address_first_name: '',
        address_last_name: 'Muster',
      }).buyer;
      expect([buyer?.firstName, buyer?.lastName]).toEqual(['Anna', 'Muster']);
    });

    it('joins street name and number when address_street is empty', () => {
      const base = {
        ...example(0),
        address_street: '',
        address_street_name: 'Hauptweg',
        address_street_number: '12a',
      };
      expect(onlyEvent(base).buyer?.address?.street).toBe('Hauptweg 12a');
      expect(onlyEvent({ ...base, address_street_number: '' }).buyer?.address?.street).toBe(
        'Hauptweg',
      );
    });

    it('reads company and phone', () => {
      const buyer = onlyEvent({
        ...example(0),
        address_company: 'Beispiel GmbH',
        address_phone_no: '+49 30 1234',
      }).buyer;
      expect([buyer?.company, buyer?.phone]).toEqual(['Beispiel GmbH', '+49 30 1234']);
    });

    it('reads newsletter consent (value list UNCONFIRMED)', () => {
      const consent = (choice: string) =>
        onlyEvent({ ...example(0), newsletter_choice: choice }).buyer?.newsletterConsent;
      expect(consent('none')).toBe(null);
      expect(consent('')).toBe(null);
      expect(consent('single_optin')).toBe(true);
      expect(consent('double_opt_in')).toBe(true);
      expect(consent('yes')).toBe(true);
      expect(consent('optout')).toBe(false);
      expect(consent('opt_out')).toBe(false);
      expect(consent('no')).toBe(false);
      expect(consent('unknown')).toBe(null);
    });
  });

  it('reads the affiliate of an order event', () => {
    expect(onlyEvent({ ...example(0), affiliate_name: 'maxpartner' }).affiliate).toEqual({
      id: null,
      name: 'maxpartner',
      email: null,
    });
    expect(
      onlyEvent({ ...example(0), affiliate_id: '42', affiliate_name: 'mp' }).affiliate,
    ).toEqual({ id: '42', name: 'mp', email: null });
  });

  it('uses product_language when language is empty', () => {
    expect(onlyEvent({ ...example(0), language: '', product_language: 'de' }).order?.language).toBe(
      'de',
    );
  });

  it('flags api_mode=test', () => {
    expect(onlyEvent({ ...example(0), api_mode: 'test' }).test).toBe(true);
    expect(onlyEvent({ ...example(8), api_mode: 'test' }).test).toBe(true);
  });

  it('drops a malformed next_payment_at and billing_type', () => {
    const order = onlyEvent({
      ...example(1),
      next_payment_at: 'soon',
      billing_type: 'lifetime',
    }).order;
    expect([order?.nextPaymentAt, order?.billingType]).toEqual([null, null]);
  });
});
