/**
 * The field-mapping engine shared by every connector: a connection's mapping turns the
 * canonical event into the target's fields, and its templates render subjects and texts.
 *
 * Scope: the canonical event plus a few aliases (`templateScope`). Paths are dotted and may
 * index arrays: `buyer.email`, `order.items.0.productId`, `raw.custom`.
 *
 * Template syntax: `{path}` is replaced by the value's text (absent → empty, objects → JSON);
 * `{{` and `}}` are literal braces; filters follow a bar and chain left to right:
 * - `{order.amount|money}` minor units → decimal in the order's currency (`9700` → `97.00`);
 * - `{buyer.email|lower}`, `{order.currency|upper}`;
 * - `{buyer.company|default:private customer}` when the value is absent or empty.
 * A placeholder with an unknown filter or a malformed path is left in the text unchanged;
 * `validateTemplate` reports it so the admin API can refuse it before it is stored.
 *
 * Empty is one rule for every connector ({@link isEmptyValue}): absent, or text that is only
 * whitespace. A template whose result is only whitespace (`{amount} {order.currency}` without
 * an amount renders one space) renders as the empty string, and connectors leave empty values
 * out, so they never overwrite what the target already holds.
 */
import * as z from 'zod';
import type { CanonicalEvent } from '../core/events.js';
import { formatMoney } from '../core/money.js';
import { isRecord } from '../lib/is-record.js';

/** The names templates and mappings can use: the event's own fields plus these aliases. */
export function templateScope(event: CanonicalEvent): Record<string, unknown> {
  const order = event.order;
  return {
    ...event,
    event: event.type,
    product: order?.items[0] ?? null,
    amount: order && order.amount !== null ? formatMoney(order.amount, order.currency) : null,
    raw: event.raw,
  };
}

const PATH = /^[A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*$/;
const INDEX = /^\d+$/;

/** Absent (`null`, `undefined`) or text that is empty or only whitespace. */
export function isEmptyValue(value: unknown): boolean {
  return (
    value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
  );
}

/**
 * The value at a dotted path (`order.items.0.productId`); anything absent is `null`. A record
 * may hold flat keys with dots in them (`raw` of a PayPal webhook: `resource.id`), so where the
 * rest of the path is itself a key, that key wins.
 */
export function resolvePath(scope: Record<string, unknown>, path: string): unknown {
  if (path.length === 0) return null;
  const segments = path.split('.');
  let current: unknown = scope;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    if (isRecord(current) && i < segments.length - 1) {
      const rest = segments.slice(i).join('.');
      if (Object.hasOwn(current, rest)) return current[rest] ?? null;
    }
    if (Array.isArray(current) && INDEX.test(segment)) current = current[Number(segment)];
    else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return null;
  }
  return current ?? null;
}

