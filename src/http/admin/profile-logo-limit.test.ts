/**
 * The logo upload's size limit over real HTTP on both dialects: the route reads a body big
 * enough for the largest allowed logo (also with its base64 wrapped in lines), and answers
 * LOGO_TOO_LARGE for any larger logo — one byte over, over the old schema limit, and far over
 * the app's body limit — while other errors of the route and other routes' body limit stay
 * what they were.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LOGO_BYTES, MAX_LOGO_UPLOAD_BYTES } from '../../invoicing/logo.js';
import { sampleProfileSettings } from '../../invoicing/test-support/invoicing-fixtures.js';
import { enabledDialects } from '../../../test/helpers/test-db.js';
import { createTestRuntime, TEST_ADMIN_TOKEN } from '../../../test/helpers/test-runtime.js';
import type { TestRuntime } from '../../../test/helpers/test-runtime.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A "PNG" of exactly `bytes` bytes (the signature, then varied bytes so base64 has every character). */
function png(bytes: number): Buffer {
  const body = Buffer.alloc(bytes - PNG_SIGNATURE.length);
  for (let i = 0; i < body.length; i += 1) body[i] = (i * 37 + (i >> 8)) & 0xff;
  return Buffer.concat([PNG_SIGNATURE, body]);
}

/** Base64 in lines of 64 characters with CRLF, as `openssl base64` and PEM write it. */
function wrapped(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,64}/g) ?? []).join('\r\n');
}

interface Answer {
  status: number;
  body: { error?: { code: string; message: string }; logo?: { bytes: number } | null };
}

for (const dialect of enabledDialects()) {
  describe(`logo upload size over HTTP on ${dialect}`, () => {
    let runtime: TestRuntime;
    let app: FastifyInstance;
    let base: string;
    let profileId: string;

    beforeAll(async () => {
      runtime = await createTestRuntime(dialect);
      app = await runtime.buildApp();
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1`;
      profileId = (
        await runtime.profiles.create({
          name: 'Muster',
          invoicing: false,
          settings: sampleProfileSettings(),
        })
      ).id;
    });
    afterAll(async () => {
      await app.close();
      await runtime.dispose();
    });

    async function send(method: 'POST' | 'PATCH', path: string, body: string): Promise<Answer> {
      const res = await request(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'content-type': 'application/json',
        },
        body,
      });
      return { status: res.statusCode, body: (await res.body.json()) as Answer['body'] };
    }

    const upload = (data: string): Promise<Answer> =>
      send('POST', `/profiles/${profileId}/logo`, JSON.stringify({ data }));

    it('takes a logo of exactly the limit, also with its base64 wrapped in lines', async () => {
      const largest = png(MAX_LOGO_BYTES);
      const plain = await upload(largest.toString('base64'));
      expect(plain.status).toBe(200);
      expect(plain.body.logo).toEqual({ mediaType: 'image/png', bytes: MAX_LOGO_BYTES });
      const lines = JSON.stringify({ data: wrapped(largest) });
      expect(Buffer.byteLength(lines)).toBeGreaterThan(
        Math.ceil(MAX_LOGO_BYTES / 3) * 4 + 4 * 5000,
      );
      const wrappedAnswer = await send('POST', `/profiles/${profileId}/logo`, lines);
      expect(wrappedAnswer.status).toBe(200);
      expect(wrappedAnswer.body.logo).toEqual({ mediaType: 'image/png', bytes: MAX_LOGO_BYTES });
      const stored = await runtime.dbHandle.db
        .selectFrom('seller_profiles')
        .select('logo')
        .where('id', '=', profileId)
        .executeTakeFirstOrThrow();
      expect(Buffer.from(stored.logo ?? Buffer.alloc(0)).equals(largest)).toBe(true);
    });

    it('answers LOGO_TOO_LARGE one byte over, at 270 KiB and far over the app’s body limit', async () => {
      for (const bytes of [MAX_LOGO_BYTES + 1, 270 * 1024, 300 * 1024, 2 * 1024 * 1024]) {
        const answer = await upload(png(bytes).toString('base64'));
        expect({ bytes, status: answer.status, code: answer.body.error?.code }).toEqual({
          bytes,
          status: 400,
          code: 'LOGO_TOO_LARGE',
        });
      }
      // A body just over the route's limit is refused before it is read, with the same code.
      const justOver = await send(
        'POST',
        `/profiles/${profileId}/logo`,
        JSON.stringify({ data: 'A'.repeat(MAX_LOGO_UPLOAD_BYTES) }),
      );
      expect(justOver).toMatchObject({ status: 400, body: { error: { code: 'LOGO_TOO_LARGE' } } });
      expect((await runtime.profiles.get(profileId))?.logo).toEqual({
        mediaType: 'image/png',
        bytes: MAX_LOGO_BYTES,
      });
    });

    it('keeps the route’s other answers and other routes’ body limit', async () => {
      expect(await send('POST', `/profiles/${profileId}/logo`, '{"data":')).toMatchObject({
        status: 400,
        body: { error: { code: 'MALFORMED_BODY' } },
      });
      expect(
        await send(
          'POST',
          '/profiles/prf_missing/logo',
          JSON.stringify({ data: png(64).toString('base64') }),
        ),
      ).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
      expect(await upload('not base64!')).toMatchObject({
        status: 400,
        body: { error: { code: 'LOGO_INVALID' } },
      });
      const huge = await send(
        'PATCH',
        `/profiles/${profileId}`,
        JSON.stringify({ name: 'x'.repeat(1024 * 1024) }),
      );
      expect(huge).toMatchObject({ status: 413, body: { error: { code: 'BODY_TOO_LARGE' } } });
    });
  });
}
