/**
 * Splitting a provider's or connector's config into what may be stored and shown in clear and
 * the secret fields that are encrypted at rest (docs/security.md).
 *
 * Stored shape: the non-secret rest as JSON in the `config` column; the `secrets` column is a
 * JSON object from secret field name to a secret-box token of that field's JSON-encoded
 * value. Field names are not secret, so a view can say which secrets are set without
 * decrypting anything. Secret field names are top-level keys; a dotted name (`auth.password`)
 * addresses a nested field the same way.
 */
import type { SecretBox } from './secret-box.js';

export type SecretStatus = 'set' | 'unset';

/** A config as plain JSON data. */
export type ConfigObject = Record<string, unknown>;

/** True for a plain object (what a config schema produces and JSON decodes to); false for arrays, null, class instances. */
export function isConfigObject(value: unknown): value is ConfigObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function pathOf(field: string): string[] {
  return field.split('.');
}

function getPath(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isConfigObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function setPath(root: ConfigObject, path: readonly string[], value: unknown): void {
  let node = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isConfigObject(next)) {
      node = next;
    } else {
      const created: ConfigObject = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path.at(-1);
  if (last !== undefined) node[last] = value;
}

function deletePath(root: ConfigObject, path: readonly string[]): void {
  const parent = getPath(root, path.slice(0, -1));
  const last = path.at(-1);
  if (last !== undefined && isConfigObject(parent)) delete parent[last];
}

/** A deep copy as the JSON that will be stored (drops `undefined`, as the database would). */
function jsonCopy(value: ConfigObject): ConfigObject {
  return JSON.parse(JSON.stringify(value)) as ConfigObject;
}

function parseSecretsColumn(secrets: string): Record<string, string> {
  const parsed = JSON.parse(secrets) as unknown;
  if (!isConfigObject(parsed)) throw new Error('secrets column is not a JSON object');
  const tokens: Record<string, string> = {};
  for (const [field, token] of Object.entries(parsed)) {
    if (typeof token !== 'string') throw new Error(`secrets column: field ${field} is not a token`);
    tokens[field] = token;
  }
  return tokens;
}

/**
 * Splits a validated config: returns the non-secret rest (for the `config` column) and the
 * encrypted secret fields (for the `secrets` column). Secret fields without a value are
 * simply absent.
 */
export function sealSecrets(
  config: ConfigObject,
  secretFields: readonly string[],
  box: SecretBox,
): { plain: ConfigObject; secrets: string } {
  const plain = jsonCopy(config);
  const tokens: Record<string, string> = {};
  for (const field of secretFields) {
    const path = pathOf(field);
    const value = getPath(plain, path);
    if (value === undefined) continue;
    tokens[field] = box.encrypt(JSON.stringify(value));
    deletePath(plain, path);
  }
  return { plain, secrets: JSON.stringify(tokens) };
}

/** The full config again: the stored non-secret rest with every secret decrypted into place. */
export function openSecrets(plain: ConfigObject, secrets: string, box: SecretBox): ConfigObject {
  const full = jsonCopy(plain);
  for (const [field, token] of Object.entries(parseSecretsColumn(secrets))) {
    setPath(full, pathOf(field), JSON.parse(box.decrypt(token)) as unknown);
  }
  return full;
}

/**
 * `set` for every secret field that holds a value, `unset` otherwise. Decrypts nothing.
 * Without a field list (the extension is no longer installed) the stored fields are listed.
 */
export function secretStatus(
  secrets: string,
  secretFields?: readonly string[],
): Record<string, SecretStatus> {
  const tokens = parseSecretsColumn(secrets);
  const status: Record<string, SecretStatus> = {};
  for (const field of secretFields ?? Object.keys(tokens))
    status[field] = Object.hasOwn(tokens, field) ? 'set' : 'unset';
  return status;
}

/** The `config` column back as an object; anything else means the row was corrupted. */
export function parseConfigColumn(text: string): ConfigObject {
  const parsed = JSON.parse(text) as unknown;
  if (!isConfigObject(parsed)) throw new Error('config column is not a JSON object');
  return parsed;
}

/**
 * Applies a partial config patch (JSON Merge Patch at the top level): a key given replaces
 * the stored value, `null` removes it, a key not given keeps its value — secrets included, so
 * a rename never needs the passphrase again. When a patch replaces an object that holds a
 * nested secret field and omits that field, the stored secret is kept.
 */
export function mergeConfigPatch(
  current: ConfigObject,
  patch: ConfigObject,
  secretFields: readonly string[],
): ConfigObject {
  const merged = jsonCopy(current);
  const replaced = jsonCopy(patch);
  for (const [key, value] of Object.entries(replaced)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  for (const field of secretFields) {
    const path = pathOf(field);
    const top = path[0];
    if (path.length < 2 || top === undefined || !isConfigObject(replaced[top])) continue;
    const previous = getPath(current, path);
    if (
      previous !== undefined &&
      getPath(merged, path) === undefined &&
      isConfigObject(getPath(merged, path.slice(0, -1)))
    ) {
      setPath(merged, path, previous);
    }
  }
  return merged;
}

/** Every string inside the given configs' secret fields, so messages can be scrubbed of them. */
export function secretStrings(
  configs: readonly unknown[],
  secretFields: readonly string[],
): string[] {
  const found = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length > 0) found.add(value);
    } else if (Array.isArray(value)) {
      value.forEach(collect);
    } else if (isConfigObject(value)) {
      Object.values(value).forEach(collect);
    } else if (typeof value === 'number' || typeof value === 'bigint') {
      found.add(String(value));
    }
  };
  for (const config of configs) {
    for (const field of secretFields) collect(getPath(config, pathOf(field)));
  }
  return [...found];
}

/**
 * Secret fields the schema filled in (defaults such as a generated signing secret): absent
 * from what the user submitted, a non-empty string after parsing. Returned to the user once.
 */
export function generatedSecrets(
  submitted: unknown,
  parsed: ConfigObject,
  secretFields: readonly string[],
): Record<string, string> {
  const generated: Record<string, string> = {};
  for (const field of secretFields) {
    const path = pathOf(field);
    const value = getPath(parsed, path);
    if (getPath(submitted, path) === undefined && typeof value === 'string' && value.length > 0)
      generated[field] = value;
  }
  return generated;
}
