import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../sample-event.js';
import { renderTagNames } from './tag-names.js';

describe('tag names', () => {
  it('renders plain names and event templates', () => {
    expect(
      renderTagNames(['paypal-integration', 'paypal-integration-{event}'], sampleEvent('refund')),
    ).toEqual(['paypal-integration', 'paypal-integration-refund']);
  });

  it('renders product templates once per item and de-duplicates case-insensitively, keeping the first spelling', () => {
    const base = sampleEvent('payment');
    const event = {
      ...base,
      order: base.order && {
        ...base.order,
        items: [
          ...base.order.items,
          { productId: '9', name: 'online course basic', quantity: 1, isAddon: true, amount: null },
          { productId: '10', name: 'Workbook', quantity: 1, isAddon: true, amount: null },
        ],
      },
    };
    expect(renderTagNames(['{product.name}', 'p-{product.productId}', 'All'], event)).toEqual([
      'Online Course Basic',
      'Workbook',
      'p-543210',
      'p-9',
      'p-10',
      'All',
    ]);
  });

  it('leaves out a tag whose placeholder has no value, unless it has a default', () => {
    const event = sampleEvent('payment');
    expect(
      renderTagNames(
        ['aff {affiliate.name}', 'aff {affiliate.name|default:none}', '  ', '{{literal}}'],
        event,
      ),
    ).toEqual(['aff none', '{literal}']);
  });

  it('renders product templates against no product when the event has no items', () => {
    const event = sampleEvent('affiliation', { order: null });
    expect(renderTagNames(['{product.name}', 'affiliate'], event)).toEqual(['affiliate']);
  });
});
