/**
 * Requests Node's HTTP parser refuses, through a real socket: each gets a catalogue code in the
 * format of the source's provider when the request names a known source (and is recorded as a
 * rejected request of that source), JSON otherwise; the connection is closed; every one is
 * counted in /metrics; and none is logged as an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger } from '../helpers/capture-logger.js';
import type { CapturedLogger } from '../helpers/capture-logger.js';
import { postHead, sendRaw } from '../helpers/raw-http.js';
import { startListeningRuntime } from '../helpers/listening-runtime.js';
import type { ListeningRuntime } from '../helpers/listening-runtime.js';
import { enabledDialects } from '../helpers/test-db.js';
import { TEST_ADMIN_TOKEN } from '../helpers/test-runtime.js';

const FORM = 'Content-Type: application/x-www-form-urlencoded';

/** Malformed requests to `path`, by name: the raw bytes and the code they must get. */
function malformed(path: string): Array<[string, string, string]> {
  return [
    [
      'a bad chunk size',
      `${postHead(path, [FORM, 'Transfer-Encoding: chunked'])}zz\r\nabc\r\n0\r\n\r\n`,
      'MALFORMED_REQUEST',
    ],
    [
      'Transfer-Encoding with Content-Length',
      `${postHead(path, [FORM, 'Transfer-Encoding: chunked', 'Content-Length: 3'])}3\r\nabc\r\n0\r\n\r\n`,
      'MALFORMED_REQUEST',
    ],
    [
      'a repeated Content-Length',
      `${postHead(path, [FORM, 'Content-Length: 3', 'Content-Length: 4'])}abc`,
      'MALFORMED_REQUEST',
    ],
    [
      'a folded header line',
      `${postHead(path, [FORM, 'X-Folded: a', ' b', 'Content-Length: 3'])}abc`,
      'MALFORMED_REQUEST',
    ],
    [
      'a NUL in a header value',
      `${postHead(path, [FORM, 'X-Nul: a\u0000b', 'Content-Length: 3'])}abc`,
      'MALFORMED_REQUEST',
    ],
    [
      'headers over 16 KB',
      `${postHead(path, [FORM, `X-Big: ${'a'.repeat(17 * 1024)}`, 'Content-Length: 3'])}abc`,
      'HEADERS_TOO_LARGE',
    ],
  ];
}

const STATUS: Record<string, number> = { MALFORMED_REQUEST: 400, HEADERS_TOO_LARGE: 431 };

for (const dialect of enabledDialects()) {
  describe(`requests the HTTP parser refuses, on ${dialect}`, () => {
    let hub: ListeningRuntime;
    let ds24: string;
    let webhooks: string;
    let log: CapturedLogger;

    beforeAll(async () => {
      log = captureLogger('info');
      hub = await startListeningRuntime(dialect, 'parser-pass', { logger: log.logger });
      ds24 = hub.sourceId;
      webhooks = (
        await hub.runtime.sources.create({
          provider: 'paypal-webhooks',
          name: 'pp',
          config: { webhookId: 'WH-PARSER', environment: 'sandbox' },
        })
      ).id;
    });
    afterAll(async () => hub.close());

    async function rejectedOf(sourceId: string) {
      return hub.runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select(['verdict', 'verdict_code', 'method', 'url', 'remote_address', 'raw_body'])
        .where('source_id', '=', sourceId)
        .orderBy('id', 'desc')
        .executeTakeFirst();
    }

    async function inboundCount(): Promise<number> {
      const row = await hub.runtime.dbHandle.db
        .selectFrom('inbound_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }

    it.each(malformed('/ipn/SOURCE'))(
      '%s on a Digistore24 source: ERROR line, connection closed, recorded as rejected',
      async (_name, raw, code) => {
        const answer = await sendRaw(hub.port, raw.replace('/ipn/SOURCE', `/ipn/${ds24}`));
        expect(answer.status).toBe(STATUS[code]);
        expect(answer.headers['content-type']).toContain('text/plain');
        expect(answer.headers.connection).toBe('close');
        expect(answer.body).toMatch(new RegExp(`^ERROR: ${code}: `));
        expect(await rejectedOf(ds24)).toMatchObject({
          verdict: 'rejected',
          verdict_code: code,
          method: 'POST',
          url: `/ipn/${ds24}`,
          remote_address: '127.0.0.1',
        });
      },
    );

    it('answers a PayPal webhook source in its JSON format and records the request', async () => {
      const [, raw] = malformed(`/ipn/${webhooks}`)[2] ?? [];
      const answer = await sendRaw(hub.port, raw ?? '');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
      expect(await rejectedOf(webhooks)).toMatchObject({
        verdict: 'rejected',
        verdict_code: 'MALFORMED_REQUEST',
      });
    });

    it.each([
      ['an unknown source', '/ipn/src_UNKNOWN'],
      ['another path', '/api/v1/sources'],
    ])('answers %s in JSON and stores nothing', async (_name, path) => {
      const before = await inboundCount();
      for (const [, raw, code] of malformed(path)) {
        const answer = await sendRaw(hub.port, raw);
        expect(answer.status).toBe(STATUS[code]);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code } });
        expect(answer.headers['x-content-type-options']).toBe('nosniff');
      }
      expect(await inboundCount()).toBe(before);
    });

    it('answers a request that is not even a request line in JSON', async () => {
      const answer = await sendRaw(hub.port, 'P@ST /ipn/x HTTP/1.1\r\n\r\n');
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'MALFORMED_REQUEST' } });
    });

    it('counts every refusal in /metrics and logs none of them as an error', async () => {
      const metrics = await hub.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      expect(metrics.body).toMatch(/ipnhub_http_refused_total\{code="MALFORMED_REQUEST"\} [1-9]/);
      expect(metrics.body).toMatch(/ipnhub_http_refused_total\{code="HEADERS_TOO_LARGE"\} [1-9]/);
      expect(log.lines().filter((line) => Number(line.level) >= 50)).toEqual([]);
    });
  });
}
