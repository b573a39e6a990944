import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { configJsonSchema } from './config-json-schema.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

interface Entry {
  id: string;
  displayName: string;
  description?: string;
  secretFields: string[];
  configSchema: {
    $schema: string;
    type: string;
    properties: Record<string, Record<string, unknown>>;
    required?: string[];
  };
}

describe('configJsonSchema', () => {
  it('drops defaults of write-only fields, keeps the others', () => {
    const schema = z.object({
      token: z.string().default('fixed-secret-default').meta({ writeOnly: true, title: 'Token' }),
      retries: z.number().default(3).meta({ title: 'Retries' }),
    });
    const json = configJsonSchema(schema) as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    expect(json.properties.token).toEqual({ type: 'string', writeOnly: true, title: 'Token' });
    expect(json.properties.retries).toEqual({ type: 'number', default: 3, title: 'Retries' });
    expect(json.required).toBeUndefined();
  });
});

for (const dialect of enabledDialects()) {
  describe(`admin API catalogues on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    it('lists the webhook and email connectors with their config as JSON Schema', async () => {
      const res = await h.call('GET', '/connectors');
      expect(res.status).toBe(200);
      const entries = res.json<Entry[]>();
      const byId = new Map(entries.map((entry) => [entry.id, entry]));

      const webhook = byId.get('webhook');
      expect(webhook).toMatchObject({
        id: 'webhook',
        displayName: expect.any(String),
        description: expect.any(String),
        secretFields: ['secret', 'headers'],
      });
      expect(webhook?.configSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(webhook?.configSchema.type).toBe('object');
      expect(webhook?.configSchema.required).toEqual(['url']);
      expect(webhook?.configSchema.properties.url).toMatchObject({
        type: 'string',
        title: 'Endpoint URL',
      });
      expect(webhook?.configSchema.properties.secret).toMatchObject({
        type: 'string',
        writeOnly: true,
        title: 'Signing secret',
      });
      // A generated secret must never be offered as a form default.
      expect(webhook?.configSchema.properties.secret).not.toHaveProperty('default');
      expect(res.text).not.toMatch(/whsec_[A-Za-z0-9+/=]{20,}/);

      const email = byId.get('email');
      expect(email?.configSchema.required).toEqual(['to']);
      expect(email?.configSchema.properties.to).toMatchObject({
        type: 'array',
        items: { type: 'string', format: 'email' },
        minItems: 1,
        title: 'Recipients',
      });
      expect(email?.configSchema.properties.subject).toMatchObject({
        type: 'string',
        default: '[ipnhub] {event} — order {order.id}',
      });
    });

    it('lists the providers with their source config as JSON Schema', async () => {
      const res = await h.call('GET', '/providers');
      expect(res.status).toBe(200);
      const ds24 = res.json<Entry[]>().find((entry) => entry.id === 'digistore24');
      expect(ds24).toMatchObject({
        id: 'digistore24',
        displayName: expect.any(String),
        secretFields: ['passphrase'],
      });
      expect(ds24?.configSchema.required).toEqual(['passphrase']);
      expect(ds24?.configSchema.properties.passphrase).toMatchObject({
        type: 'string',
        writeOnly: true,
        minLength: 1,
        maxLength: 200,
      });
    });
  });
}
