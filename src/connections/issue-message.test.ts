import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { fieldProblems, issueMessage, validationError } from './issue-message.js';

function problems(schema: z.ZodType, input: unknown): Record<string, string> {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected a validation error');
  return Object.fromEntries(fieldProblems(result.error, { input }).map((f) => [f.path, f.problem]));
}

describe('validation problems in plain words', () => {
  it('says that a field is missing and what it should hold, instead of "expected string, received undefined"', () => {
    const schema = z.object({
      passphrase: z.string(),
      count: z.number(),
      on: z.boolean(),
      tags: z.array(z.string()),
      url: z.url({ error: 'must be an https:// URL' }),
    });
    expect(problems(schema, {})).toEqual({
      passphrase: 'is required (text)',
      count: 'is required (a number)',
      on: 'is required (true or false)',
      tags: 'is required (a list)',
      url: 'is required: must be an https:// URL',
    });
  });

  it('names the expected and the given kind of a value of the wrong type', () => {
    const schema = z.object({
      a: z.string(),
      b: z.number(),
      c: z.boolean(),
      d: z.array(z.string()),
      e: z.object({}),
    });
    expect(problems(schema, { a: 5, b: 'five', c: 'yes', d: 'x', e: [] })).toEqual({
      a: 'must be text, not a whole number',
      b: 'must be a number, not text',
      c: 'must be true or false, not text',
      d: 'must be a list, not text',
      e: 'must be an object, not a list',
    });
  });

  it('states sizes, formats, choices (with the closest one) and unknown fields', () => {
    const schema = z.strictObject({
      name: z.string().min(1),
      code: z.string().min(3).max(5),
      n: z.number().int().min(1).max(10),
      step: z.number().multipleOf(5),
      list: z.array(z.string()).min(1).max(2),
      mail: z.email(),
      link: z.url(),
      key: z.string().startsWith('key_'),
      plain: z.string().regex(/^[a-z]+$/),
      env: z.enum(['live', 'sandbox']),
      one: z.literal('only'),
    });
    expect(
      problems(schema, {
        name: '',
        code: 'abcdef',
        n: 0,
        step: 7,
        list: [],
        mail: 'nobody',
        link: 'nowhere',
        key: 'abc',
        plain: 'A1',
        env: 'lvie',
        one: 'two',
        extra: 1,
        colour: 'red',
      }),
    ).toEqual({
      '(root)': 'unknown fields "extra", "colour"',
      name: 'must not be empty',
      code: 'must be at most 5 characters',
      n: 'must be at least 1',
      step: 'must be a multiple of 5',
      list: 'needs at least one entry',
      mail: 'is not an e-mail address',
      link: 'is not a URL',
      key: 'must start with "key_"',
      plain: 'must match the pattern /^[a-z]+$/',
      env: 'must be one of live, sandbox (did you mean "live"?)',
      one: 'must be only',
    });
    expect(
      problems(z.object({ n: z.number().max(3), list: z.array(z.number()).max(2) }), {
        n: 4,
        list: [1, 2, 3],
      }),
    ).toEqual({ n: 'must be at most 3', list: 'must have at most 2 entries' });
  });

  it("keeps a schema's own message", () => {
    expect(
      problems(z.object({ token: z.string().min(16, 'must be at least 16 characters long') }), {
        token: 'x',
      }),
    ).toEqual({ token: 'must be at least 16 characters long' });
  });

  it('without the input, still tells a missing value from a wrong one', () => {
    const result = z.object({ a: z.string(), b: z.string() }).safeParse({ b: 1 });
    if (result.success) throw new Error('expected a validation error');
    expect(issueMessage(result.error)).toBe('a: is required (text); b: must be text, not a number');
  });

  it('builds an IpnhubError whose detail and fields agree, scrubbed of secrets', () => {
    const schema = z.object({
      apiKey: z.string().refine((v) => v.startsWith('k_'), {
        error: (issue) => `${String(issue.input)} must start with k_`,
      }),
      port: z.number(),
    });
    const input = { apiKey: 'SECRET-VALUE', port: 'x' };
    const result = schema.safeParse(input);
    if (result.success) throw new Error('expected a validation error');
    const err = validationError('INVALID_CONFIG', result.error, {
      redact: ['SECRET-VALUE'],
      input,
      prefix: 'config',
    });
    expect(err.code).toBe('INVALID_CONFIG');
    expect(err.fields).toEqual([
      { path: 'config.apiKey', problem: '[redacted] must start with k_' },
      { path: 'config.port', problem: 'must be a number, not text' },
    ]);
    expect(err.detail).toBe(
      'config.apiKey: [redacted] must start with k_; config.port: must be a number, not text',
    );
    expect(err.message).not.toContain('SECRET-VALUE');
  });
});
