import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, IpnhubError } from './errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it('documents every code in docs/errors.md with its HTTP status', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
      expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
      expect(row).toContain(`| ${entry.status} |`);
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('uses UPPER_SNAKE codes only', () => {
    for (const code of Object.keys(ERROR_CATALOGUE))
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('carries code, status and detail', () => {
    const err = new IpnhubError('SIGNATURE_INVALID', 'variant A and B did not match');
    expect(err.code).toBe('SIGNATURE_INVALID');
    expect(err.status).toBe(403);
    expect(err.message).toBe('The signature does not match. variant A and B did not match');
  });
});
