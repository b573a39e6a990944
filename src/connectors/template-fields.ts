/**
 * Finds the templates and field mappings in a connector config and checks that every path they
 * name exists in the canonical event (`template-paths.ts`). Which fields hold templates is read
 * from the config schema itself: schemas built with `templateSchema()` or `mappingSchema`
 * (`template.ts`) carry a mark, and this walks the parsed config alongside its schema, so a
 * connector cannot forget to list a template field. The same walk renders them all for the
 * admin UI's preview (`connections/config-preview.ts`).
 */
import type * as z from 'zod';
import { pathProblem } from './template-paths.js';
import {
  mappingSpecPaths,
  mappingValue,
  renderTemplate,
  templateKinds,
  templatePaths,
} from './template.js';
import { isRecord } from '../lib/is-record.js';

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
const WRAPPERS = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'nonoptional',
  'catch',
]);

interface Found {
  /** Dot path of the config field, e.g. `actions.payment.addTags.0`. */
  field: string;
  /** A text template, or one entry of a mapping (a path or a template). */
  kind: 'template' | 'mapping';
  /** The template or mapping spec as configured. */
  text: string;
  paths: string[];
}

function walk(schema: z.ZodType, value: unknown, at: readonly string[], out: Found[]): void {
  const kind = templateKinds.get(schema)?.kind;
  if (kind === 'template') {
    if (typeof value === 'string')
      out.push({ field: at.join('.'), kind, text: value, paths: templatePaths(value) });
    return;
  }
  if (kind === 'mapping') {
    if (!isRecord(value)) return;
    for (const [key, spec] of Object.entries(value)) {
      if (typeof spec === 'string')
        out.push({
          field: [...at, key].join('.'),
          kind,
          text: spec,
          paths: mappingSpecPaths(spec),
        });
    }
    return;
  }
  const def = schema._zod.def as unknown as WalkedDef;
  const next = (
    child: z.ZodType | undefined,
    childValue: unknown,
    childAt: readonly string[] = at,
  ): void => {
    if (child) walk(child, childValue, childAt, out);
  };
  if (WRAPPERS.has(def.type)) {
    next(def.innerType, value);
    return;
  }
  switch (def.type) {
    case 'pipe':
      next(def.in, value);
      next(def.out, value);
      return;
    case 'lazy':
      next(def.getter?.(), value);
      return;
    case 'union':
      for (const option of def.options ?? []) next(option, value);
      return;
    case 'intersection':
      next(def.left, value);
      next(def.right, value);
      return;
    case 'object':
      if (!isRecord(value)) return;
      for (const [key, child] of Object.entries(def.shape ?? {}))
        next(child, value[key], [...at, key]);
      return;
    case 'record':
      if (!isRecord(value)) return;
      for (const [key, child] of Object.entries(value)) next(def.valueType, child, [...at, key]);
      return;
    case 'array':
      if (!Array.isArray(value)) return;
      for (const [i, child] of value.entries()) next(def.element, child, [...at, String(i)]);
      return;
    case 'tuple':
      if (!Array.isArray(value)) return;
      for (const [i, child] of (def.items ?? []).entries())
        next(child, value[i], [...at, String(i)]);
      return;
    default:
      return;
  }
}

function templatesOf(schema: z.ZodType, config: unknown): Found[] {
  const found: Found[] = [];
  walk(schema, config, [], found);
  return found;
}

/** One path in a template or mapping that names nothing in the canonical event. */
export interface TemplatePathIssue {
  /** Dot path of the config field (`(root)` for the config itself). */
  field: string;
  /** `"<template>": <why> (did you mean …?)` */
  problem: string;
}

/**
 * Every path in the config's templates and mappings that names nothing in the canonical event.
 * `raw.<field>` paths are always fine (providers send what they send). Empty when everything
 * resolves.
 */
export function templatePathIssues(schema: z.ZodType, config: unknown): TemplatePathIssue[] {
  const issues = new Map<string, TemplatePathIssue>();
  for (const { field, text, paths } of templatesOf(schema, config)) {
    for (const path of paths) {
      const problem = pathProblem(path);
      if (problem === null) continue;
      const issue = { field: field || '(root)', problem: `"${text}": ${problem}` };
      issues.set(`${issue.field}: ${issue.problem}`, issue);
    }
  }
  return [...issues.values()];
}

/** {@link templatePathIssues} as `<config field>: "<template>": <why> (did you mean …?)`. */
export function templatePathProblems(schema: z.ZodType, config: unknown): string[] {
  return templatePathIssues(schema, config).map((issue) => `${issue.field}: ${issue.problem}`);
}

/** One template, or one entry of a mapping, rendered for an event. */
export interface RenderedField {
  /** Dot path of the config field, e.g. `subject`, `mapping.email`. */
  field: string;
  kind: 'template' | 'mapping';
  /** The template or mapping spec as configured. */
  source: string;
  /** A template's text; a mapping entry's value (a path keeps its JSON type). */
  value: unknown;
}

/** Every template and mapping entry of a config rendered against `scope` (see `templateScope`), in config order. */
export function renderTemplateFields(
  schema: z.ZodType,
  config: unknown,
  scope: Record<string, unknown>,
): RenderedField[] {
  return templatesOf(schema, config).map(({ field, kind, text }) => ({
    field,
    kind,
    source: text,
    value: kind === 'template' ? renderTemplate(text, scope) : mappingValue(text, scope),
  }));
}
