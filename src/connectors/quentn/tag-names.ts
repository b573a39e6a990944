/**
 * Tag (Quentn term) names from the action's templates. Terms per product (issue 4): a template
 * that uses `{product.…}` is rendered once per item of the order, so bundled add-ons get their
 * own tags; the rest render once. Names are trimmed and de-duplicated case-insensitively, as
 * Quentn treats term names (reference target-apis.md §3.2).
 */
import type { CanonicalEvent } from '../../core/events.js';
import { renderTemplate, resolvePath, templateScope } from '../template.js';

interface Placeholder {
  path: string;
  hasDefault: boolean;
}

/** The `{path|filters}` placeholders of a template (`{{` and `}}` are literal braces). */
function placeholders(template: string): Placeholder[] {
  const found: Placeholder[] = [];
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    if ((char === '{' || char === '}') && template[i + 1] === char) {
      i += 2;
    } else if (char === '{') {
      const close = template.indexOf('}', i + 1);
      if (close === -1) break;
      const [path = '', ...filters] = template.slice(i + 1, close).split('|');
      found.push({ path: path.trim(), hasDefault: filters.some((filter) => filter.trim().startsWith('default')) });
      i = close + 1;
    } else {
      i += 1;
    }
  }
  return found;
}

function usesProduct(template: string): boolean {
  return placeholders(template).some((p) => p.path === 'product' || p.path.startsWith('product.'));
}

/** True when a placeholder without a `default` filter has no value: the tag would be a fragment. */
function hasEmptyPlaceholder(template: string, scope: Record<string, unknown>): boolean {
  return placeholders(template).some((p) => {
    if (p.hasDefault) return false;
    const value = resolvePath(scope, p.path);
    return value === null || value === '';
  });
}

/** The tag names `templates` produce for `event`, in template order, without duplicates. */
export function renderTagNames(templates: readonly string[], event: CanonicalEvent): string[] {
  const base = templateScope(event);
  const items = event.order?.items ?? [];
  const names = new Map<string, string>();
  for (const template of templates) {
    const scopes = usesProduct(template) && items.length > 0 ? items.map((item) => ({ ...base, product: item })) : [base];
    for (const scope of scopes) {
      if (hasEmptyPlaceholder(template, scope)) continue;
      const name = renderTemplate(template, scope).trim();
      if (name !== '' && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
    }
  }
  return [...names.values()];
}
