/**
 * Tags of the Keap connector (docs/protocols/keap.md#tags): tags are found by name in the
 * account's tag list (case-insensitively; Keap keeps the first spelling), created on first
 * use (`POST /v2/tags`), then applied to or removed from the contact
 * (`POST /v2/tags/<id>/contacts:applyTags` / `:removeTags` with `contact_ids`). A tag the
 * contact already has is not applied again, and one it does not have is not removed, so a
 * retried delivery sends no tag call twice.
 */
import { isRecord } from '../../lib/is-record.js';
import type { TargetClient } from '../target-client.js';
import type { ExistingContact } from './contact-body.js';
import { idText, listAll, unexpectedAnswer } from './keap-client.js';
import type { Step } from './keap-client.js';

/** Tag name (lower-cased) → id. */
async function tagIds(client: TargetClient): Promise<Step<Map<string, string>>> {
  const tags = await listAll(client, '/v2/tags', 'tags');
  if (!tags.ok) return tags;
  const byName = new Map<string, string>();
  for (const tag of tags.value) {
    const id = idText(tag.id);
    if (id && typeof tag.name === 'string' && !byName.has(tag.name.toLowerCase()))
      byName.set(tag.name.toLowerCase(), id);
  }
  return { ok: true, value: byName };
}

async function createTag(client: TargetClient, name: string): Promise<Step<string>> {
  const answer = await client.call({ method: 'POST', path: '/v2/tags', json: { name } });
  if (!answer.ok) return { ok: false, result: answer.result };
  const id = isRecord(answer.body) ? idText(answer.body.id) : null;
  return id
    ? { ok: true, value: id }
    : { ok: false, result: unexpectedAnswer('POST /v2/tags', answer.body) };
}

async function tagContact(
  client: TargetClient,
  tagId: string,
  contactId: string,
  verb: 'applyTags' | 'removeTags',
): Promise<Step<void>> {
  const answer = await client.call({
    method: 'POST',
    path: `/v2/tags/${tagId}/contacts:${verb}`,
    json: { contact_ids: [contactId] },
  });
  return answer.ok ? { ok: true, value: undefined } : { ok: false, result: answer.result };
}

/** Applies `add` and removes `remove` (names); a name in both is applied. */
export async function applyTags(
  client: TargetClient,
  contact: ExistingContact,
  add: readonly string[],
  remove: readonly string[],
): Promise<Step<{ added: number; removed: number }>> {
  if (add.length === 0 && remove.length === 0) return { ok: true, value: { added: 0, removed: 0 } };
  const known = await tagIds(client);
  if (!known.ok) return known;
  const has = new Set(contact.tagIds);
  let added = 0;
  for (const name of add) {
    let id = known.value.get(name.toLowerCase());
    if (!id) {
      const created = await createTag(client, name);
      if (!created.ok) return created;
      id = created.value;
      known.value.set(name.toLowerCase(), id);
    }
    if (has.has(id)) continue;
    const applied = await tagContact(client, id, contact.id, 'applyTags');
    if (!applied.ok) return applied;
    has.add(id);
    added++;
  }
  const adding = new Set(add.map((name) => name.toLowerCase()));
  let removed = 0;
  for (const name of remove) {
    if (adding.has(name.toLowerCase())) continue;
    const id = known.value.get(name.toLowerCase());
    if (!id || !has.has(id)) continue;
    const taken = await tagContact(client, id, contact.id, 'removeTags');
    if (!taken.ok) return taken;
    has.delete(id);
    removed++;
  }
  return { ok: true, value: { added, removed } };
}
