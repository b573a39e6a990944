/**
 * Problems of the connection form, where they are shown: the browser's own checks (the same
 * as the server's, before anything is sent) and the fields a refusal of the server names
 * (`error.fields` of `VALIDATION_FAILED` — paths in the body: `name`, `filters.productIds.2`,
 * `errorEmails.0` — and of `INVALID_CONFIG`, `UNKNOWN_TEMPLATE_PATH`, `CONFIG_TOO_LARGE` —
 * paths in the config: `url`, `mapping.email`, `actions.payment.addTags.0`). Every problem
 * also gets a readable name for the summary above the buttons.
 */
import type { TFunction } from 'i18next';
import type { i18n as I18n } from 'i18next';
import { ApiError } from '../../api/api-error.js';
import type { FieldProblem } from '../../api/api-error.js';
import type { DescribeField } from '../../schema-form/form-context.js';
import { isJsonObject, kindOf } from '../../schema-form/json-schema.js';
import type { JsonSchema, Problem, Problems } from '../../schema-form/json-schema.js';
import type { ConnectionFilters } from './connection-types.js';
import { eventTypeName } from '../../i18n/event-type-name.js';
import type { FilterProblems } from './filters-fields.js';

const CONFIG_CODES = new Set(['INVALID_CONFIG', 'UNKNOWN_TEMPLATE_PATH', 'CONFIG_TOO_LARGE']);
const FILTER_KEYS: ReadonlySet<string> = new Set<keyof ConnectionFilters>([
  'sources',
  'eventTypes',
  'productIds',
  'addons',
  'languages',
  'payments',
  'includeTest',
]);

export interface FormProblems {
  name?: string | undefined;
  errorEmails?: string | undefined;
  filters: FilterProblems;
  config: Problems;
  /** What the server said, field by field, for the summary (empty when nothing was refused). */
  refused: readonly FieldProblem[];
  /** Whether the refused fields are paths in the config (else in the body). */
  refusedInConfig: boolean;
}

export const NO_PROBLEMS: FormProblems = {
  filters: new Map(),
  config: new Map(),
  refused: [],
  refusedInConfig: false,
};

function server(text: string): Problem {
  return { key: 'server', text };
}

/** The problems a refusal names, at their fields. */
export function problemsOfRefusal(t: TFunction, error: unknown): FormProblems {
  if (!(error instanceof ApiError) || error.fields.length === 0) return NO_PROBLEMS;
  const inConfig = CONFIG_CODES.has(error.code);
  const config = new Map<string, Problem>();
  const filters = new Map<keyof ConnectionFilters, string>();
  let name: string | undefined;
  let errorEmails: string | undefined;
  for (const field of error.fields) {
    const text = t('form.problem.server', { text: field.problem });
    if (inConfig) {
      config.set(field.path, server(field.problem));
      continue;
    }
    const [head, second] = field.path.split('.');
    if (head === 'name') name = text;
    else if (head === 'errorEmails') errorEmails = text;
    else if (head === 'filters' && second !== undefined && FILTER_KEYS.has(second))
      filters.set(second as keyof ConnectionFilters, text);
  }
  return { name, errorEmails, filters, config, refused: error.fields, refusedInConfig: inConfig };
}

/**
 * A config field's name for people, from its path: each level's label (`Field mapping ›
 * email`, `Actions per event › Payment › Add tags › 1`).
 */
export function configFieldLabel(
  i18n: I18n,
  schema: JsonSchema,
  describe: DescribeField,
  actionsField: string | null,
  path: string,
): string {
  const labels: string[] = [];
  const schemaPath: string[] = [];
  let node: JsonSchema | undefined = schema;
  for (const segment of path.split('.')) {
    const kind: ReturnType<typeof kindOf> | undefined = node ? kindOf(node) : undefined;
    if (node && kind === 'object' && node.properties?.[segment]) {
      const inActions =
        actionsField !== null && schemaPath.length === 1 && schemaPath[0] === actionsField;
      schemaPath.push(inActions ? '*' : segment);
      node = node.properties[segment];
      labels.push(inActions ? eventTypeName(i18n, segment) : describe(schemaPath, node).title);
    } else if (node && kind === 'map') {
      schemaPath.push('*');
      node = isJsonObject(node.additionalProperties) ? node.additionalProperties : undefined;
      labels.push(segment);
    } else if (node && kind === 'array' && /^\d+$/.test(segment)) {
      schemaPath.push('*');
      node = node.items;
      labels.push(String(Number(segment) + 1));
    } else {
      node = undefined;
      labels.push(segment);
    }
  }
  return labels.join(' › ');
}

/** A body field's name for people (`name`, `filters.productIds.2`, `errorEmails.0`). */
export function bodyFieldLabel(t: TFunction, path: string): string {
  const [head, second, third] = path.split('.');
  if (head === 'name') return t('connections.form.name');
  if (head === 'active') return t('connections.form.active');
  if (head === 'errorEmails')
    return third === undefined && second !== undefined
      ? `${t('connections.form.errorEmails')} › ${Number(second) + 1}`
      : t('connections.form.errorEmails');
  if (head === 'filters' && second !== undefined && FILTER_KEYS.has(second))
    return `${t('connections.filters.title')} › ${t(`connections.filters.${second as keyof ConnectionFilters}`)}`;
  return path;
}
