/**
 * An {@link HttpClient} that reaches nothing: every request is a `connection` failure. For code
 * paths that must not go to the network (provider contract suites, providers that never call
 * out), so an accidental request shows up as a failure instead of a hang or a real call.
 */
import type { HttpClient } from './http-client.js';

export function offlineHttpClient(): HttpClient {
  return {
    request: async (req) => ({
      ok: false,
      kind: 'connection',
      message: `offline client: no network for ${req.method} ${req.url}`,
      durationMs: 0,
    }),
  };
}
