/**
 * The inbound rate limit: requests over the per-address budget are answered 429 RATE_LIMITED in
 * the provider's format with Retry-After, the first refusal per address and window is recorded
 * as a rejected request and the rest only counted, other addresses keep their own budget, and
 * the next window (moved on with the manual clock) lets the address through again.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { enabledDialects } from '../helpers/test-db.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';

const PASS = 'limit-pass';

for (const dialect of enabledDialects()) {
  describe(`the inbound rate limit on ${dialect}`, () => {
    const clock = new ManualClock('2026-05-01T12:00:00.000Z');
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let sourceId: string;
    let sent = 0;

    beforeAll(async () => {
      runtime = await createTestRuntime(dialect, {
        clock,
        config: { inboundRateLimitPerMinute: 2 },
      });
      app = await runtime.buildApp();
      sourceId = (
        await runtime.sources.create({
          provider: 'digistore24',
          name: 'ds24',
          config: { passphrase: PASS },
        })
      ).id;
    });
    afterAll(async () => {
      await app.close();
      await runtime.dispose();
    });

    function post(remoteAddress: string, path = `/ipn/${sourceId}`) {
      sent += 1;
      const payload = encodeDigistore24Body(
        sampleDigistore24Fields('on_payment', {
          orderId: `LIM${sent}`,
          transactionId: `7000${sent}`,
        }),
        PASS,
      );
      return app.inject({
        method: 'POST',
        url: path,
        remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload,
      });
    }

    async function rows(remoteAddress: string) {
      return runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code'])
        .where('remote_address', '=', remoteAddress)
        .orderBy('id')
        .execute();
    }

    it('answers over-budget requests 429 in the provider format and records only the first refusal', async () => {
      const client = '198.51.100.7';
      expect((await post(client)).body).toBe('OK');
      expect((await post(client)).body).toBe('OK');
      clock.advance(20_000);
      for (let i = 0; i < 3; i++) {
        const res = await post(client);
        expect(res.statusCode).toBe(429);
        expect(res.headers['content-type']).toContain('text/plain');
        expect(res.headers['retry-after']).toBe('40');
        expect(res.body).toBe(
          'ERROR: RATE_LIMITED: Too many requests from this address; retry in 40 s.',
        );
      }
      expect(await rows(client)).toEqual([
        { verdict: 'accepted', verdict_code: null },
        { verdict: 'accepted', verdict_code: null },
        { verdict: 'rejected', verdict_code: 'RATE_LIMITED' },
      ]);
      const metrics = await app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(metrics.body).toMatch(/ipnhub_http_refused_total\{code="RATE_LIMITED"\} 3\n/);
    });

    it('keeps a separate budget per address', async () => {
      expect((await post('198.51.100.8')).body).toBe('OK');
    });

    it('answers an unknown source over budget with RATE_LIMITED in JSON and stores nothing', async () => {
      const res = await post('198.51.100.7', '/ipn/src_NOPE');
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    });

    it('lets the address through again in the next window', async () => {
      clock.advance(40_000);
      const res = await post('198.51.100.7');
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('OK');
    });
  });
}
