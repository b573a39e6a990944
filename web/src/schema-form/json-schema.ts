/**
 * The JSON Schema subset the server's config schemas use (Zod's `toJSONSchema`, draft 2020-12,
 * input side; see src/http/admin/config-json-schema.ts) and what a form needs of it: the kind
 * of control for a schema, default values, and checks that mirror the server's, so most
 * mistakes show beside their field before anything is sent. The server stays the authority.
 */

export interface JsonSchema {
  type?: string | readonly string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  const?: unknown;
  writeOnly?: boolean;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  anyOf?: readonly JsonSchema[];
  oneOf?: readonly JsonSchema[];
}

export type SchemaKind =
  | 'object'
  | 'map'
  | 'array'
  | 'enum'
  | 'boolean'
  | 'integer'
  | 'number'
  | 'string'
  | 'choice'
  | 'json';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an untyped schema from the API as a {@link JsonSchema} (only objects are schemas). */
export function asSchema(value: unknown): JsonSchema {
  return isJsonObject(value) ? (value as JsonSchema) : {};
}

function typeOf(schema: JsonSchema): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  // ["string", "null"] and the like: the non-null type decides the control.
  return schema.type?.find((type) => type !== 'null');
}

/** Which control renders a schema. Anything outside the subset is edited as JSON text. */
export function kindOf(schema: JsonSchema): SchemaKind {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return 'choice';
  if (
    schema.enum &&
    schema.enum.length > 0 &&
    schema.enum.every((value) => typeof value === 'string')
  )
    return 'enum';
  switch (typeOf(schema)) {
    case 'object':
      if (schema.properties) return 'object';
      return isJsonObject(schema.additionalProperties) ? 'map' : 'json';
    case 'array':
      return schema.items ? 'array' : 'json';
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'json';
  }
}

/** The alternatives of an `anyOf`/`oneOf`. */
export function alternativesOf(schema: JsonSchema): readonly JsonSchema[] {
  return schema.anyOf ?? schema.oneOf ?? [];
}

/** The alternative a value belongs to (by its JSON type), else the first. */
export function alternativeFor(schema: JsonSchema, value: unknown): number {
  const alternatives = alternativesOf(schema);
  const index = alternatives.findIndex((alternative) => matchesType(alternative, value));
  return index === -1 ? 0 : index;
}

function matchesType(schema: JsonSchema, value: unknown): boolean {
  switch (kindOf(schema)) {
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'map':
      return isJsonObject(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
    case 'number':
      return typeof value === 'number';
    case 'string':
    case 'enum':
      return typeof value === 'string';
    default:
      return false;
  }
}

/**
 * The value a new form starts with: each property's `default`, nested objects filled the same
 * way. Write-only fields never have one (the server drops them).
 */
export function defaultsOf(schema: JsonSchema): JsonObject {
  const value: JsonObject = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (property.default !== undefined) value[name] = structuredClone(property.default);
    else if (kindOf(property) === 'object') {
      const nested = defaultsOf(property);
      if (Object.keys(nested).length > 0) value[name] = nested;
    }
  }
  return value;
}

/** The empty value of a control: what "add an item" inserts. */
export function emptyValueOf(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return structuredClone(schema.default);
  switch (kindOf(schema)) {
    case 'object':
      return defaultsOf(schema);
    case 'map':
      return {};
    case 'array':
      return [];
    case 'boolean':
      return false;
    case 'enum':
      return schema.enum?.[0];
    case 'choice':
      return emptyValueOf(alternativesOf(schema)[0] ?? {});
    default:
      return undefined;
  }
}

/**
 * A problem with one field: a catalogue key (`form.problem.*`) and its values, or what the
 * server said about the field when it refused the form (`server`, its own words).
 */
export type Problem =
  | {
      key:
        | 'required'
        | 'tooShort'
        | 'tooLong'
        | 'pattern'
        | 'email'
        | 'uri'
        | 'integer'
        | 'number'
        | 'min'
        | 'max'
        | 'tooFewItems'
        | 'tooManyItems'
        | 'duplicateKey'
        | 'emptyKey'
        | 'json';
      values?: Record<string, number>;
    }
  | { key: 'server'; text: string };

/** Problems by field path (`expectedPrices.course.amount`, `tags.2`). */
export type Problems = ReadonlyMap<string, Problem>;

export function pathKey(path: readonly (string | number)[]): string {
  return path.join('.');
}

// The shapes the server's Zod schemas check (z.email(), z.url()); the server decides in the end.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

