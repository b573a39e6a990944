/**
 * Tags (docs/protocols/activecampaign.md#endpoints "Tags", docs/protocols/activecampaign.md#idempotency): names are rendered from templates, looked
 * up by search (a partial, case-insensitive match, so names are compared exactly here), created
 * on first use, and attached through `contactTags`. The contact's current tags are read first,
 * so a tag it already has is not attached again and removing needs the association's id.
 *
 * Reading the tags and then attaching is not atomic at ActiveCampaign, and what it answers when
 * a contact already has the tag is UNCONFIRMED (the existing association, a second one, or a
 * refusal). So deliveries for one contact take their turn in this process (two payments for
 * one buyer never both attach the same tag), and a refused attach is checked against the
 * contact's tags again: "already attached" is success.
 */
import { createKeyedQueue } from '../keyed-queue.js';
import type { TargetClient } from '../target-client.js';
import { renderTagNames } from '../template.js';
import type { ActiveCampaignClient, Step } from './client.js';
import { idOf, listAll, mayBeDuplicate, text, unexpectedAnswer } from './client.js';
import { cacheSlot } from '../../lib/cache-scope.js';

/** One turn at a time per contact and account, in one runtime. */
const PER_CONTACT = cacheSlot('ActiveCampaign turns per contact', () => createKeyedQueue());

export function tagKey(name: string): string {
  return name.toLowerCase();
}

/**
 * The tag names for `templates`: rendered, whitespace collapsed, duplicates (ignoring case, as
 * ActiveCampaign does) dropped. A template with a placeholder the event has no value for
 * (`{product.name}` on an event without products) yields no tag rather than a stray "-refund".
 */
export function renderTags(templates: readonly string[], scope: Record<string, unknown>): string[] {
  return renderTagNames(templates, scope);
}

/** The id of the contact tag named `name` (exact, ignoring case), or null. */
export async function findTag(client: TargetClient, name: string): Promise<Step<string | null>> {
  const listed = await listAll(client, `/api/3/tags?search=${encodeURIComponent(name)}`, 'tags');
  if (!listed.ok) return listed;
  const match = listed.value.find(
    (t) =>
      (text(t, 'tagType') ?? 'contact') === 'contact' &&
      tagKey(text(t, 'tag') ?? '') === tagKey(name),
  );
  return { ok: true, value: match ? text(match, 'id') : null };
}

/** The tag's id, creating the tag when it does not exist yet. */
export async function ensureTag(client: TargetClient, name: string): Promise<Step<string>> {
  const found = await findTag(client, name);
  if (!found.ok) return found;
  if (found.value) return { ok: true, value: found.value };
  const created = await client.call({
    method: 'POST',
    path: '/api/3/tags',
    json: { tag: { tag: name, tagType: 'contact', description: '' } },
  });
  if (created.ok) {
    const id = idOf(created.body, 'tag');
    return id
      ? { ok: true, value: id }
      : { ok: false, result: unexpectedAnswer('POST /api/3/tags', created.body) };
  }
  // A concurrent delivery may have created it in between; duplicates are refused (docs/protocols/activecampaign.md#endpoints).
  if (mayBeDuplicate(created.status)) {
    const again = await findTag(client, name);
    if (again.ok && again.value) return { ok: true, value: again.value };
  }
  return { ok: false, result: created.result };
}

interface ContactTag {
  id: string;
  tag: string;
}

async function contactTags(client: TargetClient, contactId: string): Promise<Step<ContactTag[]>> {
  const listed = await listAll(
    client,
    `/api/3/contacts/${encodeURIComponent(contactId)}/contactTags`,
    'contactTags',
  );
  if (!listed.ok) return listed;
  return {
    ok: true,
    value: listed.value.flatMap((ct) => {
      const id = text(ct, 'id');
      const tag = text(ct, 'tag');
      return id && tag ? [{ id, tag }] : [];
    }),
  };
}

/** Attaches `tagId`; true when it was attached now, false when the contact already had it. */
async function attach(
  client: TargetClient,
  contactId: string,
  tagId: string,
): Promise<Step<boolean>> {
  const attached = await client.call({
    method: 'POST',
    path: '/api/3/contactTags',
    json: { contactTag: { contact: contactId, tag: tagId } },
  });
  if (attached.ok) return { ok: true, value: true };
  if (mayBeDuplicate(attached.status)) {
    // Another process (or a hand in ActiveCampaign) may have attached it since the tags were read.
    const now = await contactTags(client, contactId);
    if (now.ok && now.value.some((ct) => ct.tag === tagId)) return { ok: true, value: false };
  }
  return { ok: false, result: attached.result };
}

async function changeTags(
  client: TargetClient,
  contactId: string,
  add: readonly string[],
  removing: readonly string[],
): Promise<Step<{ added: number; removed: number }>> {
  const current = await contactTags(client, contactId);
  if (!current.ok) return current;
  let removed = 0;
  for (const name of removing) {
    const tag = await findTag(client, name);
    if (!tag.ok) return tag;
    for (const link of current.value.filter((ct) => ct.tag === tag.value)) {
      const deleted = await client.call({
        method: 'DELETE',
        path: `/api/3/contactTags/${encodeURIComponent(link.id)}`,
      });
      // 404: already taken off (e.g. by an earlier attempt of this delivery).
      if (!deleted.ok && deleted.status !== 404) return { ok: false, result: deleted.result };
      if (deleted.ok) removed += 1;
    }
  }
  let added = 0;
  for (const name of add) {
    const tag = await ensureTag(client, name);
    if (!tag.ok) return tag;
    if (current.value.some((ct) => ct.tag === tag.value)) continue;
    const attached = await attach(client, contactId, tag.value);
    if (!attached.ok) return attached;
    if (attached.value) added += 1;
  }
  return { ok: true, value: { added, removed } };
}

/**
 * Removes `remove` and adds `add` (tag names) on the contact; a name in both is only added.
 * Returns how many tags were actually attached and taken off. Waits for other deliveries to the
 * same contact in this process to finish theirs first (`signal` ends the wait).
 */
export async function applyTags(
  client: ActiveCampaignClient,
  contactId: string,
  add: readonly string[],
  remove: readonly string[],
  signal?: AbortSignal,
): Promise<Step<{ added: number; removed: number }>> {
  const adding = new Set(add.map(tagKey));
  const removing = remove.filter((name) => !adding.has(tagKey(name)));
  if (add.length === 0 && removing.length === 0)
    return { ok: true, value: { added: 0, removed: 0 } };
  return client.caches
    .get(PER_CONTACT)
    .run(
      `${client.account} ${contactId}`,
      () => changeTags(client, contactId, add, removing),
      signal,
    );
}
