import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { openObjects, unlabelledFields } from './config-schema-shape.js';

describe('unlabelledFields (config schema shape)', () => {
  it('finds fields without title or description at any depth, in arrays, records and unions', () => {
    const schema = z.object({
      url: z.string().meta({ title: 'URL' }),
      plain: z.string(),
      nested: z
        .object({ ok: z.number().meta({ description: 'fine' }), missing: z.boolean() })
        .meta({ title: 'Nested' }),
      list: z.array(z.object({ name: z.string() })).meta({ title: 'List' }),
      map: z.record(z.string(), z.object({ tag: z.string() })).meta({ title: 'Map' }),
      either: z.union([z.object({ a: z.string() }), z.string()]).meta({ title: 'Either' }),
    });
    expect(unlabelledFields(z.toJSONSchema(schema, { io: 'input' }) as never).sort()).toEqual([
      'either.a',
      'list[].name',
      'map{}.tag',
      'nested.missing',
      'plain',
    ]);
  });

  it('passes a fully labelled schema', () => {
    const schema = z.object({
      a: z.object({ b: z.string().meta({ title: 'B' }) }).meta({ title: 'A' }),
    });
    expect(unlabelledFields(z.toJSONSchema(schema) as never)).toEqual([]);
  });
});

describe('openObjects (config schema shape)', () => {
  it('finds objects at any depth that accept unknown keys', () => {
    const schema = z.strictObject({
      open: z.object({ a: z.string() }),
      strict: z.strictObject({ deeper: z.object({ b: z.string() }) }),
      list: z.array(z.object({ c: z.string() })),
      map: z.record(z.string(), z.object({ d: z.string() })),
      either: z.union([z.object({ e: z.string() }), z.string()]),
      fine: z.array(z.strictObject({ f: z.string() })),
    });
    expect(openObjects(z.toJSONSchema(schema, { io: 'input' }) as never).sort()).toEqual([
      'either',
      'list[]',
      'map{}',
      'open',
      'strict.deeper',
    ]);
    expect(
      openObjects(z.toJSONSchema(z.object({ a: z.string() }), { io: 'input' }) as never),
    ).toEqual(['(root)']);
  });
});
