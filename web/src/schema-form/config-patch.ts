/**
 * What an edit form sends: the server applies a config as a JSON Merge Patch at the top level
 * (src/secrets/secret-fields.ts `mergeConfigPatch`): a key given replaces, `null` removes,
 * a key not given keeps its value — secrets included. The form never holds stored secrets, so
 * leaving them out keeps them; a secret the user replaced is sent; a top-level field the user
 * cleared is sent as `null`.
 */
import { isJsonObject, pruneEmpty } from './json-schema.js';
import type { JsonObject } from './json-schema.js';

/** Top-level secret fields the user asked to remove (sent as `null`). */
export type ClearedSecrets = ReadonlySet<string>;

export function configPatch(
  original: JsonObject,
  edited: JsonObject,
  cleared: ClearedSecrets = new Set(),
): JsonObject {
  const next = pruneEmpty(edited);
  const patch: JsonObject = isJsonObject(next) ? { ...next } : {};
  for (const key of Object.keys(original)) if (!(key in patch)) patch[key] = null;
  for (const key of cleared) if (!key.includes('.')) patch[key] = null;
  return patch;
}
