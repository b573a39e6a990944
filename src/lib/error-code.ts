/** The string `code` a Node system error (`ENOENT`, `EADDRINUSE`), a driver error (`SQLITE_CANTOPEN`, PostgreSQL's `23505`) or an undici error carries, if any. */
export function errorCodeOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? code : undefined;
}
