/**
 * Mapping entries as text (docs/protocols/capsule.md#parties): each entry's path or template
 * against the event, one by one, since custom field names may contain dots. Numbers and
 * booleans become their text; absent values become ''.
 */
import { mappingValue } from '../template.js';

export function textValues(
  mapping: Readonly<Record<string, string>>,
  scope: Record<string, unknown>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(mapping)) {
    const value = mappingValue(spec, scope);
    out[key] =
      typeof value === 'string'
        ? value.trim()
        : typeof value === 'number' || typeof value === 'boolean'
          ? String(value)
          : '';
  }
  return out;
}
