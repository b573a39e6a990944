import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../connectors/sample-event.js';
import { lazyEvent } from './lazy-event.js';

describe('lazyEvent', () => {
  const stored = sampleEvent('refund', { affiliate: null });
  const json = JSON.stringify(stored);

  it('reads as the parsed event does: fields, nesting, keys, in, spread and JSON', () => {
    const event = lazyEvent(json);
    expect(event.type).toBe('refund');
    expect(event.order?.id).toBe(stored.order?.id);
    expect(Object.keys(event)).toEqual(Object.keys(stored));
    expect('buyer' in event).toBe(true);
    expect('nothing' in event).toBe(false);
    expect({ ...event }).toEqual(stored);
    expect(JSON.stringify(event)).toBe(json);
    expect(Object.entries(event)).toEqual(Object.entries(stored));
  });

  it('parses nothing until a field is read', () => {
    // Unparseable JSON shows when the parse happens: not at creation, at the first read.
    const event = lazyEvent('{ not json');
    expect(() => event.id).toThrow(SyntaxError);
  });

  it('parses once: a change made through it is what later reads see', () => {
    const event = lazyEvent(json);
    const order = event.order;
    expect(event.order).toBe(order);
    (event as { refund: unknown }).refund = { full: false };
    expect(event.refund).toEqual({ full: false });
    delete (event as { refund?: unknown }).refund;
    expect('refund' in event).toBe(false);
  });

  it('refuses a property that could never be removed again, as the proxy rules require', () => {
    const event = lazyEvent(json);
    expect(() => Object.defineProperty(event, 'fixed', { value: 1, configurable: false })).toThrow(
      TypeError,
    );
    expect(() => Object.defineProperty(event, 'unsaid', { value: 1 })).toThrow(TypeError);
    Object.defineProperty(event, 'type', { value: 'payment' });
    expect(event.type).toBe('payment');
    Object.defineProperty(event, 'added', { value: 2, configurable: true, enumerable: true });
    expect((event as unknown as { added: number }).added).toBe(2);
  });
});
