import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  customFieldsOf,
  DEFAULT_ACTIONS,
  DEFAULT_MAPPING,
  effectiveMapping,
  quentnConfigSchema,
} from './config.js';

const base = { baseUrl: 'https://abc123.def.quentn.com/public/api/V1/', apiKey: 'key' };

type JsonNode = {
  title?: unknown;
  description?: unknown;
  properties?: Record<string, JsonNode>;
  items?: JsonNode;
  writeOnly?: unknown;
};

/** Paths of object properties (at any depth) without a title or description. */
function unlabelled(node: JsonNode, path = ''): string[] {
  const missing: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const here = path ? `${path}.${key}` : key;
    if (typeof child.title !== 'string' && typeof child.description !== 'string')
      missing.push(here);
    missing.push(...unlabelled(child, here));
    if (child.items) missing.push(...unlabelled(child.items, `${here}[]`));
  }
  return missing;
}

describe('quentn config', () => {
  it('fills the documented defaults', () => {
    const config = quentnConfigSchema.parse(base);
    expect(config).toEqual({
      ...base,
      mapping: DEFAULT_MAPPING,
      fieldAssignments: {},
      emailStatus: {
        mode: 'newsletter_consent',
        field: 'mail_status',
        confirmedValue: 'confirmed',
      },
      duplicateMergeMethod: 'update_add',
      requestsPerSecond: 5,
      actions: DEFAULT_ACTIONS,
    });
    expect(Object.keys(config.actions).sort()).toEqual([
      'affiliation',
      'chargeback',
      'last_paid_day',
      'payment',
      'payment_missed',
      'rebill_cancelled',
      'rebill_resumed',
      'refund',
      'refund_partial',
    ]);
  });

  it('completes a partial action with its field defaults', () => {
    const config = quentnConfigSchema.parse({
      ...base,
      actions: { payment: { addTags: ['buyer {product.name}'] } },
    });
    expect(config.actions).toEqual({
      payment: {
        contact: 'upsert',
        addTags: ['buyer {product.name}'],
        removeTags: [],
        setEmailStatus: false,
      },
    });
  });

  it('labels every field, nested ones included, and marks the API key writeOnly', () => {
    const schema = z.toJSONSchema(quentnConfigSchema, { io: 'input' }) as JsonNode;
    expect(unlabelled(schema)).toEqual([]);
    expect(schema.properties?.apiKey?.writeOnly).toBe(true);
  });

  it('refuses mappings that set mail or terms, nested target names, and bad templates', () => {
    const result = quentnConfigSchema.safeParse({
      ...base,
      mapping: {
        mail: 'buyer.email',
        terms: 'order.id',
        'a.b': 'order.id',
        note: '{order.id|nope}',
      },
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => issue.message) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        '"mail" is set by ipnhub (mail: the buyer\'s e-mail; terms: the tag actions)',
        '"terms" is set by ipnhub (mail: the buyer\'s e-mail; terms: the tag actions)',
        '"a.b" is not a Quentn field name (letters, digits and _; Quentn contacts are flat)',
        'target "note": {order.id|nope}: unknown filter "nope" (known: money, lower, upper, default)',
      ]),
    );
  });

  it('refuses broken tag templates, unknown action keys and a non-http base URL', () => {
    expect(
      quentnConfigSchema.safeParse({
        ...base,
        actions: { payment: { addTags: ['{product.name'] } },
      }).success,
    ).toBe(false);
    expect(
      quentnConfigSchema.safeParse({ ...base, actions: { payment: { addTags: [], tags: [] } } })
        .success,
    ).toBe(false);
    expect(
      quentnConfigSchema.safeParse({ ...base, actions: { connection_test: {} } }).success,
    ).toBe(false);
    expect(
      quentnConfigSchema.safeParse({ ...base, baseUrl: 'ftp://quentn.example/' }).success,
    ).toBe(false);
    expect(quentnConfigSchema.safeParse({ ...base, apiKey: '  ' }).success).toBe(false);
  });

  it('adds the field assignments to the mapping and lists the custom fields', () => {
    const config = quentnConfigSchema.parse({
      ...base,
      mapping: { first_name: 'buyer.firstName', ds24_product: '{product.name}' },
      fieldAssignments: { affiliateName: 'ds24_affiliate', invoiceLink: 'ds24_invoice' },
    });
    expect(effectiveMapping(config)).toEqual({
      first_name: 'buyer.firstName',
      ds24_product: '{product.name}',
      ds24_affiliate: 'affiliate.name',
      ds24_invoice: 'order.invoiceUrl',
    });
    expect(customFieldsOf(config)).toEqual(['ds24_product', 'ds24_affiliate', 'ds24_invoice']);
  });
});
