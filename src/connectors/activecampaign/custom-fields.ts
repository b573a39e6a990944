/**
 * Custom field values for `contact/sync` (docs/protocols/activecampaign.md#endpoints "Custom fields"): the
 * configured keys are matched to the account's EXISTING fields by personalization tag or title
 * (case-insensitive); ipnhub never creates fields. Values are text; date fields get
 * `YYYY-MM-DD`; empty values are left out so what the contact has stays.
 */
import type { ExistingFields } from '../existing-fields.js';
import type { TargetClient } from '../target-client.js';
import { isEmptyValue } from '../template.js';
import type { Step } from './client.js';
import { listAll, text } from './client.js';

export interface AccountField {
  id: string;
  title: string;
  perstag: string;
  type: string;
}

export interface FieldValue {
  field: string;
  value: string;
}

/** `%CITY%`, `city` and `CITY` name the same personalization tag. */
function normalizeKey(key: string): string {
  return key
    .trim()
    .replace(/^%(.*)%$/, '$1')
    .trim()
    .toLowerCase();
}

/** The account's custom fields. */
export async function fetchFields(client: TargetClient): Promise<Step<AccountField[]>> {
  const listed = await listAll(client, '/api/3/fields', 'fields');
  if (!listed.ok) return listed;
  const fields = listed.value.flatMap((f) => {
    const id = text(f, 'id');
    return id
      ? [
          {
            id,
            title: text(f, 'title') ?? '',
            perstag: text(f, 'perstag') ?? '',
            type: text(f, 'type') ?? '',
          },
        ]
      : [];
  });
  return { ok: true, value: fields };
}

/** The field a configured key names: personalization tag first, then title. */
export function findField(fields: readonly AccountField[], key: string): AccountField | undefined {
  const wanted = normalizeKey(key);
  return (
    fields.find((f) => normalizeKey(f.perstag) === wanted) ??
    fields.find((f) => f.title.trim().toLowerCase() === wanted)
  );
}

/** The configured keys that name no field of the account. */
export function missingFields(fields: readonly AccountField[], keys: readonly string[]): string[] {
  return keys.filter((key) => findField(fields, key) === undefined);
}

export function missingFieldsMessage(missing: readonly string[]): string {
  const names = missing.map((key) => `"${key}"`).join(', ');
  return `ActiveCampaign has no custom field ${names} (matched by personalization tag or title); create ${missing.length === 1 ? 'it' : 'them'} in ActiveCampaign under Contacts → Fields or fix the connection's custom fields — ipnhub never creates fields`;
}

function asDate(value: string): string {
  // ActiveCampaign date fields take YYYY-MM-DD (docs/protocols/README.md#across-the-targets); event timestamps are ISO 8601.
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
}

/**
 * `fieldValues` for the mapped values (key → text), one per field: where several sets name the
 * same field (by tag in one, by title in another), the later set's value wins, and an empty
 * value there leaves the earlier one. Every key must name an existing field.
 */
export function fieldValues(
  fields: readonly AccountField[],
  ...sets: ReadonlyArray<Readonly<Record<string, string>>>
): FieldValue[] {
  const byField = new Map<string, FieldValue>();
  for (const values of sets) {
    for (const [key, value] of Object.entries(values)) {
      const field = findField(fields, key);
      if (!field || isEmptyValue(value)) continue;
      byField.set(field.id, {
        field: field.id,
        value: field.type === 'date' ? asDate(value) : value,
      });
    }
  }
  return [...byField.values()];
}

/** The account's custom fields, as the delivery and the connection test check them. */
export function activeCampaignFields(client: TargetClient): ExistingFields<AccountField> {
  return {
    fetch: () => fetchFields(client),
    missing: missingFields,
    message: missingFieldsMessage,
  };
}
