import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { startCatchHook } from '../../../test/fakes/catch-hook.js';
import { EVENT_TYPES } from '../../core/events.js';
import { sampleEvent } from '../sample-event.js';
import { FLAT_FIELDS, flatBody, flatSample } from './flat-body.js';
import { config, connector, context, http, testContext } from './test-support/contract-harness.js';
import { presetEvent } from './test-support/preset-events.js';
import { webhookConfigSchema } from './config.js';

afterAll(() => http.close());

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/flat-bodies.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;

describe('Zapier and Make presets', () => {
  it('give every event type the flat body of the fixture: the same fields, in order, none nested', () => {
    expect(Object.keys(fixture)).toEqual([...EVENT_TYPES]);
    for (const type of EVENT_TYPES) {
      const body = flatBody(presetEvent(type));
      expect(body, type).toEqual(fixture[type]);
      expect(Object.keys(body), type).toEqual(Object.keys(FLAT_FIELDS));
      for (const [name, value] of Object.entries(body)) {
        expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(value === null || typeof value !== 'object', `${type}.${name}`).toBe(true);
      }
    }
  });

  it('describe every field in docs/protocols/webhooks.md', () => {
    const doc = readFileSync(
      new URL('../../../docs/protocols/webhooks.md', import.meta.url),
      'utf8',
    );
    for (const field of Object.keys(FLAT_FIELDS)) expect(doc, field).toContain(`| \`${field}\` |`);
  });

  for (const tool of ['zapier', 'make'] as const) {
    it(`delivers the flat body to a ${tool} catch hook, which answers like ${tool}`, async () => {
      const hook = await startCatchHook(tool);
      try {
        const event = presetEvent('payment');
        const result = await connector.deliver(
          event,
          config({ url: hook.url, preset: tool }),
          context(),
        );
        expect(result).toMatchObject({ outcome: 'delivered', statusCode: 200 });
        expect(hook.caught[0]?.body).toEqual(fixture.payment);
        const test = await connector.testConnection(
          config({ url: hook.url, preset: tool }),
          testContext(),
        );
        expect(test.ok).toBe(true);
        expect(hook.caught[1]?.body).toMatchObject({ event_type: 'connection_test' });
        // The preview (admin UI, POST /connectors/webhook/preview) shows what the hook will learn from.
        expect(
          connector.preview(sampleEvent('payment'), config({ url: hook.url, preset: tool })),
        ).toEqual({
          body: flatSample(),
        });
      } finally {
        await hook.close();
      }
    });
  }

  it('refuses a field mapping together with a preset, naming the field', () => {
    const parsed = webhookConfigSchema.safeParse({
      url: 'https://hooks.zapier.com/hooks/catch/1/abc/',
      preset: 'zapier',
      mapping: { email: 'buyer.email' },
    });
    expect(parsed.error?.issues).toEqual([
      expect.objectContaining({
        path: ['mapping'],
        message: expect.stringContaining('the "zapier" format sends fixed fields'),
      }),
    ]);
    expect(
      webhookConfigSchema.safeParse({ url: 'https://x.example', preset: 'ifttt' }).success,
    ).toBe(false);
  });

  it('a standard webhook still sends the Standard Webhooks envelope', async () => {
    const hook = await startCatchHook('zapier');
    try {
      const result = await connector.deliver(
        sampleEvent('payment'),
        config({ url: hook.url }),
        context(),
      );
      // The envelope nests the event, which a flat catch hook refuses: the two formats differ.
      expect(result).toMatchObject({ outcome: 'failed', statusCode: 400 });
    } finally {
      await hook.close();
    }
  });
});
