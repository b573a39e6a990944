/**
 * Headers on every answer of the server: no answer is to be MIME-sniffed into something
 * executable, and none is to be cached (admin data, metrics, answers to notifications).
 */
export const SAFE_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};
