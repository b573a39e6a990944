/**
 * Bad input on the inbound route, through real HTTP: each case gets a clear 4xx with a stable
 * code, is recorded as a rejected request when the source is known, and neither crashes the
 * process nor blocks a good request sent alongside. Also the operational endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import {
  encodeDigistore24Body,
  sampleDigistore24Fields,
} from '../../src/providers/digistore24/sign-request.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';
import type { TestRuntime } from '../helpers/test-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';

const PASS = 'bad-input-pass';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

for (const dialect of enabledDialects()) {
  describe(`bad inbound input on ${dialect}`, () => {
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let base: string;
    let sourceId: string;

    beforeAll(async () => {
      runtime = await createTestRuntime(dialect, { config: { bodyLimitBytes: 4096 } });
      app = await runtime.buildApp();
      base = await app.listen({ port: 0, host: '127.0.0.1' });
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

    async function post(
      path: string,
      body: string | Buffer,
      headers: Record<string, string> = FORM,
    ) {
      const res = await request(`${base}${path}`, { method: 'POST', headers, body });
      return {
        status: res.statusCode,
        type: String(res.headers['content-type']),
        text: await res.body.text(),
      };
    }

    async function lastVerdict() {
      return runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code'])
        .orderBy('id', 'desc')
        .executeTakeFirst();
    }

    const good = () =>
      encodeDigistore24Body(
        sampleDigistore24Fields('on_payment', {
          orderId: `OK${Math.random().toString(36).slice(2, 10)}`,
          transactionId: String(Date.now()),
        }),
        PASS,
      );

    it.each([
      [
        'wrong content type',
        () => post(`/ipn/${sourceId}`, good(), { 'content-type': 'application/json' }),
        415,
        'UNSUPPORTED_CONTENT_TYPE',
      ],
      [
        'no content type',
        () => post(`/ipn/${sourceId}`, good(), {}),
        415,
        'UNSUPPORTED_CONTENT_TYPE',
      ],
      [
        'oversized body',
        () => post(`/ipn/${sourceId}`, `${good()}&pad=${'x'.repeat(8192)}`),
        413,
        'BODY_TOO_LARGE',
      ],
      [
        'malformed percent escape',
        () => post(`/ipn/${sourceId}`, 'event=on_payment&order_id=%ZZ&sha_sign=AA'),
        400,
        'MALFORMED_BODY',
      ],
      [
        'invalid UTF-8',
        () =>
          post(
            `/ipn/${sourceId}`,
            Buffer.concat([
              Buffer.from('event=on_payment&address_city='),
              Buffer.from([0xff, 0xfe]),
              Buffer.from('&sha_sign=AA'),
            ]),
          ),
        400,
        'MALFORMED_BODY',
      ],
      [
        'duplicate field',
        () => post(`/ipn/${sourceId}`, 'event=on_payment&event=on_refund&sha_sign=AA'),
        400,
        'DUPLICATE_FIELD',
      ],
      [
        'missing signature',
        () => post(`/ipn/${sourceId}`, 'event=on_payment&order_id=X1'),
        403,
        'SIGNATURE_MISSING',
      ],
      [
        'unconfigured passphrase',
        () =>
          post(
            `/ipn/${sourceId}`,
            'event=on_payment&order_id=X1&sha_sign=no_signature_passphrase_provided',
          ),
        403,
        'SIGNATURE_NOT_CONFIGURED',
      ],
      [
        'missing event',
        () =>
          post(
            `/ipn/${sourceId}`,
            encodeDigistore24Body({ order_id: 'X1', api_mode: 'live' }, PASS),
          ),
        400,
        'MISSING_FIELD',
      ],
      [
        'order event without order id',
        () =>
          post(
            `/ipn/${sourceId}`,
            encodeDigistore24Body({ event: 'on_payment', api_mode: 'live' }, PASS),
          ),
        400,
        'MISSING_FIELD',
      ],
    ])('%s → %i %s, recorded as rejected', async (_name, send, status, code) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.text).toMatch(new RegExp(`^ERROR: ${code}: `));
      expect(res.type).toContain('text/plain');
      expect(await lastVerdict()).toEqual({ verdict: 'rejected', verdict_code: code });
    });

    it('answers an unknown source with 404 and stores nothing', async () => {
      const before = await runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const res = await post('/ipn/src_DOESNOTEXIST', good());
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'SOURCE_NOT_FOUND' } });
      const after = await runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('keeps serving good requests while bad ones arrive at the same time', async () => {
      const bad = Array.from({ length: 20 }, (_, i) =>
        post(`/ipn/${sourceId}`, i % 2 ? 'garbage%%%' : `${good()}&pad=${'y'.repeat(9000)}`),
      );
      const goods = Array.from({ length: 10 }, () => post(`/ipn/${sourceId}`, good()));
      const results = await Promise.all([...bad, ...goods]);
      expect(results.slice(20).every((r) => r.status === 200 && r.text === 'OK')).toBe(true);
      expect(results.slice(0, 20).every((r) => r.status >= 400 && r.status < 500)).toBe(true);
      const health = await request(`${base}/healthz`);
      expect(health.statusCode).toBe(200);
      await health.body.dump();
    });

    it('serves health, readiness and Prometheus metrics', async () => {
      const ready = await request(`${base}/readyz`);
      expect(ready.statusCode).toBe(200);
      expect(await ready.body.json()).toMatchObject({ status: 'ready' });
      const metrics = await request(`${base}/metrics`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const text = await metrics.body.text();
      expect(text).toMatch(/ipnhub_inbound_requests_total\{verdict="accepted"\} [1-9]/);
      expect(text).toMatch(/ipnhub_inbound_requests_total\{verdict="rejected"\} [1-9]/);
      expect(text).toMatch(/ipnhub_events_total\{type="payment"\} [1-9]/);
      expect(text).toMatch(/ipnhub_queue_depth\{status="pending"\} 0/);
      expect(text).toContain('ipnhub_delivery_duration_seconds_bucket');
    });
  });
}
