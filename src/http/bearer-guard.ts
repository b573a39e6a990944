/**
 * `Authorization: Bearer <token>` checks for the admin API and `/metrics`, with a limit on
 * failed authentications per client address.
 *
 * A client that failed `max` times in the current one-minute window is refused with
 * `429 RATE_LIMITED` and `Retry-After` until the window ends — with any token, the right one
 * included, since letting the right token through would let a guesser keep guessing at full
 * speed. Successful requests are never counted, so a client that holds the token is not
 * throttled unless its own address also produced the failures (behind a proxy, set
 * `trustProxy` so that the address is the client's, not the proxy's). Nor are requests that
 * present no credential at all (no `Authorization` header): they guess nothing, and counting
 * them would lock out a browser whose page merely asked whether it is signed in, or whose
 * requests went out just after a cleared cookie. They get `401`, never `429`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminTokenVerifier } from '../secrets/admin-token.js';
import type { ErrorCode } from '../core/errors.js';
import { IpnhubError } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import { clientAddress } from './client-address.js';
import type { RateWindow } from './rate-window.js';

export interface BearerGuardOptions {
  /** The tokens accepted; a request passes when any of them verifies. */
  accepts: readonly AdminTokenVerifier[];
  /** Failed authentications per client address, shared by every route a token protects; null: no limit. */
  failures: RateWindow | null;
  logger: Logger;
  /** Counts a refused request. */
  refused(code: ErrorCode): void;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

async function anyAccepts(
  verifiers: readonly AdminTokenVerifier[],
  token: string,
): Promise<boolean> {
  for (const verifier of verifiers) if (await verifier.verify(token)) return true;
  return false;
}

const MISSING_BEARER_DETAIL = 'Send the header Authorization: Bearer <token>.';

/** Throws `RATE_LIMITED` (with `Retry-After`) when `client` has used up its failed authentications. Sign-in (admin-guard.ts) shares it. */
export function refuseExhaustedClient(
  options: Pick<BearerGuardOptions, 'failures' | 'logger' | 'refused'>,
  client: string,
  reply: FastifyReply,
): void {
  const { failures, logger } = options;
  if (!failures?.exhausted(client)) return;
  const count = failures.hit(client);
  if (count.firstOver)
    logger.warn(
      { client, failures: failures.max, retryAfterSeconds: count.retryAfterSeconds },
      'too many failed authentications; refusing this address until the window ends',
    );
  options.refused('RATE_LIMITED');
  reply.header('retry-after', String(count.retryAfterSeconds));
  throw new IpnhubError(
    'RATE_LIMITED',
    `Too many failed authentications from this address; retry in ${count.retryAfterSeconds} s.`,
  );
}

/** Throws `UNAUTHORIZED` with `detail`, recording the refusal; counts nothing against the address. */
function refuse(
  options: Pick<BearerGuardOptions, 'refused'>,
  reply: FastifyReply,
  detail: string,
): never {
  options.refused('UNAUTHORIZED');
  reply.header('www-authenticate', 'Bearer realm="ipnhub"');
  throw new IpnhubError('UNAUTHORIZED', detail);
}

/** Throws `UNAUTHORIZED` for a request that presented no credential at all; not counted. */
export function refuseWithoutCredential(
  options: Pick<BearerGuardOptions, 'refused'>,
  reply: FastifyReply,
): never {
  return refuse(options, reply, MISSING_BEARER_DETAIL);
}

/** Counts a failed authentication of `client` and throws `UNAUTHORIZED` with `detail`. */
export function refuseUnauthenticated(
  options: Pick<BearerGuardOptions, 'failures' | 'refused'>,
  client: string,
  reply: FastifyReply,
  detail: string,
): never {
  options.failures?.hit(client);
  return refuse(options, reply, detail);
}

/**
 * Checks the request's `Authorization` header: passes with an accepted Bearer token; throws
 * `UNAUTHORIZED` (counted) for a wrong token or another scheme, `RATE_LIMITED` when the address
 * is refused anyway. Without the header: `UNAUTHORIZED`, not counted.
 */
export async function checkBearerToken(
  options: BearerGuardOptions,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const header = req.headers.authorization;
  if (header === undefined) refuseWithoutCredential(options, reply);
  const client = clientAddress(req);
  refuseExhaustedClient(options, client, reply);
  const token = bearerToken(header);
  if (token !== undefined && (await anyAccepts(options.accepts, token))) return;
  refuseUnauthenticated(
    options,
    client,
    reply,
    token === undefined ? MISSING_BEARER_DETAIL : 'The token is not valid.',
  );
}

/** An `onRequest` hook that lets a request through with a valid token and throws `UNAUTHORIZED` or `RATE_LIMITED` otherwise. */
export function bearerGuard(
  options: BearerGuardOptions,
): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return (req, reply) => checkBearerToken(options, req, reply);
}
