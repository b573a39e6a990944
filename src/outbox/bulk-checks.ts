/**
 * The checks bulk redelivery and backfill share before they touch a connection's deliveries:
 * the time range is not empty, and the connection exists and is switched on.
 */
import type { Kysely } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import type { Database } from '../db/schema.js';

/** `from` must lie before `to` when both are given (ISO 8601 UTC instants compare as text). */
export function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from >= to)
    throw new IpnhubError('INVALID_RANGE', `from (${from}) is not before to (${to}).`);
}

/**
 * The connection's stored filters (JSON). `NOT_FOUND` for an unknown connection,
 * `CONNECTION_INACTIVE` for one that is switched off: a scheduled delivery to it would only be
 * skipped, a manual one would go out although its owner paused it.
 */
export async function requireActiveConnection(
  db: Kysely<Database>,
  connectionId: string,
): Promise<{ filters: string }> {
  const connection = await db
    .selectFrom('connections')
    .select(['active', 'filters'])
    .where('id', '=', connectionId)
    .executeTakeFirst();
  if (!connection) throw new IpnhubError('NOT_FOUND', `No connection ${connectionId}.`);
  if (Number(connection.active) !== 1)
    throw new IpnhubError(
      'CONNECTION_INACTIVE',
      `Connection ${connectionId} is switched off; switch it on first.`,
    );
  return { filters: connection.filters };
}
