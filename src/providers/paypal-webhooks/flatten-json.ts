/**
 * A webhook body as the flat string map `EventDraft.raw` is: one entry per leaf, keyed by its
 * dot path with array indexes as segments (`resource.id`, `resource.links.0.href`), valued as
 * text (`null` → empty string). Field mappings reach PayPal's own fields through it.
 */

/** Deeper leaves are left out: PayPal's resources are a few levels deep; a deeper body is not PayPal's. */
const MAX_DEPTH = 32;

/** The body as `raw`: leaves by dot path, text values; never throws, whatever the nesting. */
export function flattenJson(root: Readonly<Record<string, unknown>>): Record<string, string> {
  const entries: Array<[string, string]> = [];
  const walk = (value: unknown, path: string, depth: number): void => {
    if (value === null) entries.push([path, '']);
    else if (typeof value === 'string') entries.push([path, value]);
    else if (typeof value === 'number' || typeof value === 'boolean')
      entries.push([path, String(value)]);
    else if (depth >= MAX_DEPTH) return;
    else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${path}.${index}`, depth + 1);
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(root)) walk(value, key, 1);
  // fromEntries defines own properties, so a key named __proto__ stays a plain field.
  return Object.fromEntries(entries);
}
