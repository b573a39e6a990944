/**
 * Every code the admin API can answer is documented in the admin section of docs/errors.md
 * (the catalogue test only checks that each code has a row somewhere), and the answers that
 * Fastify produces before a route runs carry those codes.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../core/errors.js';
import { TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { errorCodesOf } from './openapi.js';
import { adminRoutes } from './route-table.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/** Answered by the app around the routes: an unknown path, and a bug. */
const APP_LEVEL: readonly ErrorCode[] = ['ROUTE_NOT_FOUND', 'INTERNAL'];

function adminSection(): string {
  const start = doc.indexOf('## Admin API');
  const end = doc.indexOf('\n## ', start + 1);
  return doc.slice(start, end === -1 ? undefined : end);
}

describe('admin API error codes in docs/errors.md', () => {
  it('names every code a route can answer in the admin section', () => {
    const mentioned = new Set(
      [...adminSection().matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]),
    );
    const answered = new Set<ErrorCode>([
      ...APP_LEVEL,
      ...adminRoutes.flatMap((route) => errorCodesOf(route)),
    ]);
    expect([...answered].filter((code) => !mentioned.has(code))).toEqual([]);
  });
});

for (const dialect of enabledDialects().slice(0, 1)) {
  describe(`admin API answers to bodies it cannot read, on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    const post = (contentType: string, payload: string) =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/sources',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': contentType },
        payload,
      });

    it('not JSON: 415 UNSUPPORTED_CONTENT_TYPE', async () => {
      const res = await post('text/plain', 'provider=digistore24');
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ error: { code: 'UNSUPPORTED_CONTENT_TYPE' } });
    });

    it('broken JSON: 400 MALFORMED_BODY', async () => {
      const res = await post('application/json', '{"provider":');
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'MALFORMED_BODY' } });
    });

    it('over 1 MB: 413 BODY_TOO_LARGE', async () => {
      const res = await post(
        'application/json',
        JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 1) }),
      );
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ error: { code: 'BODY_TOO_LARGE' } });
    });
  });
}
