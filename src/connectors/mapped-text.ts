/**
 * Mapping entries and per-event templates as text, for connectors that write text fields
 * (custom fields of CRM and e-mail marketing targets). Keys are taken literally: custom field
 * titles may contain dots, so entries are rendered one by one instead of through
 * `applyMapping`'s nesting.
 */
import { applyMapping, renderTemplate } from './template.js';

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
