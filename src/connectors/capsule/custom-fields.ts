/**
 * Party custom fields (docs/protocols/capsule.md#custom-fields): the account's definitions come
 * from `GET /parties/fields/definitions`; configured names are matched case-insensitively. ipnhub
 * never creates definitions: a configured name without one is an error naming it.
 */
import type { ExistingFields } from '../existing-fields.js';
import type { TargetClient } from '../target-client.js';
import { capsuleId, listAll } from './capsule-client.js';
import type { Step } from './capsule-client.js';

export interface FieldDefinition {
  id: number;
  name: string;
  /** `text`, `date`, `number`, `boolean`, `list`, `link`, … */
  type: string;
}

export async function fetchDefinitions(client: TargetClient): Promise<Step<FieldDefinition[]>> {
  const listed = await listAll(client, '/parties/fields/definitions', 'definitions');
  if (!listed.ok) return listed;
  const definitions: FieldDefinition[] = [];
  for (const entry of listed.value) {
    const id = capsuleId(entry.id);
    if (id !== null && typeof entry.name === 'string')
      definitions.push({ id, name: entry.name, type: String(entry.type ?? 'text') });
  }
  return { ok: true, value: definitions };
}

function definitionNamed(
  definitions: readonly FieldDefinition[],
  name: string,
): FieldDefinition | undefined {
  const wanted = name.trim().toLowerCase();
  return definitions.find((d) => d.name.trim().toLowerCase() === wanted);
}

/** The configured names that have no definition. */
export function missingFields(
  definitions: readonly FieldDefinition[],
  names: readonly string[],
): string[] {
  return names.filter((name) => !definitionNamed(definitions, name));
}

export function missingFieldsMessage(missing: readonly string[]): string {
  return `these custom fields do not exist on Capsule people: ${missing.map((m) => `"${m}"`).join(', ')} (create them in Capsule → Settings → Custom Fields; ipnhub never creates fields)`;
}

/** A value as Capsule's field type takes it; null when it cannot be one (not sent). */
function typedValue(type: string, text: string): string | number | boolean | null {
  if (type === 'date') return /^\d{4}-\d{2}-\d{2}/.test(text) ? text.slice(0, 10) : null;
  if (type === 'number') {
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  if (type === 'boolean') {
    if (/^(true|yes|1)$/i.test(text)) return true;
    if (/^(false|no|0)$/i.test(text)) return false;
    return null;
  }
  return text;
}

export interface WantedValue {
  definition: FieldDefinition;
  value: string | number | boolean;
}

/** The non-empty rendered values by definition (names must exist: check {@link missingFields} first). */
export function wantedValues(
  definitions: readonly FieldDefinition[],
  rendered: Readonly<Record<string, string>>,
): WantedValue[] {
  const out: WantedValue[] = [];
  for (const [name, text] of Object.entries(rendered)) {
    const definition = definitionNamed(definitions, name);
    if (!definition || text === '') continue;
    const value = typedValue(definition.type, text);
    if (value !== null) out.push({ definition, value });
  }
  return out;
}

/** The account's custom fields on people, as the delivery and the connection test check them. */
export function capsuleFields(client: TargetClient): ExistingFields<FieldDefinition> {
  return {
    fetch: () => fetchDefinitions(client),
    missing: missingFields,
    message: missingFieldsMessage,
  };
}
