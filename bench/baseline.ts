/**
 * The benchmark's baseline: the least any Digistore24 IPN endpoint must do, on the same
 * Fastify. It reads the form body as bytes, parses it with `URLSearchParams`, checks
 * `sha_sign` with the very function ipnhub uses ({@link verifyShaSign}) and answers `OK` —
 * no storage, no ledger, no outbox. ipnhub's ingest figures are reported as ratios to it.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { verifyShaSign } from '../src/providers/digistore24/sha-sign.js';

const FORM = 'application/x-www-form-urlencoded';

/** `POST /ipn/:sourceId` → 200 `OK` for a valid signature, 403 with the verdict's code otherwise. */
export function buildBaselineApp(passphrase: string, bodyLimitBytes = 256 * 1024): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addContentTypeParser(
    FORM,
    { parseAs: 'buffer', bodyLimit: bodyLimitBytes },
    (_req, body, done) => done(null, body),
  );
  app.post<{ Params: { sourceId: string }; Body: Buffer | undefined }>(
    '/ipn/:sourceId',
    async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const fields = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
      const verdict = verifyShaSign(fields, passphrase);
      if (!verdict.ok)
        return reply.code(403).type('text/plain; charset=utf-8').send(`ERROR: ${verdict.code}`);
      return reply.code(200).type('text/plain; charset=utf-8').send('OK');
    },
  );
  return app;
}
