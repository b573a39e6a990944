/**
 * The contact upsert (docs/protocols/activecampaign.md#endpoints "Contacts"): `POST /api/3/contact/sync`
 * matches on e-mail and updates or creates, so a retried delivery never makes a second contact.
 */
import type { TargetClient } from '../target-client.js';
import { isEmptyValue } from '../template.js';
import type { Step } from './client.js';
import { idOf, unexpectedAnswer } from './client.js';
import type { FieldValue } from './custom-fields.js';

/** `contact/sync`; returns the contact's id. Empty standard fields are not sent. */
export async function syncContact(
  client: TargetClient,
  contact: Readonly<Record<string, string>>,
  values: readonly FieldValue[],
): Promise<Step<string>> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(contact)) if (!isEmptyValue(value)) body[key] = value;
  if (values.length > 0) body.fieldValues = values;
  const answer = await client.call({
    method: 'POST',
    path: '/api/3/contact/sync',
    json: { contact: body },
  });
  if (!answer.ok) return { ok: false, result: answer.result };
  const id = idOf(answer.body, 'contact');
  return id
    ? { ok: true, value: id }
    : { ok: false, result: unexpectedAnswer('contact/sync', answer.body) };
}
