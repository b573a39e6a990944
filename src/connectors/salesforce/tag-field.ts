/**
 * Tags kept in one Salesforce field (a Multi-Select Picklist stores its values joined by `;`,
 * docs/protocols/salesforce.md#standard-fields custom fields). Salesforce has no contact tags of its own, so a
 * connection may name such a field; tags are compared case-insensitively and added or removed
 * as a set, which makes a repeated delivery a no-op.
 */
import { renderTagNames } from '../template.js';

const SEPARATOR = ';';

/** The tags in a field value (`"a;b"` → `["a", "b"]`); anything but a string is no tags. */
export function parseTags(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  return value
    .split(SEPARATOR)
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/** Renders tag templates (incomplete renders are dropped, see `renderTagNames`); `;` (the separator) becomes `,`. */
export function renderTags(templates: readonly string[], scope: Record<string, unknown>): string[] {
  return renderTagNames(templates, scope).map((tag) => tag.replaceAll(SEPARATOR, ','));
}

export interface TagChange {
  tags: string[];
  added: number;
  removed: number;
}

/** `current` with `remove` taken out and `add` appended; a tag in both lists is added. */
export function changeTags(
  current: readonly string[],
  add: readonly string[],
  remove: readonly string[],
): TagChange {
  const key = (tag: string) => tag.toLowerCase();
  const adding = new Set(add.map(key));
  const removing = new Set(remove.map(key).filter((tag) => !adding.has(tag)));
  const kept = current.filter((tag) => !removing.has(key(tag)));
  const have = new Set(kept.map(key));
  const added = add.filter((tag) => !have.has(key(tag)));
  return { tags: [...kept, ...added], added: added.length, removed: current.length - kept.length };
}

/** The field value for `tags`. */
export function formatTags(tags: readonly string[]): string {
  return tags.join(SEPARATOR);
}
