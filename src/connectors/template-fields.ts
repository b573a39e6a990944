/**
 * Finds the templates and field mappings in a connector config and checks that every path they
 * name exists in the canonical event (`template-paths.ts`). Which fields hold templates is read
 * from the config schema itself: schemas built with `templateSchema()` or `mappingSchema`
 * (`template.ts`) carry a mark, and this walks the parsed config alongside its schema, so a
 * connector cannot forget to list a template field.
 */
import type { z } from 'zod';
import { pathProblem } from './template-paths.js';
import { mappingSpecPaths, templateKinds, templatePaths } from './template.js';

/** The parts of a Zod schema definition the walk follows. */
interface WalkedDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Readonly<Record<string, z.ZodType>>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  items?: readonly z.ZodType[];
  getter?: () => z.ZodType;
}

/** Wrappers whose value is the wrapped schema's value. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Found {
  /** Dot path of the config field, e.g. `actions.payment.addTags.0`. */
  field: string;
  /** The template or mapping spec as configured. */
  text: string;
  paths: string[];
}

function walk(schema: z.ZodType, value: unknown, at: readonly string[], out: Found[]): void {
  const kind = templateKinds.get(schema)?.kind;
  if (kind === 'template') {
    if (typeof value === 'string') out.push({ field: at.join('.'), text: value, paths: templatePaths(value) });
    return;
  }
  if (kind === 'mapping') {
    if (!isRecord(value)) return;
    for (const [key, spec] of Object.entries(value)) {
      if (typeof spec === 'string') out.push({ field: [...at, key].join('.'), text: spec, paths: mappingSpecPaths(spec) });
    }
    return;
  }
  const def = schema._zod.def as unknown as WalkedDef;
  const next = (child: z.ZodType | undefined, childValue: unknown, childAt: readonly string[] = at): void => {
    if (child) walk(child, childValue, childAt, out);
  };
  if (WRAPPERS.has(def.type)) return next(def.innerType, value);
  switch (def.type) {
    case 'pipe':
      next(def.in, value);
      next(def.out, value);
      return;
    case 'lazy':
      return next(def.getter?.(), value);
    case 'union':
      for (const option of def.options ?? []) next(option, value);
      return;
    case 'intersection':
      next(def.left, value);
      next(def.right, value);
      return;
    case 'object':
      if (!isRecord(value)) return;
      for (const [key, child] of Object.entries(def.shape ?? {})) next(child, value[key], [...at, key]);
      return;
    case 'record':
      if (!isRecord(value)) return;
      for (const [key, child] of Object.entries(value)) next(def.valueType, child, [...at, key]);
      return;
    case 'array':
      if (!Array.isArray(value)) return;
      value.forEach((child, i) => next(def.element, child, [...at, String(i)]));
      return;
    case 'tuple':
      if (!Array.isArray(value)) return;
      (def.items ?? []).forEach((child, i) => next(child, value[i], [...at, String(i)]));
      return;
    default:
      return;
  }
}

/**
 * Every path in the config's templates and mappings that names nothing in the canonical event,
 * as `<config field>: "<template>": <why> (did you mean …?)`. `raw.<field>` paths are always
 * fine (providers send what they send). Empty when everything resolves.
 */
export function templatePathProblems(schema: z.ZodType, config: unknown): string[] {
  const found: Found[] = [];
  walk(schema, config, [], found);
  const problems = new Set<string>();
  for (const { field, text, paths } of found) {
    for (const path of paths) {
      const problem = pathProblem(path);
      if (problem !== null) problems.add(`${field || '(root)'}: "${text}": ${problem}`);
    }
  }
  return [...problems];
}
