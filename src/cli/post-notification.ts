/**
 * The transport of `ipnhub simulate …`: one POST of a ready body to the user's hub, as the
 * provider would send it. No SSRF guard: the target is the user's own hub, usually on
 * localhost. Network failures are values, so each simulator reports them its own way.
 */
import { Agent, requestVia } from '../lib/undici-parts.js';

const TIMEOUT_MS = 30_000;

export type PostAnswer = { ok: true; status: number; body: string } | { ok: false; error: string };

/** What every simulator reports besides its own fields: accepted or not, and the answer. */
export interface PostOutcome {
  ok: boolean;
  status: number | null;
  body: string | null;
  error?: string;
}

/**
 * POSTs like {@link postNotification} and judges the answer with `accepted` (each provider
 * has its own idea of success: `OK`, an empty 200, any 2xx).
 */
export async function postAndJudge(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  accepted: (status: number, body: string) => boolean,
): Promise<PostOutcome> {
  const answer = await postNotification(url, body, headers);
  if (!answer.ok) return { ok: false, status: null, body: null, error: answer.error };
  return { ok: accepted(answer.status, answer.body), status: answer.status, body: answer.body };
}

export async function postNotification(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
): Promise<PostAnswer> {
  const agent = new Agent();
  try {
    const target = new URL(url);
    const response = await requestVia(agent, {
      origin: target.origin,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      headers: { 'user-agent': 'ipnhub-simulate/0.1', ...headers },
      body,
      headersTimeout: TIMEOUT_MS,
      bodyTimeout: TIMEOUT_MS,
    });
    return { ok: true, status: response.statusCode, body: await response.body.text() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await agent.close();
  }
}
