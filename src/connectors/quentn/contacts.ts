/**
 * Contact calls of the Quentn connector (docs/protocols/quentn.md#endpoints, docs/protocols/quentn.md#idempotency):
 * - look up by e-mail: `GET contact/<mail>` answers an array (several contacts may share an
 *   e-mail) or 404; the lowest id is taken, consistently;
 * - upsert: `POST contact` with `duplicate_check_method: "email"`, so a retried delivery
 *   merges into the contact it created instead of creating a second one.
 */
import type { RetryOrFailed, TargetClient } from '../target-client.js';
import { failureOf, quentnId } from './quentn-client.js';

export type Step<T> = { ok: true; value: T } | { ok: false; result: RetryOrFailed };

/** The id of the contact with `email` (lowest id when several), or null when there is none. */
export async function findContactId(
  client: TargetClient,
  email: string,
): Promise<Step<number | null>> {
  const result = await client.call({
    method: 'GET',
    path: `/contact/${encodeURIComponent(email)}?fields=mail`,
  });
  if (!result.ok) {
    if (result.status === 404) return { ok: true, value: null };
    return { ok: false, result: failureOf(result, `GET contact/<e-mail>`) };
  }
  const list: unknown[] = Array.isArray(result.body) ? result.body : [result.body];
  const ids = list
    .map((item) =>
      quentnId(
        typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined,
      ),
    )
    .filter((id): id is number => id !== null);
  return { ok: true, value: ids.length > 0 ? Math.min(...ids) : null };
}

/** Creates or merges the contact; the id Quentn answers with. */
export async function upsertContact(
  client: TargetClient,
  contact: Record<string, unknown>,
  mergeMethod: 'update_add' | 'update',
): Promise<Step<number>> {
  const result = await client.call({
    method: 'POST',
    path: '/contact',
    json: { contact, duplicate_check_method: 'email', duplicate_merge_method: mergeMethod },
  });
  if (!result.ok) return { ok: false, result: failureOf(result, 'POST contact') };
  const id = quentnId(
    typeof result.body === 'object' && result.body !== null
      ? (result.body as { id?: unknown }).id
      : undefined,
  );
  if (id === null) {
    return {
      ok: false,
      result: {
        outcome: 'retry',
        reason: `Quentn accepted the contact but answered without its id: ${JSON.stringify(result.body).slice(0, 200)}`,
        statusCode: result.status,
      },
    };
  }
  return { ok: true, value: id };
}
