import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { startAdminHarness } from './test-support/admin-harness.js';
import type { AdminHarness } from './test-support/admin-harness.js';

const PASSPHRASE = 'ds24-passphrase-very-secret-4711';
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const HEADER_TOKEN = 'header-token-also-secret-0815';

interface ErrorBody {
  error: { code: string; message: string; fields?: Array<{ path: string; problem: string }> };
}

/** A local endpoint answering every request with `status` and counting the requests. */
async function startEndpoint(
  status: number,
): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      hits.push(body);
      res
        .writeHead(status, { 'content-type': 'text/plain' })
        .end(status < 300 ? 'thanks' : 'broken');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

for (const dialect of enabledDialects()) {
  describe(`admin API sources and connections on ${dialect}`, () => {
    let h: AdminHarness;
    beforeAll(async () => {
      h = await startAdminHarness(dialect);
    });
    afterAll(async () => h.close());

    describe('sources', () => {
      it('creates, reads, renames, lists and deletes a source without ever echoing the passphrase', async () => {
        const created = await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'DS24 main',
          config: { passphrase: PASSPHRASE },
        });
        expect(created.status).toBe(201);
        const source = created.json<{ id: string; inboundUrl: string }>();
        expect(source).toEqual({
          id: expect.stringMatching(/^src_/),
          provider: 'digistore24',
          name: 'DS24 main',
          config: {},
          secretFields: { passphrase: 'set' },
          // No public base URL: the origin this request reached the server at (inject: localhost).
          inboundUrl: `http://localhost/ipn/${source.id}`,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
          lastNotificationAt: null,
          counts: {
            accepted: 0,
            duplicate: 0,
            ignored: 0,
            test: 0,
            rejected: 0,
            error: 0,
            pending: 0,
            held: 0,
          },
        });

        const read = await h.call('GET', `/sources/${source.id}`);
        expect(read.status).toBe(200);
        expect(read.json()).toEqual(created.json());

        const renamed = await h.call('PATCH', `/sources/${source.id}`, { name: 'DS24 shop' });
        expect(renamed.status).toBe(200);
        expect(renamed.json()).toMatchObject({
          id: source.id,
          name: 'DS24 shop',
          secretFields: { passphrase: 'set' },
        });

        const list = await h.call('GET', '/sources');
        expect(list.status).toBe(200);
        expect(list.json<{ data: Array<{ id: string }> }>().data.map((s) => s.id)).toContain(
          source.id,
        );

        for (const res of [created, read, renamed, list])
          expect(res.text).not.toContain(PASSPHRASE);

        // The passphrase survived the rename: the source still verifies with it.
        const loaded = await h.runtime.sources.loadForIngest(source.id);
        expect(loaded?.config).toEqual({ passphrase: PASSPHRASE });

        const deleted = await h.call('DELETE', `/sources/${source.id}`);
        expect(deleted.status).toBe(204);
        expect(deleted.text).toBe('');
        expect((await h.call('GET', `/sources/${source.id}`)).status).toBe(404);
        const again = await h.call('DELETE', `/sources/${source.id}`);
        expect(again.status).toBe(404);
        expect(again.json<ErrorBody>().error.code).toBe('NOT_FOUND');
      });

      it('answers validation errors with their codes, naming the field', async () => {
        const missing = await h.call('POST', '/sources', {
          provider: 'digistore24',
          config: { passphrase: PASSPHRASE },
        });
        expect(missing.status).toBe(400);
        expect(missing.json<ErrorBody>().error).toEqual({
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid. name: is required (text)',
          fields: [{ path: 'name', problem: 'is required (text)' }],
        });

        const extra = await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'x',
          config: {},
          colour: 'red',
        });
        expect(extra.status).toBe(400);
        expect(extra.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
        expect(extra.json<ErrorBody>().error.message).toContain('colour');

        const unknown = await h.call('POST', '/sources', {
          provider: 'stripe',
          name: 'x',
          config: {},
        });
        expect(unknown.status).toBe(400);
        expect(unknown.json<ErrorBody>().error.code).toBe('UNKNOWN_PROVIDER');

        const badConfig = await h.call('POST', '/sources', {
          provider: 'digistore24',
          name: 'x',
          config: { passphrase: '' },
        });
        expect(badConfig.status).toBe(400);
        expect(badConfig.json<ErrorBody>().error.code).toBe('INVALID_CONFIG');
        expect(badConfig.json<ErrorBody>().error.message).toContain('passphrase');
        expect(badConfig.json<ErrorBody>().error.fields?.map((field) => field.path)).toEqual([
          'passphrase',
        ]);

        const notJson = await h.app.inject({
          method: 'POST',
          url: '/api/v1/sources',
          headers: {
            authorization: 'Bearer test-admin-token-0123456789',
            'content-type': 'application/json',
          },
          payload: '{"provider":',
        });
        expect(notJson.statusCode).toBe(400);
        expect(notJson.json<ErrorBody>().error.code).toBe('MALFORMED_BODY');

        const unknownPatch = await h.call('PATCH', '/sources/src_nope', { name: 'y' });
        expect(unknownPatch.status).toBe(404);
        expect(unknownPatch.json<ErrorBody>().error).toEqual({
          code: 'NOT_FOUND',
          message: 'Not found. No source src_nope.',
        });
      });
    });

    describe('connections', () => {
      it('creates a webhook connection, returns the generated secret once, and never again', async () => {
        const created = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'Billing',
          filters: { eventTypes: ['payment'] },
          config: { url: 'https://billing.example.com/hook' },
          errorEmails: ['ops@example.com'],
        });
        expect(created.status).toBe(201);
        const body = created.json<{ id: string; generatedSecrets: Record<string, string> }>();
        expect(body).toMatchObject({
          id: expect.stringMatching(/^con_/),
          connector: 'webhook',
          name: 'Billing',
          active: true,
          filters: {
            eventTypes: ['payment'],
            sources: [],
            productIds: [],
            addons: 'include',
            languages: [],
            payments: 'all',
            includeTest: false,
          },
          config: { url: 'https://billing.example.com/hook' },
          secretFields: { secret: 'set', headers: 'set' },
          errorEmails: ['ops@example.com'],
        });
        const generated = body.generatedSecrets.secret;
        expect(generated).toMatch(/^whsec_/);
        expect(Object.keys(body.generatedSecrets)).toEqual(['secret']);

        const read = await h.call('GET', `/connections/${body.id}`);
        const list = await h.call('GET', '/connections');
        const patched = await h.call('PATCH', `/connections/${body.id}`, { active: false });
        expect(patched.status).toBe(200);
        expect(patched.json()).toMatchObject({ id: body.id, active: false });
        for (const res of [read, list, patched]) {
          expect(res.status).toBe(200);
          expect(res.text).not.toContain(generated ?? 'missing');
          expect(res.text).not.toContain('generatedSecrets');
        }
      });

      it('never echoes submitted secrets, in views, lists or errors', async () => {
        const created = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'CRM bridge',
          config: {
            url: 'https://crm.example.com/in',
            secret: WEBHOOK_SECRET,
            headers: { authorization: `Bearer ${HEADER_TOKEN}` },
          },
        });
        expect(created.status).toBe(201);
        const id = created.json<{ id: string }>().id;
        expect(created.json()).toMatchObject({
          generatedSecrets: {},
          secretFields: { secret: 'set', headers: 'set' },
        });

        const invalid = await h.call('PATCH', `/connections/${id}`, {
          config: { url: 'ftp://nope', secret: 'whsec_tooShort-but-secret-42' },
        });
        expect(invalid.status).toBe(400);
        expect(invalid.json<ErrorBody>().error.code).toBe('INVALID_CONFIG');
        expect(invalid.text).not.toContain('whsec_tooShort-but-secret-42');

        const renamed = await h.call('PATCH', `/connections/${id}`, { name: 'CRM bridge 2' });
        const read = await h.call('GET', `/connections/${id}`);
        const list = await h.call('GET', '/connections?limit=500');
        for (const res of [created, renamed, read, list]) {
          expect(res.text).not.toContain(WEBHOOK_SECRET);
          expect(res.text).not.toContain(HEADER_TOKEN);
        }
        // Secrets were kept through the rename.
        const loaded = await h.runtime.connections.loadForDelivery(id);
        expect(loaded?.config).toMatchObject({
          secret: WEBHOOK_SECRET,
          headers: { authorization: `Bearer ${HEADER_TOKEN}` },
        });

        expect((await h.call('DELETE', `/connections/${id}`)).status).toBe(204);
        expect((await h.call('GET', `/connections/${id}`)).status).toBe(404);
      });

      it('answers validation errors with their codes and the fields they are about', async () => {
        const badFilter = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example' },
          filters: { eventTypes: ['paid'] },
        });
        expect(badFilter.status).toBe(400);
        expect(badFilter.json<ErrorBody>().error.code).toBe('VALIDATION_FAILED');
        expect(badFilter.json<ErrorBody>().error.message).toContain('filters.eventTypes.0');
        expect(badFilter.json<ErrorBody>().error.fields?.map((f) => f.path)).toEqual([
          'filters.eventTypes.0',
        ]);

        const badEmail = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example' },
          errorEmails: ['ops@example.com', 'not-an-address'],
        });
        expect(badEmail.status).toBe(400);
        expect(badEmail.json<ErrorBody>().error.message).toContain('errorEmails.1');
        expect(badEmail.json<ErrorBody>().error.fields).toEqual([
          { path: 'errorEmails.1', problem: 'is not an e-mail address' },
        ]);

        const unknown = await h.call('POST', '/connections', {
          connector: 'fax',
          name: 'x',
          config: {},
        });
        expect(unknown.status).toBe(400);
        expect(unknown.json<ErrorBody>().error.code).toBe('UNKNOWN_CONNECTOR');

        const badConfig = await h.call('POST', '/connections', {
          connector: 'email',
          name: 'x',
          config: { to: [] },
        });
        expect(badConfig.status).toBe(400);
        expect(badConfig.json<ErrorBody>().error.code).toBe('INVALID_CONFIG');
        expect(badConfig.json<ErrorBody>().error.fields).toEqual([
          { path: 'to', problem: 'at least one recipient is required' },
        ]);

        const mapping = Object.fromEntries(
          Array.from({ length: 20_000 }, (_, i) => [`f${i}`, 'buyer.email']),
        );
        const tooLarge = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example', mapping },
        });
        expect(tooLarge.status).toBe(400);
        expect(tooLarge.json<ErrorBody>().error).toEqual({
          code: 'CONFIG_TOO_LARGE',
          message:
            "The connection's configuration exceeds a size limit. mapping has 20000 entries; at most 500 are allowed in one mapping or object.",
          fields: [
            {
              path: 'mapping',
              problem: 'has 20000 entries; at most 500 are allowed in one mapping or object.',
            },
          ],
        });

        const misspelt = await h.call('POST', '/connections', {
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example', timeoutMS: 5000 },
        });
        expect(misspelt.status).toBe(400);
        expect(misspelt.json<ErrorBody>().error).toEqual({
          code: 'INVALID_CONFIG',
          message:
            'The configuration is not valid for this provider or connector. timeoutMS: unknown setting (did you mean "timeoutMs"?)',
          fields: [{ path: 'timeoutMS', problem: 'unknown setting (did you mean "timeoutMs"?)' }],
        });

        const badPath = await h.call('POST', '/connections', {
          connector: 'email',
          name: 'x',
          config: { to: ['a@example.com'], subject: 'Hi {buyer.firstNme}' },
        });
        expect(badPath.status).toBe(400);
        expect(badPath.json<ErrorBody>().error).toEqual({
          code: 'UNKNOWN_TEMPLATE_PATH',
          message:
            'A template or field mapping names a field the event does not have. subject: "Hi {buyer.firstNme}": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)',
          fields: [
            {
              path: 'subject',
              problem:
                '"Hi {buyer.firstNme}": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)',
            },
          ],
        });

        const badActive = await h.call('PATCH', '/connections/con_x', { active: 'yes' });
        expect(badActive.status).toBe(400);
        expect(badActive.json<ErrorBody>().error).toEqual({
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid. active: must be true or false, not text',
          fields: [{ path: 'active', problem: 'must be true or false, not text' }],
        });
      });

      it("tests a connection with its connector's test: a webhook gets a signed connection_test event", async () => {
        const good = await startEndpoint(200);
        const bad = await startEndpoint(500);
        try {
          const okId = (
            await h.call('POST', '/connections', {
              connector: 'webhook',
              name: 'ok',
              config: { url: good.url, secret: WEBHOOK_SECRET },
            })
          ).json<{ id: string }>().id;
          const res = await h.call('POST', `/connections/${okId}/test`);
          expect(res.status).toBe(200);
          expect(res.json()).toEqual({
            ok: true,
            message: 'the endpoint accepted a signed test event (HTTP 200)',
          });
          expect(good.hits).toHaveLength(1);
          expect(JSON.parse(good.hits[0] ?? '{}')).toMatchObject({ type: 'connection_test' });

          const failingId = (
            await h.call('POST', '/connections', {
              connector: 'webhook',
              name: 'bad',
              config: { url: bad.url },
            })
          ).json<{ id: string }>().id;
          const failing = await h.call('POST', `/connections/${failingId}/test`);
          expect(failing.status).toBe(200);
          expect(failing.json()).toEqual({
            ok: false,
            message: 'the endpoint did not accept the test event: HTTP 500',
          });

          const missing = await h.call('POST', '/connections/con_missing/test');
          expect(missing.status).toBe(404);
          expect(missing.json<ErrorBody>().error.code).toBe('NOT_FOUND');
        } finally {
          await good.close();
          await bad.close();
        }
      });
    });
  });
}
