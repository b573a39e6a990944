/**
 * Adds and removes a contact's tags (Quentn terms, docs/protocols/quentn.md#endpoints, docs/protocols/quentn.md#idempotency) so that
 * a repeated delivery writes nothing: the contact's terms are read first, only missing tags
 * are added (`PUT contact/<id>/terms`) and only present ones removed (`DELETE …/terms`).
 * A tag to add is created on first use with `POST terms`, which answers the existing id for a
 * name that exists (case-insensitively); a removal never creates a term.
 */
import type { TargetClient } from '../target-client.js';
import type { Step } from './contacts.js';
import { failureOf, quentnId } from './quentn-client.js';

export interface TagChanges {
  added: number;
  removed: number;
}

interface ContactTerms {
  ids: Set<number>;
  /** Lower-cased name → id, for the entries that came with a name. */
  byName: Map<string, number>;
  /** True when some entries carried no name, so a name's absence from `byName` proves nothing. */
  unnamed: boolean;
}

function readTerms(body: unknown): ContactTerms {
  const terms: ContactTerms = { ids: new Set(), byName: new Map(), unnamed: false };
  const entries: unknown[] = Array.isArray(body) ? body : [];
  for (const entry of entries) {
    const record: { id?: unknown; name?: unknown } =
      typeof entry === 'object' && entry !== null
        ? (entry as { id?: unknown; name?: unknown })
        : { id: entry };
    const id = quentnId(record.id);
    if (id === null) continue;
    terms.ids.add(id);
    if (typeof record.name === 'string') terms.byName.set(record.name.toLowerCase(), id);
    else terms.unnamed = true;
  }
  return terms;
}

async function contactTerms(client: TargetClient, contactId: number): Promise<Step<ContactTerms>> {
  const result = await client.call({ method: 'GET', path: `/contact/${contactId}/terms` });
  if (result.ok) return { ok: true, value: readTerms(result.body) };
  // The SDK reads 404 as "no terms" (docs/protocols/quentn.md#errors).
  if (result.status === 404) return { ok: true, value: readTerms([]) };
  return { ok: false, result: failureOf(result, 'GET contact/<id>/terms') };
}

/** The id of the term `name`, created when absent (`POST terms` is idempotent by name). */
async function ensureTerm(client: TargetClient, name: string): Promise<Step<number>> {
  const result = await client.call({
    method: 'POST',
    path: '/terms',
    json: { name, description: 'Created by ipnhub' },
  });
  if (!result.ok) return { ok: false, result: failureOf(result, 'POST terms') };
  const id = quentnId(
    typeof result.body === 'object' && result.body !== null
      ? (result.body as { id?: unknown }).id
      : undefined,
  );
  if (id === null)
    return {
      ok: false,
      result: {
        outcome: 'retry',
        reason: `Quentn answered POST terms without an id: ${JSON.stringify(result.body).slice(0, 200)}`,
      },
    };
  return { ok: true, value: id };
}

/** The id of the existing term `name`, or null; `GET terms/<name>` also takes ids, so the name is checked. */
async function findTerm(client: TargetClient, name: string): Promise<Step<number | null>> {
  const result = await client.call({ method: 'GET', path: `/terms/${encodeURIComponent(name)}` });
  if (!result.ok)
    return result.status === 404
      ? { ok: true, value: null }
      : { ok: false, result: failureOf(result, 'GET terms/<name>') };
  const term =
    typeof result.body === 'object' && result.body !== null
      ? (result.body as { id?: unknown; name?: unknown })
      : {};
  const sameName = typeof term.name === 'string' && term.name.toLowerCase() === name.toLowerCase();
  return { ok: true, value: sameName ? quentnId(term.id) : null };
}

/** Adds `add` and removes `remove` (names); a name in both lists is added. */
export async function syncContactTags(
  client: TargetClient,
  contactId: number,
  add: readonly string[],
  remove: readonly string[],
): Promise<Step<TagChanges>> {
  if (add.length === 0 && remove.length === 0) return { ok: true, value: { added: 0, removed: 0 } };
  const current = await contactTerms(client, contactId);
  if (!current.ok) return current;
  const { ids, byName, unnamed } = current.value;

  const adding = new Set(add.map((name) => name.toLowerCase()));
  const removeIds: number[] = [];
  for (const name of remove) {
    if (adding.has(name.toLowerCase())) continue;
    let id = byName.get(name.toLowerCase()) ?? null;
    if (id === null && unnamed) {
      const found = await findTerm(client, name);
      if (!found.ok) return found;
      id = found.value;
    }
    if (id !== null && ids.has(id) && !removeIds.includes(id)) removeIds.push(id);
  }

  const addIds: number[] = [];
  for (const name of add) {
    if (byName.has(name.toLowerCase())) continue;
    const term = await ensureTerm(client, name);
    if (!term.ok) return term;
    if (!ids.has(term.value) && !addIds.includes(term.value)) addIds.push(term.value);
  }

  if (removeIds.length > 0) {
    const result = await client.call({
      method: 'DELETE',
      path: `/contact/${contactId}/terms`,
      json: removeIds,
    });
    if (!result.ok) return { ok: false, result: failureOf(result, 'DELETE contact/<id>/terms') };
  }
  if (addIds.length > 0) {
    const result = await client.call({
      method: 'PUT',
      path: `/contact/${contactId}/terms`,
      json: addIds,
    });
    if (!result.ok) return { ok: false, result: failureOf(result, 'PUT contact/<id>/terms') };
  }
  return { ok: true, value: { added: addIds.length, removed: removeIds.length } };
}
