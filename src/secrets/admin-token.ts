/**
 * The admin API's Bearer token. Configured with `IPNHUB_ADMIN_TOKEN`, or generated on first
 * start: only its SHA-256 is stored (settings row `admin_token_sha256`), and the token itself
 * is handed to `announce` exactly once, across every process sharing the database, so the
 * server can print it for the operator.
 *
 * A stored token is checked against the row on every request, not against a copy taken at
 * start: `ipnhub token rotate` runs in another process, and a rotation is usually meant to
 * lock out a leaked token now, not at the next restart. The read is one primary-key lookup.
 * Sign-in sessions of the web UI are tied to the token's digest (admin-sessions.ts), so a
 * rotation ends them as well.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database } from '../db/schema.js';

export const ADMIN_TOKEN_SETTING = 'admin_token_sha256';
export const ADMIN_TOKEN_PREFIX = 'iph_';

export interface AdminTokenVerifier {
  /**
   * True when `presented` is the admin token as it is now (a stored token is read again on
   * every call, so a rotation by any process sharing the database applies at once);
   * compares digests in constant time.
   */
  verify(presented: string | undefined): Promise<boolean>;
  /**
   * The SHA-256 (hex) of the admin token as it is now, read like `verify` reads it; undefined
   * when none is stored. Sessions opened with another token are over.
   */
  digest(): Promise<string | undefined>;
  /** True when the token comes from the configuration (`IPNHUB_ADMIN_TOKEN`): rotating the stored one changes nothing. */
  readonly configured: boolean;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The digest sessions are tied to: SHA-256 of the token, as hex. */
export function tokenDigest(token: string): string {
  return sha256(token).toString('hex');
}

/** A new token: `iph_` + 32 random bytes in base64url. */
export function generateAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether `presented` hashes to `digest`; both are 32-byte digests, so the comparison never leaks the token's length. */
function matches(presented: string | undefined, digest: Buffer | undefined): boolean {
  if (
    presented === undefined ||
    presented.length === 0 ||
    digest === undefined ||
    digest.length !== 32
  )
    return false;
  return timingSafeEqual(sha256(presented), digest);
}

function configuredVerifier(digest: Buffer): AdminTokenVerifier {
  const hex = digest.toString('hex');
  return {
    verify: async (presented) => matches(presented, digest),
    digest: async () => hex,
    configured: true,
  };
}

/** A verifier for one token given in the configuration (e.g. the metrics token). */
export function verifierForToken(token: string): AdminTokenVerifier {
  return configuredVerifier(sha256(token));
}

function storedVerifier(db: Kysely<Database>): AdminTokenVerifier {
  return {
    verify: async (presented) => matches(presented, await readStoredDigest(db)),
    digest: async () => (await readStoredDigest(db))?.toString('hex'),
    configured: false,
  };
}

async function readStoredDigest(db: Kysely<Database>): Promise<Buffer | undefined> {
  const row = await db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', ADMIN_TOKEN_SETTING)
    .executeTakeFirst();
  return row ? Buffer.from(row.value, 'hex') : undefined;
}

/**
 * Returns the verifier for the admin token. With `configured` (`IPNHUB_ADMIN_TOKEN`) that
 * token is used and the database is not touched. Otherwise the stored digest is used; when
 * there is none, a token is generated, its digest inserted (insert-or-ignore, so of several
 * processes starting together exactly one wins) and `announce(token)` called by the winner
 * only. The verifier reads the stored digest on every call, so a rotation applies at once.
 */
export async function ensureAdminToken(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
  configured?: string;
  announce: (token: string) => void;
}): Promise<AdminTokenVerifier> {
  const { db, configured, announce } = deps;
  if (configured !== undefined) return configuredVerifier(sha256(configured));

  if (await readStoredDigest(db)) return storedVerifier(db);

  const token = generateAdminToken();
  const digest = sha256(token);
  await db
    .insertInto('settings')
    .values({ key: ADMIN_TOKEN_SETTING, value: digest.toString('hex') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  // Re-read rather than trust the insert count: the row is the single source of truth.
  const winner = await readStoredDigest(db);
  if (!winner) throw new Error(`settings row ${ADMIN_TOKEN_SETTING} missing right after insert`);
  if (winner.equals(digest)) announce(token);
  return storedVerifier(db);
}

/**
 * Replaces the stored admin token with a new one and returns it, and ends every sign-in
 * session in the same transaction: `ipnhub token rotate` and `POST /api/v1/token/rotate` both
 * call this. Running servers refuse the old token from their next request on. Has no effect
 * on a token configured with `IPNHUB_ADMIN_TOKEN`, which always wins (the admin API refuses
 * to rotate then, see {@link rotateStoredToken}).
 */
export async function rotateAdminToken(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
}): Promise<string> {
  const token = generateAdminToken();
  const value = tokenDigest(token);
  await deps.adapter.writeTransaction(deps.db, async (trx) => {
    await trx
      .insertInto('settings')
      .values({ key: ADMIN_TOKEN_SETTING, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    await trx.deleteFrom('admin_sessions').execute();
  });
  return token;
}

/**
 * {@link rotateAdminToken} for the admin API: refused with `ADMIN_TOKEN_CONFIGURED` when the
 * token in use comes from `IPNHUB_ADMIN_TOKEN`, since the new token would not work and the
 * caller could not tell.
 */
export async function rotateStoredToken(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
  verifier: AdminTokenVerifier;
}): Promise<string> {
  if (deps.verifier.configured) {
    throw new IpnhubError(
      'ADMIN_TOKEN_CONFIGURED',
      'The admin token is set with IPNHUB_ADMIN_TOKEN; change it there and restart ipnhub.',
    );
  }
  return rotateAdminToken(deps);
}
