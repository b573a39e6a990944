import { describe, expect, it } from 'vitest';
import { configPatch } from './config-patch.js';
import { checkValue, defaultsOf, kindOf, pruneEmpty } from './json-schema.js';
import type { JsonSchema } from './json-schema.js';

const schema: JsonSchema = {
  type: 'object',
  required: ['url', 'passphrase'],
  properties: {
    url: { type: 'string', format: 'uri' },
    passphrase: { type: 'string', minLength: 8, writeOnly: true },
    email: { type: 'string', format: 'email' },
    code: { type: 'string', pattern: '^[A-Z]{3}$' },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
    ratio: { type: 'number', exclusiveMinimum: 0 },
    environment: { type: 'string', enum: ['live', 'sandbox'], default: 'live' },
    enabled: { type: 'boolean', default: true },
    tags: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2 },
    events: { type: 'array', items: { type: 'string', enum: ['payment', 'refund'] } },
    headers: {
      type: 'object',
      propertyNames: { type: 'string' },
      additionalProperties: { type: 'string', maxLength: 5 },
    },
    nested: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, mode: { type: 'string', default: 'a' } },
    },
    price: {
      anyOf: [
        { type: 'string', pattern: '^\\d+$' },
        { type: 'array', items: { type: 'string' } },
      ],
    },
    anything: {},
  },
};

const props = schema.properties ?? {};

describe('JSON Schema subset', () => {
  it('picks a control for every kind the config schemas use', () => {
    const kinds = Object.fromEntries(
      Object.entries(props).map(([name, property]) => [name, kindOf(property)]),
    );
    expect(kinds).toEqual({
      url: 'string',
      passphrase: 'string',
      email: 'string',
      code: 'string',
      timeoutMs: 'integer',
      ratio: 'number',
      environment: 'enum',
      enabled: 'boolean',
      tags: 'array',
      events: 'array',
      headers: 'map',
      nested: 'object',
      price: 'choice',
      anything: 'json',
    });
    expect(kindOf({ type: ['string', 'null'] })).toBe('string');
  });

  it('starts a form with the defaults, nested ones included', () => {
    expect(defaultsOf(schema)).toEqual({
      environment: 'live',
      enabled: true,
      nested: { mode: 'a' },
    });
  });

  it('names every problem by its field path', () => {
    const problems = checkValue(schema, {
      url: 'not a url',
      email: 'x@y',
      code: 'eur',
      timeoutMs: 50.5,
      ratio: 0,
      tags: ['a', '', 'c'],
      headers: { Authorization: 'toolong' },
      nested: { mode: 'b' },
      price: 'abc',
    });
    expect(Object.fromEntries(problems)).toEqual({
      url: { key: 'uri' },
      passphrase: { key: 'required' },
      email: { key: 'email' },
      code: { key: 'pattern' },
      timeoutMs: { key: 'integer' },
      ratio: { key: 'min', values: { min: 0 } },
      tags: { key: 'tooManyItems', values: { count: 2 } },
      'tags.1': { key: 'required' },
      'headers.Authorization': { key: 'tooLong', values: { count: 5 } },
      'nested.name': { key: 'required' },
      price: { key: 'pattern' },
    });
  });

  it('accepts a valid value, and a stored secret as present', () => {
    const value = {
      url: 'https://example.com/ipn',
      timeoutMs: 100,
      ratio: 0.5,
      price: ['1', '2'],
      nested: { name: 'x' },
    };
    expect(checkValue(schema, value, { storedSecrets: new Set(['passphrase']) }).size).toBe(0);
    expect(
      checkValue(
        schema,
        { ...value, timeoutMs: 60001 },
        { storedSecrets: new Set(['passphrase']) },
      ).get('timeoutMs'),
    ).toEqual({ key: 'max', values: { max: 60000 } });
  });

  it('sends untouched optional fields as absent', () => {
    expect(
      pruneEmpty({ a: '', b: 'x', c: { d: '' }, e: [''], f: undefined, g: false, h: 0 }),
    ).toEqual({ b: 'x', e: [undefined], g: false, h: 0 });
  });
});

describe('config patch of an edit form', () => {
  it('sends changed fields, null for removed ones and cleared secrets, and nothing for kept secrets', () => {
    const stored = {
      environment: 'live',
      receiverEmail: 'a@example.com',
      expectedPrices: { x: { amount: '1', currency: 'EUR' } },
    };
    const edited = { environment: 'sandbox', receiverEmail: '', clientId: 'abc' };
    expect(configPatch(stored, edited, new Set(['clientSecret', 'credentials.password']))).toEqual({
      environment: 'sandbox',
      clientId: 'abc',
      receiverEmail: null,
      expectedPrices: null,
      clientSecret: null,
    });
  });
});
