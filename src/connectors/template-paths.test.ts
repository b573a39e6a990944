import { describe, expect, it } from 'vitest';
import { sampleEvent } from './sample-event.js';
import { pathProblem } from './template-paths.js';
import { resolvePath, templateScope } from './template.js';

describe('pathProblem', () => {
  it.each([
    'event',
    'amount',
    'id',
    'occurredAt',
    'source.provider',
    'order.id',
    'order.items',
    'order.items.0',
    'order.items.12.productId',
    'product.name',
    'buyer.address',
    'buyer.address.country',
    'affiliate.name',
    'subscription.status',
    'raw',
    'raw.custom',
    'raw.resource.supplementary_data.related_ids.order_id',
  ])('accepts %s', (path) => {
    expect(pathProblem(path)).toBeNull();
  });

  it.each([
    ['buyer.firstNme', 'the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)'],
    ['amout', 'the event has no "amout" (did you mean "amount"?)'],
    [
      'byuer.address.city',
      'the event has no "byuer.address.city" (did you mean "buyer.address.city"?)',
    ],
    [
      'byuer.adress.city',
      'the event has no "byuer.adress.city" (did you mean "buyer.address.city"?)',
    ],
    [
      'buyer.adress.zip',
      'the event has no "buyer.adress.zip" (did you mean "buyer.address.zipcode"?)',
    ],
    ['buyer.address.plz', 'the event has no "buyer.address.plz" (did you mean "buyer.address"?)'],
    [
      'order.item.0.name',
      'the event has no "order.item.0.name" (did you mean "order.items.0.name"?)',
    ],
    ['customer.email', 'the event has no "customer.email"'],
    ['buyer.email.domain', '"buyer.email" is a single value and has no field "domain"'],
    [
      'order.items.first.name',
      '"order.items" is a list: name an item by its number, e.g. "order.items.0.name"',
    ],
    [
      'order.items.name',
      '"order.items" is a list: name an item by its number, e.g. "order.items.0.name"',
    ],
  ])('refuses %s: %s', (path, problem) => {
    expect(pathProblem(path)).toBe(problem);
  });

  it('accepts every path the sample event has a value at', () => {
    const scope = templateScope(sampleEvent('payment'));
    const paths: string[] = [];
    const collect = (value: unknown, at: string): void => {
      if (at !== '' && !at.startsWith('raw.')) paths.push(at);
      if (typeof value === 'object' && value !== null) {
        for (const [key, child] of Object.entries(value))
          collect(child, at === '' ? key : `${at}.${key}`);
      }
    };
    collect(scope, '');
    expect(paths.length).toBeGreaterThan(40);
    for (const path of paths) {
      expect(resolvePath(scope, path) === undefined, path).toBe(false);
      expect(pathProblem(path), path).toBeNull();
    }
  });
});
