import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../connectors/sample-event.js';
import type { CanonicalEvent } from '../core/events.js';
import { completedPayload, slimKeyedEvent } from './event-payload.js';
import type { KeyedEvent } from './event-payload.js';

/** An event as `toCanonical` builds it: `raw` its last key. */
function built(): CanonicalEvent {
  const { raw, ...rest } = sampleEvent('payment');
  return { ...rest, raw: { ...raw, note: 'a "quoted", raw:{} value', 'x,"raw":': 'ü €' } };
}

function keyed(event: CanonicalEvent): KeyedEvent {
  return { event, dedupKey: 'src_1:k', payload: JSON.stringify(event) };
}

/** What the ledger's completion does to an event: fields replaced by spreads (ledger/complete-event.ts). */
function completed(event: CanonicalEvent): CanonicalEvent {
  const order = event.order;
  if (!order) throw new Error('an order');
  return {
    ...event,
    order: { ...order, items: [], currency: 'JPY' },
    refund: { full: false, paymentTransactionId: 'T1', paymentAmount: 97, refundedTotal: 5 },
  };
}

describe('completedPayload', () => {
  it('is the carried payload when the ledger changed nothing', () => {
    const k = keyed(built());
    expect(completedPayload(k, k.event)).toBe(k.payload);
  });

  it('is the completed event’s JSON when the ledger completed it, with the event whole or slim', () => {
    const event = built();
    const whole = keyed(event);
    const slim = slimKeyedEvent(whole);
    expect(slim.slim).toBe(true);
    expect(completedPayload(whole, completed(whole.event))).toBe(JSON.stringify(completed(event)));
    expect(completedPayload(slim, completed(slim.event))).toBe(JSON.stringify(completed(event)));
  });

  it('serializes the event when no payload was carried', () => {
    const event = built();
    expect(completedPayload({ event, dedupKey: 'k' }, event)).toBe(JSON.stringify(event));
  });

  it('serializes a whole event whose raw fields are not its last key', () => {
    const { raw, ...rest } = built();
    const event = { raw, ...rest };
    const done = completed(event);
    expect(completedPayload(keyed(event), done)).toBe(JSON.stringify(done));
  });

  it('refuses a slim event whose carried payload does not end with its raw fields', () => {
    const event = built();
    const slim = {
      ...slimKeyedEvent(keyed(event)),
      payload: JSON.stringify({ ...event, id: 'x' }),
    };
    expect(() => completedPayload(slim, completed(slim.event))).toThrow(/does not end with raw/);
  });
});

describe('slimKeyedEvent', () => {
  it('posts the event without its raw fields and with its payload', () => {
    const event = built();
    const slim = slimKeyedEvent({ event, dedupKey: 'src_1:k' });
    expect(slim.payload).toBe(JSON.stringify(event));
    expect(slim.event.raw).toEqual({});
    expect({ ...slim.event, raw: event.raw }).toEqual(event);
    expect(slim.dedupKey).toBe('src_1:k');
  });

  it('posts an event whose raw fields are not its last key whole', () => {
    const { raw, ...rest } = built();
    const event = { raw, ...rest };
    const sent = slimKeyedEvent({ event, dedupKey: 'k' });
    expect(sent.slim).toBeUndefined();
    expect(sent.event).toBe(event);
    expect(sent.payload).toBe(JSON.stringify(event));
  });
});
