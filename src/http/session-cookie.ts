/**
 * The admin UI's session cookie: `ipnhub_session=<id>; HttpOnly; SameSite=Strict; Path=/;
 * Max-Age=<s>` plus `Secure` over https. HttpOnly keeps the id away from scripts; SameSite=Strict
 * keeps browsers from sending it with requests other sites start. The value is base64url, so
 * it needs no quoting or escaping (RFC 6265 §4.1.1).
 */
export const SESSION_COOKIE = 'ipnhub_session';

const VALUE = /^[A-Za-z0-9_-]{1,200}$/;

/**
 * The session id of a `Cookie` header, or undefined. Of several `ipnhub_session` pairs (a
 * stale one under another path) the first well-formed one counts, as browsers send the most
 * specific path first.
 */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  if (cookieHeader === undefined) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    if (VALUE.test(value)) return value;
  }
  return undefined;
}

/** The `Set-Cookie` value that hands the browser a session id. */
export function sessionCookie(
  id: string,
  options: { maxAgeSeconds: number; secure: boolean },
): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${options.maxAgeSeconds}${options.secure ? '; Secure' : ''}`;
}

/** The `Set-Cookie` value that makes the browser drop the session cookie. */
export function clearedSessionCookie(options: { secure: boolean }): string {
  return sessionCookie('', { maxAgeSeconds: 0, secure: options.secure });
}
