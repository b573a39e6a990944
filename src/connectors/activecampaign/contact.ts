/**
 * The contact upsert (docs/protocols/activecampaign.md#endpoints "Contacts"): `POST /api/3/contact/sync`
 * matches on e-mail and updates or creates, so a retried delivery never makes a second contact.
 */
import type { TargetClient } from '../target-client.js';
import { applyMapping, isEmptyValue, renderTemplate } from '../template.js';
import type { Step } from './client.js';
import { idOf, unexpectedAnswer } from './client.js';
import type { FieldValue } from './custom-fields.js';

function toText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Each mapping entry rendered as text against the scope. Keys are taken literally (custom
 * field titles may contain dots), so entries are applied one by one.
 */
export function mappedText(
  mapping: Readonly<Record<string, string>>,
  scope: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(mapping))
    out[key] = toText(applyMapping({ value: spec }, scope).value);
  return out;
}

/** Each entry's text template rendered against the scope (per-event fields: fixed text stays text). */
export function renderedText(
  templates: Readonly<Record<string, string>>,
  scope: Record<string, unknown>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(templates).map(([key, template]) => [
      key,
      renderTemplate(template, scope).trim(),
    ]),
  );
}

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