export interface CheckOptions {
  /** Write-only fields that already hold a value: absent in the form, yet not missing. */
  storedSecrets?: ReadonlySet<string>;
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function checkString(schema: JsonSchema, value: string): Problem | null {
  if (schema.minLength !== undefined && value.length < schema.minLength)
    return { key: 'tooShort', values: { count: schema.minLength } };
  if (schema.maxLength !== undefined && value.length > schema.maxLength)
    return { key: 'tooLong', values: { count: schema.maxLength } };
  if (schema.format === 'email' && !EMAIL.test(value)) return { key: 'email' };
  if (schema.format === 'uri' && !isUri(value)) return { key: 'uri' };
  if (schema.pattern !== undefined) {
    try {
      if (!new RegExp(schema.pattern, 'u').test(value)) return { key: 'pattern' };
    } catch {
      // A pattern this browser cannot compile is left to the server.
    }
  }
  return null;
}

function checkNumber(schema: JsonSchema, value: number, integer: boolean): Problem | null {
  if (!Number.isFinite(value)) return { key: 'number' };
  if (integer && !Number.isInteger(value)) return { key: 'integer' };
  if (schema.minimum !== undefined && value < schema.minimum)
    return { key: 'min', values: { min: schema.minimum } };
  if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
    return { key: 'min', values: { min: schema.exclusiveMinimum } };
  if (schema.maximum !== undefined && value > schema.maximum)
    return { key: 'max', values: { max: schema.maximum } };
  if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
    return { key: 'max', values: { max: schema.exclusiveMaximum } };
  return null;
}

/** Every problem of `value` against `schema`, by field path; empty when the form may be sent. */
export function checkValue(
  schema: JsonSchema,
  value: unknown,
  options: CheckOptions = {},
): Problems {
  const problems = new Map<string, Problem>();
  const visit = (node: JsonSchema, current: unknown, path: (string | number)[]): void => {
    const key = pathKey(path);
    if (isEmpty(current)) return;
    switch (kindOf(node)) {
      case 'object': {
        if (!isJsonObject(current)) return;
        for (const [name, property] of Object.entries(node.properties ?? {})) {
          const childPath = [...path, name];
          const child = current[name];
          if (isEmpty(child)) {
            if (node.required?.includes(name) && !options.storedSecrets?.has(pathKey(childPath)))
              problems.set(pathKey(childPath), { key: 'required' });
            continue;
          }
          visit(property, child, childPath);
        }
        return;
      }
      case 'map': {
        if (!isJsonObject(current) || !isJsonObject(node.additionalProperties)) return;
        for (const [name, child] of Object.entries(current))
          visit(node.additionalProperties, child, [...path, name]);
        return;
      }
      case 'array': {
        if (!Array.isArray(current)) return;
        if (node.minItems !== undefined && current.length < node.minItems)
          problems.set(key, { key: 'tooFewItems', values: { count: node.minItems } });
        if (node.maxItems !== undefined && current.length > node.maxItems)
          problems.set(key, { key: 'tooManyItems', values: { count: node.maxItems } });
        current.forEach((item, index) => {
          if (isEmpty(item)) problems.set(pathKey([...path, index]), { key: 'required' });
          else visit(node.items ?? {}, item, [...path, index]);
        });
        return;
      }
      case 'choice': {
        const alternative = alternativesOf(node)[alternativeFor(node, current)];
        if (alternative) visit(alternative, current, path);
        return;
      }
      case 'string': {
        const problem = typeof current === 'string' ? checkString(node, current) : null;
        if (problem) problems.set(key, problem);
        return;
      }
      case 'integer':
      case 'number': {
        const problem = checkNumber(
          node,
          typeof current === 'number' ? current : Number.NaN,
          kindOf(node) === 'integer',
        );
        if (problem) problems.set(key, problem);
        return;
      }
      default:
        return;
    }
  };
  if (isJsonObject(value) && kindOf(schema) === 'object') {
    visit(schema, value, []);
  }
  return problems;
}

/**
 * The value as it is sent: empty texts, objects left empty and `undefined` dropped, so an
 * untouched optional field is absent rather than `""` or `{}`. Array items stay (an empty item
 * is a problem `checkValue` names).
 */
export function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  if (!isJsonObject(value)) return value === '' ? undefined : value;
  const out: JsonObject = {};
  for (const [name, child] of Object.entries(value)) {
    const pruned = pruneEmpty(child);
    if (pruned === undefined) continue;
    if (isJsonObject(pruned) && Object.keys(pruned).length === 0) continue;
    out[name] = pruned;
  }
  return out;
}