function stringify(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

type FilterFn = (
  value: unknown,
  arg: string | undefined,
  scope: Record<string, unknown>,
) => unknown;

const FILTERS: Readonly<Record<string, { fn: FilterFn; takesArgument: boolean }>> = {
  money: {
    takesArgument: false,
    fn: (value, _arg, scope) => {
      const currency = resolvePath(scope, 'order.currency');
      const code = typeof currency === 'string' ? currency : null;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return formatMoney(value, code);
      if (typeof value === 'string' && /^-?\d+$/.test(value))
        return formatMoney(Number(value), code);
      return value;
    },
  },
  lower: {
    takesArgument: false,
    fn: (value) => (value === null || value === undefined ? value : stringify(value).toLowerCase()),
  },
  upper: {
    takesArgument: false,
    fn: (value) => (value === null || value === undefined ? value : stringify(value).toUpperCase()),
  },
  default: { takesArgument: true, fn: (value, arg) => (isEmptyValue(value) ? (arg ?? '') : value) },
};

type Segment =
  | { kind: 'text'; text: string }
  | {
      kind: 'placeholder';
      source: string;
      path: string;
      filters: Array<{ name: string; arg: string | undefined }>;
      valid: boolean;
    };

function parsePlaceholder(source: string, inner: string, problems: string[]): Segment {
  const [rawPath = '', ...rawFilters] = inner.split('|');
  const path = rawPath.trim();
  let valid = true;
  if (!PATH.test(path)) {
    problems.push(
      `${source}: "${path}" is not a path (letters, digits, _ and - separated by dots)`,
    );
    valid = false;
  }
  const filters = rawFilters.map((rawFilter) => {
    const colon = rawFilter.indexOf(':');
    const name = (colon === -1 ? rawFilter : rawFilter.slice(0, colon)).trim();
    const arg = colon === -1 ? undefined : rawFilter.slice(colon + 1);
    const known = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
    if (!known) {
      problems.push(
        `${source}: unknown filter "${name}" (known: ${Object.keys(FILTERS).join(', ')})`,
      );
      valid = false;
    } else if (!known.takesArgument && arg !== undefined) {
      problems.push(`${source}: filter "${name}" takes no argument`);
      valid = false;
    }
    return { name, arg };
  });
  return { kind: 'placeholder', source, path, filters, valid };
}

function parseTemplate(template: string): { segments: Segment[]; problems: string[] } {
  const segments: Segment[] = [];
  const problems: string[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const char = template[i];
    const next = template[i + 1];
    if (char === '{' && next === '{') {
      text += '{';
      i += 2;
    } else if (char === '}' && next === '}') {
      text += '}';
      i += 2;
    } else if (char === '}') {
      problems.push(`unmatched "}" at position ${i} (write "}}" for a literal brace)`);
      text += '}';
      i += 1;
    } else if (char === '{') {
      const close = template.indexOf('}', i + 1);
      const reopen = template.indexOf('{', i + 1);
      if (close === -1 || (reopen !== -1 && reopen < close)) {
        problems.push(`unclosed "{" at position ${i} (write "{{" for a literal brace)`);
        text += '{';
        i += 1;
        continue;
      }
      if (text) segments.push({ kind: 'text', text });
      text = '';
      const source = template.slice(i, close + 1);
      segments.push(parsePlaceholder(source, template.slice(i + 1, close), problems));
      i = close + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  if (text) segments.push({ kind: 'text', text });
  return { segments, problems };
}

function evaluate(
  segment: Extract<Segment, { kind: 'placeholder' }>,
  scope: Record<string, unknown>,
): unknown {
  let value = resolvePath(scope, segment.path);
  for (const filter of segment.filters) {
    const known = FILTERS[filter.name];
    if (known) value = known.fn(value, filter.arg, scope);
  }
  return value;
}

/**
 * Renders like {@link renderTemplate}, but only when every placeholder has a value (after its
 * filters, so `|default:…` counts): null otherwise. For names built from templates (tags),
 * where `{product.name}-refund` without a product must not become the fragment `-refund`.
 */
export function renderComplete(template: string, scope: Record<string, unknown>): string | null {
  let out = '';
  for (const segment of parseTemplate(template).segments) {
    if (segment.kind === 'text') out += segment.text;
    else if (!segment.valid) out += segment.source;
    else {
      const value = evaluate(segment, scope);
      if (isEmptyValue(value)) return null;
      out += stringify(value);
    }
  }
  return out;
}

/** Tag names from templates: complete renders only, whitespace collapsed, duplicates (ignoring case) dropped. */
export function renderTagNames(
  templates: readonly string[],
  scope: Record<string, unknown>,
): string[] {
  const names = new Map<string, string>();
  for (const template of templates) {
    const name = renderComplete(template, scope)?.replace(/\s+/g, ' ').trim();
    if (name && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}

/** Renders `{path|filter}` placeholders against the scope; only whitespace → `''`; never throws. */
export function renderTemplate(template: string, scope: Record<string, unknown>): string {
  const text = parseTemplate(template)
    .segments.map((segment) => {
      if (segment.kind === 'text') return segment.text;
      return segment.valid ? stringify(evaluate(segment, scope)) : segment.source;
    })
    .join('');
  return isEmptyValue(text) ? '' : text;
}

/** Problems in a template (unknown filters, bad paths, stray braces); empty when it is fine. */
export function validateTemplate(template: string): string[] {
  return parseTemplate(template).problems;
}

/** The event paths a template's well-formed placeholders read (`{buyer.email|lower}` → `buyer.email`). */
export function templatePaths(template: string): string[] {
  return parseTemplate(template).segments.flatMap((segment) =>
    segment.kind === 'placeholder' && segment.valid ? [segment.path] : [],
  );
}

/** The event paths a mapping spec reads: its placeholders when it is a template, else the path itself. */
export function mappingSpecPaths(spec: string): string[] {
  if (isTemplateSpec(spec)) return templatePaths(spec);
  const path = spec.trim();
  return PATH.test(path) ? [path] : [];
}

/**
 * Marks the schemas whose values are templates (`template`: one text template) or mappings
 * (`mapping`: target field ← path or template), so a saved connection's templates can be found
 * in its config and checked against the event (`template-fields.ts`). Schemas derived from a
 * marked one (`.trim()`, `.superRefine()`, `.meta()`) keep the mark.
 */
export const templateKinds = z.registry<{ kind: 'template' | 'mapping' }>();

/**
 * A text template field: `{path|filter}` placeholders, validated with {@link validateTemplate}.
 * Connectors add their own limits (`.trim().min(1)`) and labels.
 */
export function templateSchema() {
  return z
    .string()
    .superRefine((value, ctx) => {
      for (const problem of validateTemplate(value))
        ctx.addIssue({ code: 'custom', message: problem });
    })
    .register(templateKinds, { kind: 'template' });
}

/** A mapping spec with a `{` is a template (the result is text); otherwise it is a path. */
function isTemplateSpec(spec: string): boolean {
  return spec.includes('{');
}

function splitKey(key: string): string[] {
  return key.split('.').filter((part) => part.length > 0);
}

/** A key segment that would reach an object's prototype instead of creating a field. */
const FORBIDDEN_KEY_SEGMENT = '__proto__';

/**
 * Builds the target's body: each target key gets its spec's value. A spec containing `{` is a
 * template and yields text; otherwise it is a path and keeps the value's JSON type (numbers,
 * booleans, null, arrays, objects). Dotted target keys build nested objects
 * (`customer.email` → `{ customer: { email } }`).
 */
export function applyMapping(
  mapping: Record<string, string>,
  scope: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(mapping)) {
    const parts = splitKey(key);
    const last = parts.pop();
    if (
      last === undefined ||
      last === FORBIDDEN_KEY_SEGMENT ||
      parts.includes(FORBIDDEN_KEY_SEGMENT)
    )
      continue;
    let node = result;
    for (const part of parts) {
      const child = node[part];
      if (isRecord(child)) node = child;
      else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    }
    node[last] = mappingValue(spec, scope);
  }
  return result;
}

/** The value one mapping spec gives: a template's text, or the value at a path (keeping its JSON type). */
export function mappingValue(spec: string, scope: Record<string, unknown>): unknown {
  return isTemplateSpec(spec) ? renderTemplate(spec, scope) : resolvePath(scope, spec.trim());
}

/** Problems in a whole mapping: bad target keys, keys that collide, bad paths and templates. */
export function validateMapping(mapping: Record<string, string>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(mapping);
  // Each dotted prefix of a key ("a" and "a.b" of "a.b.c") with the first key that has it:
  // one pass instead of comparing every key with every other (quadratic in the mapping size).
  const parents = new Map<string, string>();
  for (const key of keys) {
    for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) {
      const prefix = key.slice(0, dot);
      if (!parents.has(prefix)) parents.set(prefix, key);
    }
  }
  for (const key of keys) {
    const parts = key.split('.');
    if (parts.some((part) => part.length === 0))
      problems.push(`target "${key}": empty part in the dotted name`);
    if (parts.includes(FORBIDDEN_KEY_SEGMENT))
      problems.push(`target "${key}": "${FORBIDDEN_KEY_SEGMENT}" is not allowed`);
    const nested = parents.get(key);
    if (nested) problems.push(`target "${key}" is both a value and the parent of "${nested}"`);
    const spec = mapping[key] ?? '';
    if (isTemplateSpec(spec))
      problems.push(...validateTemplate(spec).map((p) => `target "${key}": ${p}`));
    else if (!PATH.test(spec.trim()))
      problems.push(
        `target "${key}": "${spec}" is neither a path nor a template with {placeholders}`,
      );
  }
  return problems;
}

/** A mapping: target field name (dots nest) ← path or template. Refuses what `validateMapping` flags. */
export const mappingSchema = z
  .record(z.string(), z.string())
  .superRefine((mapping, ctx) => {
    for (const problem of validateMapping(mapping))
      ctx.addIssue({ code: 'custom', message: problem });
  })
  .register(templateKinds, { kind: 'mapping' });

export type Mapping = z.infer<typeof mappingSchema>;
