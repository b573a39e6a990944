import { describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { checkConfigLimits, CONNECTION_CONFIG_LIMITS } from './config-limits.js';

function refusal(config: unknown): IpnhubError {
  try {
    checkConfigLimits(config);
  } catch (err) {
    if (err instanceof IpnhubError) return err;
    throw err;
  }
  throw new Error('expected the config to be refused');
}

function mappingOf(entries: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: entries }, (_, i) => [`field${i}`, 'buyer.email']),
  );
}

describe('connection config limits', () => {
  const { maxBytes, maxEntries, maxTextChars } = CONNECTION_CONFIG_LIMITS;

  it('accepts configs at every limit', () => {
    expect(() =>
      checkConfigLimits({
        url: 'https://a.example.com',
        mapping: mappingOf(maxEntries),
        tags: Array.from({ length: maxEntries }, () => 'x'),
      }),
    ).not.toThrow();
    expect(() =>
      checkConfigLimits({ to: ['a@example.com'], body: 'b'.repeat(maxTextChars) }),
    ).not.toThrow();
    // Exactly maxBytes as JSON: {"a":"…","b":"…"} is 15 bytes around the two texts.
    expect(() =>
      checkConfigLimits({
        a: 'x'.repeat(maxTextChars),
        b: 'y'.repeat(maxBytes - maxTextChars - 15),
      }),
    ).not.toThrow();
    expect(
      refusal({ a: 'x'.repeat(maxTextChars), b: 'y'.repeat(maxBytes - maxTextChars - 14) }).detail,
    ).toBe('the config is 65537 bytes as JSON; at most 65536 are allowed.');
    expect(() => checkConfigLimits({})).not.toThrow();
    expect(() => checkConfigLimits(undefined)).not.toThrow();
  });

  it('refuses a mapping with too many entries, naming the field and the limit', () => {
    const err = refusal({ url: 'https://a.example.com', mapping: mappingOf(20_000) });
    expect([err.code, err.status, err.detail]).toEqual([
      'CONFIG_TOO_LARGE',
      400,
      'mapping has 20000 entries; at most 500 are allowed in one mapping or object.',
    ]);
    expect(refusal({ actions: { payment: { fields: mappingOf(maxEntries + 1) } } }).detail).toBe(
      'actions.payment.fields has 501 entries; at most 500 are allowed in one mapping or object.',
    );
  });

  it('refuses a list with too many entries', () => {
    expect(
      refusal({ tags: { add: Array.from({ length: 501 }, (_, i) => `tag${i}`) } }).detail,
    ).toBe('tags.add has 501 entries; at most 500 are allowed in one list.');
    expect(refusal(Array.from({ length: 501 }, () => 1)).detail).toBe(
      '(root) has 501 entries; at most 500 are allowed in one list.',
    );
  });

  it('refuses a text or a key that is too long, naming where it is but not what it says', () => {
    const body = `Hello {buyer.firstName} ${'x'.repeat(532_480)}`;
    const err = refusal({ to: ['a@example.com'], subject: 'Order', body });
    expect(err.detail).toBe(
      `body is ${body.length} characters long; at most 32768 are allowed in one text.`,
    );
    expect(err.message).not.toContain('Hello');
    expect(
      refusal({ headers: { authorization: `Bearer ${'s'.repeat(40_000)}` } }).message,
    ).not.toContain('Bearer');
    expect(refusal({ tags: ['ok', 't'.repeat(maxTextChars + 1)] }).detail).toBe(
      'tags.1 is 32769 characters long; at most 32768 are allowed in one text.',
    );
    expect(refusal({ mapping: { ['k'.repeat(maxTextChars + 1)]: 'buyer.email' } }).detail).toBe(
      'a key in mapping is 32769 characters long; at most 32768 are allowed.',
    );
  });

  it("names the field in the error's fields, so a form can show the refusal beside it", () => {
    expect(refusal({ tags: ['ok', 't'.repeat(maxTextChars + 1)] }).fields).toEqual([
      {
        path: 'tags.1',
        problem: 'is 32769 characters long; at most 32768 are allowed in one text.',
      },
    ]);
    expect(refusal({ mapping: mappingOf(501) }).fields).toEqual([
      {
        path: 'mapping',
        problem: 'has 501 entries; at most 500 are allowed in one mapping or object.',
      },
    ]);
    expect(refusal({ mapping: { ['k'.repeat(maxTextChars + 1)]: 'buyer.email' } }).fields).toEqual([
      { path: 'mapping', problem: 'has a key 32769 characters long; at most 32768 are allowed.' },
    ]);
    // The size of the whole config is no one field's.
    expect(
      refusal({ a: 'x'.repeat(maxTextChars), b: 'y'.repeat(maxBytes - maxTextChars) }).fields,
    ).toBeUndefined();
  });

  it('refuses a config whose whole size is over the limit although each part is within its own', () => {
    const parts = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`template${i}`, 'é'.repeat(12_000)]),
    );
    // 36 000 characters, but 72 000 bytes of UTF-8.
    expect(refusal(parts).detail).toMatch(
      /^the config is 720\d\d bytes as JSON; at most 65536 are allowed\.$/,
    );
  });

  it('names the first offending field in document order', () => {
    expect(refusal({ first: mappingOf(600), second: 'x'.repeat(40_000) }).detail).toMatch(
      /^first has 600 entries/,
    );
    expect(refusal({ first: 'x'.repeat(40_000), second: mappingOf(600) }).detail).toMatch(
      /^first is 40000 characters long/,
    );
  });

  it('walks deeply nested input without exhausting the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(refusal(deep).detail).toBe(
      `${Array.from({ length: 32 }, () => '0').join('.')} nests objects or lists deeper than 32 levels.`,
    );
    let ok: unknown = { leaf: 'x' };
    for (let i = 0; i < 31; i++) ok = { a: ok };
    expect(() => checkConfigLimits(ok)).not.toThrow();
  });
});
