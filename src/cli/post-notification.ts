/**
 * The transport of `ipnhub simulate …`: one POST of a ready body to the user's hub, as the
 * provider would send it. No SSRF guard: the target is the user's own hub, usually on
 * localhost. Network failures are values, so each simulator reports them its own way.
 */
import { request } from 'undici';

const TIMEOUT_MS = 30_000;

export type PostAnswer = { ok: true; status: number; body: string } | { ok: false; error: string };

export async function postNotification(url: string, body: Buffer | string, headers: Record<string, string>): Promise<PostAnswer> {
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { 'user-agent': 'ipnhub-simulate/0.1', ...headers },
      body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    return { ok: true, status: response.statusCode, body: await response.body.text() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
