import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../sample-event.js';
import { klickTippFields, toHundredths } from './field-values.js';

describe('Klick-Tipp field values', () => {
  it('scales minor units to Klick-Tipp hundredths per currency', () => {
    expect(toHundredths(9700, 'EUR')).toBe(9700);
    expect(toHundredths(9700, 'JPY')).toBe(970000);
    expect(toHundredths(12345, 'KWD')).toBe(1235);
    expect(toHundredths(-12345, 'KWD')).toBe(-1235);
    expect(toHundredths(1999, null)).toBe(1999);
  });

  it('converts decimal and date fields, keeps text, and leaves empty values out', () => {
    const base = sampleEvent('payment');
    const event = sampleEvent('payment', {
      order: base.order && {
        ...base.order,
        currency: 'JPY',
        amount: 9700,
        nextPaymentAt: '2024-06-01',
      },
    });
    const result = klickTippFields(
      {
        field1: 'order.amount',
        field2: '{amount}',
        field3: 'order.nextPaymentAt',
        field4: 'occurredAt',
        field5: 'buyer.company',
        field6: 'order.items.0.quantity',
        field7: 'raw.amount',
      },
      { field1: 'decimal', field2: 'decimal', field3: 'date', field4: 'date', field7: 'decimal' },
      event,
    );
    expect(result).toEqual({
      ok: true,
      fields: {
        field1: '970000',
        field2: '970000',
        field3: '1717200000',
        field4: '1715670765',
        field6: '1',
        field7: '9700',
      },
    });
  });

  it('names the field when a value does not fit its type', () => {
    expect(
      klickTippFields({ field1: 'buyer.email' }, { field1: 'decimal' }, sampleEvent('payment')),
    ).toEqual({
      ok: false,
      reason:
        'TARGET_VALIDATION_FAILED: field1 is a decimal field, but the mapped value "anna.beispiel@example.com" is not an amount',
    });
    expect(
      klickTippFields(
        { field1: 'raw.order_date_time' },
        { field1: 'date' },
        sampleEvent('payment'),
      ),
    ).toEqual({ ok: true, fields: { field1: String(Date.parse('2024-05-14T09:12:44Z') / 1000) } });
    expect(
      klickTippFields({ field1: 'buyer.firstName' }, { field1: 'date' }, sampleEvent('payment')),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('field1 is a date field') });
  });
});
