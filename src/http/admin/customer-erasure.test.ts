/**
 * `DELETE /api/v1/customers/:id` on both dialects: erases the buyer (the erasure itself is
 * tested in retention/erase-customer.test.ts), answers the audit record with the actor of the
 * request and no e-mail, 404 `NOT_FOUND` for an unknown id, 401 without a token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds24Request } from '../../../test/helpers/ds24.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'erase-route-passphrase';
const EMAIL = 'ottilie.vanderbeek@example.com';

for (const dialect of enabledDialects()) {
  describe(`DELETE /customers/:id on ${dialect}`, () => {
    let h: AdminHarness;
    let customerId: string;

    beforeEach(async () => {
      h = await startAdminHarness(dialect);
      const source = await h.runtime.sources.create({
        provider: 'digistore24',
        name: 'DS24',
        config: { passphrase: PASSPHRASE },
      });
      const result = await h.runtime.ingest.receive(
        source.id,
        ds24Request(source.id, PASSPHRASE, 'on_payment', { email: EMAIL, orderId: 'ORD-1' }),
      );
      expect(result.outcome.kind).toBe('accepted');
      customerId = (
        await h.db
          .selectFrom('customers')
          .select('id')
          .where('email', '=', EMAIL)
          .executeTakeFirstOrThrow()
      ).id;
    });

    afterEach(async () => h.close());

    it('erases the customer and answers the audit record', async () => {
      const res = await h.call('DELETE', `/customers/${customerId}`);
      expect(res.status).toBe(200);
      const body = res.json<{
        customerId: string;
        actor: string;
        removed: Record<string, number>;
      }>();
      expect(body).toMatchObject({
        customerId,
        actor: 'api:token',
        removed: { customers: 1, events: 1, inboundRequests: 1 },
      });
      expect(res.text).not.toContain('ottilie');
      const customer = await h.call('GET', `/customers/${customerId}`);
      expect(customer.json<{ email: string; firstName: string | null }>()).toMatchObject({
        email: `erased:${customerId}`,
        firstName: null,
      });
    });

    it('answers NOT_FOUND for an unknown customer and UNAUTHORIZED without a token', async () => {
      const missing = await h.call('DELETE', '/customers/cus_missing');
      expect(missing.status).toBe(404);
      expect(missing.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
      const anonymous = await h.call('DELETE', `/customers/${customerId}`, undefined, null);
      expect(anonymous.status).toBe(401);
      expect(await h.db.selectFrom('erasures').selectAll().execute()).toEqual([]);
    });
  });
}
