/**
 * Tag (Quentn term) names from the action's templates. Terms per product: a template
 * that uses `{product.…}` is rendered once per item of the order, so bundled add-ons get their
 * own tags; the rest render once. Names are trimmed and de-duplicated case-insensitively, as
 * Quentn treats term names (docs/protocols/quentn.md#endpoints).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { renderTagNames as renderTags, templateScope } from '../template.js';

/** True when the template names the product: it is rendered once per item of the order. */
function usesProduct(template: string): boolean {
  return /\{\s*product(?:\.|\s*[|}])/.test(template.replace(/\{\{|\}\}/g, ''));
}

/** The tag names `templates` produce for `event`, in template order, without duplicates. */
export function renderTagNames(templates: readonly string[], event: CanonicalEvent): string[] {
  const base = templateScope(event);
  const items = event.order?.items ?? [];
  const names = new Map<string, string>();
  for (const template of templates) {
    const scopes =
      usesProduct(template) && items.length > 0
        ? items.map((item) => ({ ...base, product: item }))
        : [base];
    for (const scope of scopes)
      for (const name of renderTags([template], scope))
        if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}
