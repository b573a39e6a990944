/**
 * Opens the database and brings its schema up to date: what every process does first (`serve`,
 * `worker`, `migrate` and the one-shot CLI commands). A PostgreSQL server that cannot be
 * reached or refuses the login shows up here, at the first query; it becomes
 * `DATABASE_UNAVAILABLE` naming the server (never the password) instead of a driver error.
 */
import type { MigrationResultSet } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';
import { openDb } from './connect.js';
import type { Db, DbTarget } from './connect.js';
import { migrateToLatest, unknownAppliedMigrations } from './migrations.js';

/** Network errors and PostgreSQL's SQLSTATEs for "cannot use this server or database". */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'nothing listens there (is PostgreSQL running?)',
  ENOTFOUND: 'the host name cannot be resolved',
  EAI_AGAIN: 'the host name cannot be resolved right now',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ECONNRESET: 'the server closed the connection',
  '28P01': 'the user name or password is wrong',
  '28000': 'the server does not accept this login',
  '3D000': 'the database does not exist (create it first)',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'the server has no free connections',
};

/** `host:port/database (user u)` of a PostgreSQL URL: where it points, without the password. */
export function postgresLocation(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username === '' ? '' : ` as user ${decodeURIComponent(parsed.username)}`;
    return `PostgreSQL at ${parsed.host || 'localhost'}${parsed.pathname}${user}`;
  } catch {
    return 'PostgreSQL (unparseable URL)';
  }
}

function failure(result: MigrationResultSet, target: DbTarget): Error {
  const err = result.error;
  const code = errorCodeOf(err);
  const problem = code !== undefined ? UNREACHABLE[code] : undefined;
  if (target.kind === 'postgres' && problem !== undefined) {
    return new IpnhubError(
      'DATABASE_UNAVAILABLE',
      `${postgresLocation(target.url)}: ${problem}. Check IPNHUB_DATABASE_URL.`,
      { cause: err },
    );
  }
  const failed = (result.results ?? []).find((r) => r.status === 'Error')?.migrationName;
  const message = err instanceof Error ? err.message : String(err);
  return new Error(
    failed === undefined
      ? `database migration failed: ${message}`
      : `migration ${failed} failed: ${message}`,
    { cause: err },
  );
}

function describeTarget(target: DbTarget): string {
  return target.kind === 'sqlite' ? target.file : postgresLocation(target.url);
}

/**
 * A database a newer ipnhub has migrated: older code would write rows the newer schema does not
 * expect (or miss columns it needs), so every process refuses it before touching anything.
 */
export function newerThanCode(target: DbTarget, unknown: readonly string[]): IpnhubError {
  return new IpnhubError(
    'DATABASE_NEWER_THAN_CODE',
    `${describeTarget(target)} has migration(s) ${unknown.join(', ')} applied, which this version of ipnhub does not know: a newer version has upgraded it. ` +
      'Run that newer version again, or, to go back to this version, restore the backup taken before the upgrade (docs/deployment.md, "Upgrades").',
  );
}

/**
 * Opens `target` and applies pending migrations; `applied` names the ones that ran. Refuses
 * (`DATABASE_NEWER_THAN_CODE`) a database with migrations this code does not know.
 */
export async function openMigrated(target: DbTarget): Promise<{ handle: Db; applied: string[] }> {
  const handle = openDb(target);
  try {
    const unknown = await unknownAppliedMigrations(handle.db, handle.adapter).catch(
      (err: unknown) => {
        throw failure({ error: err }, target);
      },
    );
    if (unknown.length > 0) throw newerThanCode(target, unknown);
    const result = await migrateToLatest(handle.db, handle.adapter);
    if (result.error !== undefined) throw failure(result, target);
    const applied = (result.results ?? [])
      .filter((r) => r.status === 'Success')
      .map((r) => r.migrationName);
    return { handle, applied };
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
}
