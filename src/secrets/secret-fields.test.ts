import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { issueMessage } from '../connections/issue-message.js';
import { nextUpdatedAt } from '../connections/row-version.js';
import { createSecretBox } from './secret-box.js';
import {
  generatedSecrets,
  mergeConfigPatch,
  openSecrets,
  sealSecrets,
  secretStatus,
  secretStrings,
} from './secret-fields.js';

const box = createSecretBox(Buffer.alloc(32, 3));

describe('sealSecrets / openSecrets', () => {
  it('moves top-level and nested secrets out of the plain part and back', () => {
    const config = {
      url: 'https://x.example',
      token: 't0k3n',
      headers: { a: 'b' },
      auth: { user: 'u', password: 'pw' },
      n: 1,
    };
    const fields = ['token', 'headers', 'auth.password', 'absent', 'auth.missing'];
    const { plain, secrets } = sealSecrets(config, fields, box);
    expect(plain).toEqual({ url: 'https://x.example', auth: { user: 'u' }, n: 1 });
    expect(Object.keys(JSON.parse(secrets) as object)).toEqual([
      'token',
      'headers',
      'auth.password',
    ]);
    expect(secrets).not.toContain('t0k3n');
    expect(secrets).not.toContain('"pw"');
    expect(config.auth.password).toBe('pw');
    expect(openSecrets(plain, secrets, box)).toEqual(config);
    expect(secretStatus(secrets, fields)).toEqual({
      token: 'set',
      headers: 'set',
      'auth.password': 'set',
      absent: 'unset',
      'auth.missing': 'unset',
    });
    expect(secretStatus(secrets)).toEqual({ token: 'set', headers: 'set', 'auth.password': 'set' });
  });
});

describe('mergeConfigPatch', () => {
  const current = {
    url: 'https://a',
    secret: 's3',
    tags: ['x'],
    auth: { user: 'u', password: 'pw' },
  };
  const fields = ['secret', 'auth.password'];

  it('replaces given keys, removes null ones and keeps the rest', () => {
    expect(
      mergeConfigPatch(
        current,
        { url: 'https://b', tags: null, extra: 1, ignored: undefined },
        fields,
      ),
    ).toEqual({
      url: 'https://b',
      secret: 's3',
      extra: 1,
      auth: { user: 'u', password: 'pw' },
    });
  });

  it('keeps a nested secret the patch omits, but takes one it gives', () => {
    expect(mergeConfigPatch(current, { auth: { user: 'v' } }, fields)).toEqual({
      ...current,
      auth: { user: 'v', password: 'pw' },
    });
    expect(mergeConfigPatch(current, { auth: { user: 'v', password: 'new' } }, fields)).toEqual({
      ...current,
      auth: { user: 'v', password: 'new' },
    });
    expect(mergeConfigPatch(current, { auth: null }, fields)).toEqual({
      url: 'https://a',
      secret: 's3',
      tags: ['x'],
    });
  });

  it('never mutates its inputs', () => {
    const patch = { auth: { user: 'v' } };
    mergeConfigPatch(current, patch, fields);
    expect(patch).toEqual({ auth: { user: 'v' } });
    expect(current.auth).toEqual({ user: 'u', password: 'pw' });
  });
});

describe('secretStrings and generatedSecrets', () => {
  it('collects every string and number inside secret fields only', () => {
    const found = secretStrings(
      [
        { secret: 'a1', headers: { x: 'h1', y: ['h2', 7] }, url: 'https://not-secret' },
        'not an object',
      ],
      ['secret', 'headers'],
    );
    expect(found.sort()).toEqual(['7', 'a1', 'h1', 'h2']);
  });

  it('reports secret strings the schema filled in, nothing else', () => {
    const parsed = { secret: 'whsec_gen', headers: {}, other: 'x', given: 'g' };
    expect(
      generatedSecrets({ given: 'g' }, parsed, ['secret', 'headers', 'given', 'none']),
    ).toEqual({ secret: 'whsec_gen' });
    expect(generatedSecrets(undefined, parsed, ['secret'])).toEqual({ secret: 'whsec_gen' });
  });
});

describe('issueMessage', () => {
  it('names each issue by path and scrubs the given values, longest first', () => {
    const schema = z.object({
      a: z.string().refine(() => false, { error: (issue) => `bad ${String(issue.input)}` }),
      b: z.object({ c: z.number() }),
    });
    const result = schema.safeParse({ a: 'secret-and-more', b: { c: 'x' } });
    if (!result.error) throw new Error('expected a validation error');
    expect(issueMessage(result.error, { redact: ['secret', 'secret-and-more', ''] })).toBe(
      'a: bad [redacted]; b.c: must be a number, not text',
    );
    expect(issueMessage(result.error, { prefix: 'config' })).toBe(
      'config.a: bad secret-and-more; config.b.c: must be a number, not text',
    );
    const root = z.object({}).safeParse('x');
    expect(root.error && issueMessage(root.error)).toBe('(root): must be an object, not text');
  });
});

describe('nextUpdatedAt', () => {
  it('moves forward even when the clock stands still or runs behind', () => {
    expect(nextUpdatedAt(new Date('2026-01-01T00:00:05.000Z'), '2026-01-01T00:00:00.000Z')).toBe(
      '2026-01-01T00:00:05.000Z',
    );
    expect(nextUpdatedAt(new Date('2026-01-01T00:00:00.000Z'), '2026-01-01T00:00:00.000Z')).toBe(
      '2026-01-01T00:00:00.001Z',
    );
    expect(nextUpdatedAt(new Date('2025-12-31T00:00:00.000Z'), '2026-01-01T00:00:00.999Z')).toBe(
      '2026-01-01T00:00:01.000Z',
    );
  });
});
