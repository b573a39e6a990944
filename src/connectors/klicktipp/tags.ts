/**
 * Tag names → Klick-Tipp tag ids (docs/protocols/klicktipp.md#endpoints): `GET /tag` lists `{id: name}`
 * once per delivery; tags to add that do not exist yet are created with `POST /tag` (answer
 * `[<newId>]`) when the connection allows it. Klick-Tipp's behaviour for duplicate names is
 * UNCONFIRMED, so the connector looks names up before it creates anything and, should two
 * tags share a name, uses the lowest id.
 */
import type { CanonicalEvent } from '../../core/events.js';
import { renderTagNames as renderTags, templateScope } from '../template.js';
import type { RetryOrFailed, TargetClient } from '../target-client.js';
import { TARGET_NAME } from './klicktipp-client.js';

export interface ResolvedTags {
  /** Ids to add, in the configured order, without duplicates. */
  add: number[];
  /** Ids to remove; names Klick-Tipp does not have are dropped (nothing to remove). */
  remove: number[];
}

/** The resolved ids, or the outcome of the call that failed. */
export type TagsResult = { ok: true; tags: ResolvedTags } | { ok: false; result: RetryOrFailed };

/** Rendered, trimmed, de-duplicated names; a template that renders empty (no product) is dropped. */
export function renderTagNames(templates: readonly string[], event: CanonicalEvent): string[] {
  return renderTags(templates, templateScope(event));
}

function toId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** `{id: name}`; an empty list may come as `[]` (PHP's empty array). */
function tagIndex(body: unknown): Map<string, number> {
  const index = new Map<string, number>();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return index;
  for (const [rawId, name] of Object.entries(body)) {
    const id = toId(rawId);
    if (id === null || typeof name !== 'string') continue;
    const known = index.get(name);
    if (known === undefined || id < known) index.set(name, id);
  }
  return index;
}

function failed(reason: string): TagsResult {
  return { ok: false, result: { outcome: 'failed', reason } };
}

/** Looks the names up (one `GET /tag`), creating missing tags to add when `createMissing`. */
export async function resolveTags(
  client: TargetClient,
  names: { add: string[]; remove: string[] },
  createMissing: boolean,
): Promise<TagsResult> {
  if (names.add.length === 0 && names.remove.length === 0)
    return { ok: true, tags: { add: [], remove: [] } };
  const listed = await client.call({ method: 'GET', path: '/tag' });
  if (!listed.ok) return { ok: false, result: listed.result };
  const index = tagIndex(listed.body);
  const add: number[] = [];
  for (const name of names.add) {
    let id = index.get(name);
    if (id === undefined) {
      if (!createMissing)
        return failed(
          `TARGET_VALIDATION_FAILED: ${TARGET_NAME} has no tag named "${name}"; create it in Klick-Tipp or turn on "Create missing tags"`,
        );
      const created = await client.call({ method: 'POST', path: '/tag', json: { name } });
      if (!created.ok) return { ok: false, result: created.result };
      const newId = Array.isArray(created.body) ? toId(created.body[0]) : null;
      if (newId === null)
        return {
          ok: false,
          result: {
            outcome: 'retry',
            reason: `${TARGET_NAME} created tag "${name}" but answered without its id: ${JSON.stringify(created.body)}`,
          },
        };
      id = newId;
      index.set(name, id);
    }
    if (!add.includes(id)) add.push(id);
  }
  const remove = [
    ...new Set(
      names.remove.map((name) => index.get(name)).filter((id): id is number => id !== undefined),
    ),
  ];
  return { ok: true, tags: { add, remove } };
}
