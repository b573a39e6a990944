/**
 * Contact calls of the Keap connector (docs/protocols/keap.md#contacts): Keap's v2 API has no
 * upsert, so a contact is looked up by e-mail (`GET /v2/contacts?filter=email==…`, the lowest
 * id when several share it) and then updated (`PATCH`, with `update_mask`) or created
 * (`POST`). A retried delivery finds the contact its first attempt created.
 */
import { isRecord } from '../../lib/is-record.js';
import type { TargetClient } from '../target-client.js';
import { contactBody } from './contact-body.js';
import type { ContactInput, ExistingContact } from './contact-body.js';
import { idText, unexpectedAnswer } from './keap-client.js';
import type { Step } from './keap-client.js';

const FIELDS = 'email_addresses,phone_numbers,addresses,custom_fields,tag_ids';

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function toExisting(record: Record<string, unknown>, id: string): ExistingContact {
  return {
    id,
    emailAddresses: records(record.email_addresses),
    phoneNumbers: records(record.phone_numbers),
    addresses: records(record.addresses),
    customFields: records(record.custom_fields),
    tagIds: (Array.isArray(record.tag_ids) ? record.tag_ids : [])
      .map(idText)
      .filter((tag): tag is string => tag !== null),
  };
}

/** The contact with `email` (lowest id when several), or null. */
export async function findContact(
  client: TargetClient,
  email: string,
): Promise<Step<ExistingContact | null>> {
  const filter = encodeURIComponent(`email==${email}`);
  const answer = await client.call({
    method: 'GET',
    path: `/v2/contacts?filter=${filter}&fields=${FIELDS}&page_size=10`,
  });
  if (!answer.ok) return { ok: false, result: answer.result };
  if (!isRecord(answer.body) || !Array.isArray(answer.body.contacts))
    return { ok: false, result: unexpectedAnswer('GET /v2/contacts', answer.body) };
  const found = records(answer.body.contacts)
    .map((record) => ({ record, id: idText(record.id) }))
    .filter((item): item is { record: Record<string, unknown>; id: string } => item.id !== null)
    .sort((a, b) => Number(a.id) - Number(b.id));
  const first = found[0];
  return { ok: true, value: first ? toExisting(first.record, first.id) : null };
}

/** Creates the contact, or updates the one found; the contact as it is now. */
export async function upsertContact(
  client: TargetClient,
  input: ContactInput,
): Promise<Step<{ contact: ExistingContact; created: boolean }>> {
  const found = await findContact(client, input.values.email ?? '');
  if (!found.ok) return found;
  const existing = found.value;
  const { body, mask } = contactBody(input, existing);
  if (existing && mask.length === 0)
    return { ok: true, value: { contact: existing, created: false } };
  const answer = existing
    ? await client.call({
        method: 'PATCH',
        path: `/v2/contacts/${existing.id}?update_mask=${mask.join(',')}`,
        json: body,
      })
    : await client.call({ method: 'POST', path: '/v2/contacts', json: body });
  if (!answer.ok) return { ok: false, result: answer.result };
  const id = isRecord(answer.body) ? idText(answer.body.id) : null;
  if (id === null)
    return {
      ok: false,
      result: unexpectedAnswer(
        existing ? 'PATCH /v2/contacts/<id>' : 'POST /v2/contacts',
        answer.body,
      ),
    };
  // Tags are not part of a contact write; the ones found stay what the contact has.
  const contact = {
    ...toExisting(answer.body as Record<string, unknown>, id),
    tagIds: existing?.tagIds ?? [],
  };
  return { ok: true, value: { contact, created: existing === null } };
}
