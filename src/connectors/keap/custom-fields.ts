/**
 * Contact custom fields (docs/protocols/keap.md#custom-fields): `GET /v2/contacts/model` lists
 * the account's custom fields with their ids and labels. A configured field is named by its
 * label (case-insensitively) or its id; ipnhub never creates fields, so one that does not exist
 * fails the delivery and the connection test with its name.
 */
import { isRecord } from '../../lib/is-record.js';
import type { ExistingFields } from '../existing-fields.js';
import type { TargetClient } from '../target-client.js';
import { idText, unexpectedAnswer } from './keap-client.js';
import type { Step } from './keap-client.js';

export interface CustomField {
  id: string;
  label: string;
}

export async function fetchFields(client: TargetClient): Promise<Step<CustomField[]>> {
  const answer = await client.call({ method: 'GET', path: '/v2/contacts/model' });
  if (!answer.ok) return { ok: false, result: answer.result };
  const list = isRecord(answer.body) ? answer.body.custom_fields : undefined;
  if (!Array.isArray(list))
    return { ok: false, result: unexpectedAnswer('GET /v2/contacts/model', answer.body) };
  const fields: CustomField[] = [];
  for (const item of list.filter(isRecord)) {
    const id = idText(item.id);
    if (id && typeof item.label === 'string') fields.push({ id, label: item.label });
  }
  return { ok: true, value: fields };
}

export function findField(fields: readonly CustomField[], key: string): CustomField | undefined {
  const wanted = key.trim().toLowerCase();
  return fields.find((field) => field.id === wanted || field.label.toLowerCase() === wanted);
}

export function missingFields(fields: readonly CustomField[], keys: readonly string[]): string[] {
  return keys.filter((key) => !findField(fields, key));
}

export function missingFieldsMessage(missing: readonly string[]): string {
  return `Keap has no contact custom field ${missing.map((key) => `"${key}"`).join(', ')} (create ${missing.length === 1 ? 'it' : 'them'} in Keap → Settings → Custom fields, or fix the name; ipnhub never creates fields)`;
}

/** Field values by id, later maps winning; empty values left out. */
export function fieldValues(
  fields: readonly CustomField[],
  ...maps: ReadonlyArray<Readonly<Record<string, string>>>
): Array<{ id: string; content: string }> {
  const byId = new Map<string, string>();
  for (const map of maps)
    for (const [key, value] of Object.entries(map)) {
      const field = findField(fields, key);
      if (field && value !== '') byId.set(field.id, value);
    }
  return [...byId].map(([id, content]) => ({ id, content }));
}

/** The account's contact custom fields, as the delivery and the connection test check them. */
export function keapFields(client: TargetClient): ExistingFields<CustomField> {
  return {
    fetch: () => fetchFields(client),
    missing: missingFields,
    message: missingFieldsMessage,
  };
}
