/**
 * Statements that PostgreSQL parses and plans once per connection instead of at every run: a
 * hot statement's text is registered here, and the pool that db/connect.ts gives Kysely sends a
 * registered text as a named prepared statement (the `pg` driver's `name`), which the server
 * keeps for the connection's life. Only registered texts are named, so the server holds a
 * bounded set of them per connection (each caller registers a handful of fixed texts).
 */
import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/** Registers `sql` as a statement to prepare once per connection; answers it unchanged. */
export function preparedStatement(sql: string): string {
  if (!names.has(sql))
    names.set(sql, `ipnhub_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`);
  return sql;
}

/** The prepared statement's name for a registered text, undefined for any other. */
export function preparedNameOf(sql: string): string | undefined {
  return names.get(sql);
}
