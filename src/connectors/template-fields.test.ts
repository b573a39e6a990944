import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { connectors } from './registry.js';
import { templatePathProblems } from './template-fields.js';
import { mappingSchema, templateSchema } from './template.js';

describe('templatePathProblems', () => {
  const schema = z.strictObject({
    subject: templateSchema().default('{event}'),
    tags: z.array(templateSchema().trim().min(1)).default([]),
    perEvent: z
      .record(
        z.string(),
        z.strictObject({ fields: z.record(z.string(), templateSchema()).default({}) }),
      )
      .default({}),
    mapping: mappingSchema.optional(),
    nested: z
      .strictObject({ mapping: mappingSchema.superRefine(() => undefined).default({}) })
      .prefault({}),
    either: z.union([templateSchema(), z.array(templateSchema())]).optional(),
    plain: z.string().optional(),
  });

  it('finds templates and mappings behind defaults, optionals, arrays, records and unions', () => {
    const config = schema.parse({
      subject: 'Paid {amout}',
      tags: ['{product.name}', '{product.nmae}'],
      perEvent: { payment: { fields: { Status__c: 'paid {buyer.emali}' } } },
      mapping: { email: 'buyer.emial', ok: '{raw.anything}' },
      nested: { mapping: { city: 'buyer.address.ctiy' } },
      either: ['{order.idd}'],
      plain: '{not.a.template}',
    });
    expect(templatePathProblems(schema, config)).toEqual([
      'subject: "Paid {amout}": the event has no "amout" (did you mean "amount"?)',
      'tags.1: "{product.nmae}": the event has no "product.nmae" (did you mean "product.name"?)',
      'perEvent.payment.fields.Status__c: "paid {buyer.emali}": the event has no "buyer.emali" (did you mean "buyer.email"?)',
      'mapping.email: "buyer.emial": the event has no "buyer.emial" (did you mean "buyer.email"?)',
      'nested.mapping.city: "buyer.address.ctiy": the event has no "buyer.address.ctiy" (did you mean "buyer.address.city"?)',
      'either.0: "{order.idd}": the event has no "order.idd" (did you mean "order.id"?)',
    ]);
  });

  it('is empty for valid paths, raw fields and fixed text', () => {
    const config = schema.parse({
      subject: 'fixed',
      tags: ['vip', '{raw.whatever}'],
      either: '{order.items.0.productId}',
      mapping: { a: 'order.items' },
    });
    expect(templatePathProblems(schema, config)).toEqual([]);
  });

  it.each(Object.entries(connectors))(
    'finds nothing wrong in the defaults of %s',
    (_id, connector) => {
      // The smallest config each connector accepts: its defaults fill in every template.
      const minimal: Record<string, unknown> = {
        webhook: { url: 'https://example.com/hook' },
        email: { to: ['a@example.com'] },
        'paypal-ipn-forward': { url: 'https://example.com/ipn' },
        salesforce: {
          credentials: { clientId: 'c', clientSecret: 's', username: 'u', password: 'p' },
        },
        activecampaign: { accountUrl: 'https://x.api-us1.com', apiToken: 't' },
        quentn: { baseUrl: 'https://x.quentn.com/public/api/V1/', apiKey: 'k' },
        klicktipp: { auth: { username: 'u', password: 'p' } },
        keap: { credentials: { apiKey: 'k' } },
        capsule: { apiToken: 't' },
      };
      const parsed = connector.configSchema.safeParse(minimal[connector.id]);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      expect(templatePathProblems(connector.configSchema, parsed.data)).toEqual([]);
    },
  );
});
