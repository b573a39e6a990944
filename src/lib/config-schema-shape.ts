/**
 * Checks on the JSON Schema of a provider's or connector's config, shared by both contract
 * suites: every field is labelled (the admin UI renders forms from these schemas) and every
 * object refuses keys it does not list (a misspelt setting is an error, never silently dropped).
 */

export type JsonSchemaNode = {
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  title?: unknown;
  description?: unknown;
  writeOnly?: unknown;
};

function labelled(node: JsonSchemaNode): boolean {
  return (
    typeof node.title === 'string' ||
    typeof node.description === 'string' ||
    (node.anyOf ?? []).some(labelled)
  );
}

/** Dot paths of every property, at any depth, that has neither a title nor a description. */
export function unlabelledFields(node: JsonSchemaNode, path = ''): string[] {
  const out: string[] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const at = path ? `${path}.${key}` : key;
    if (!labelled(child)) out.push(at);
    out.push(...unlabelledFields(child, at));
    for (const alternative of child.anyOf ?? []) out.push(...unlabelledFields(alternative, at));
    if (child.items) out.push(...unlabelledFields(child.items, `${at}[]`));
    if (typeof child.additionalProperties === 'object')
      out.push(...unlabelledFields(child.additionalProperties, `${at}{}`));
  }
  return [...new Set(out)];
}

/** Dot paths of every object, at any depth, that accepts keys it does not list (not `additionalProperties: false`). */
export function openObjects(node: JsonSchemaNode, path = ''): string[] {
  const out: string[] = [];
  if (node.properties !== undefined && node.additionalProperties !== false)
    out.push(path || '(root)');
  for (const [key, child] of Object.entries(node.properties ?? {}))
    out.push(...openObjects(child, path ? `${path}.${key}` : key));
  for (const alternative of node.anyOf ?? []) out.push(...openObjects(alternative, path));
  if (node.items) out.push(...openObjects(node.items, `${path}[]`));
  if (typeof node.additionalProperties === 'object')
    out.push(...openObjects(node.additionalProperties, `${path}{}`));
  return [...new Set(out)];
}

export function schemaAt(root: JsonSchemaNode, dotPath: string): JsonSchemaNode | undefined {
  let node: JsonSchemaNode | undefined = root;
  for (const part of dotPath.split('.')) node = node?.properties?.[part];
  return node;
}
