/**
 * What the parts of the schema form share: the form's props, how fields are labelled, and the
 * component that renders one field (given to the editors so that nested fields render through
 * it without the files importing each other).
 */
import type { ReactNode } from 'react';
import type { TOptions } from 'i18next';
import type { JsonObject, JsonSchema, Problem, Problems } from './json-schema.js';

export interface FieldText {
  title: string;
  description?: string;
  /** The label of an enum value. */
  option?(value: string): string;
  /** Render a text as a multi-line area (templates, message bodies). */
  multiline?: boolean;
}

/**
 * Labels for a field. `schemaPath` names it by the schema's property names, with `*` for a map
 * value or an array item (`expectedPrices.*.amount`), so one catalogue entry covers every row.
 */
export type DescribeField = (schemaPath: readonly string[], schema: JsonSchema) => FieldText;

export type SecretStatus = 'set' | 'unset';

export interface SchemaFormProps {
  /** An object schema (a provider's or connector's `configSchema`). */
  schema: JsonSchema;
  value: JsonObject;
  onChange(value: JsonObject): void;
  /** Secret fields (dotted paths) of a stored config, and whether each holds a value. */
  secrets?: Readonly<Record<string, SecretStatus>>;
  /** Stored top-level secrets the user chose to remove. */
  cleared?: ReadonlySet<string>;
  onClearedChange?(cleared: ReadonlySet<string>): void;
  problems?: Problems;
  describe?: DescribeField;
  disabled?: boolean;
}

export interface NodeProps {
  schema: JsonSchema;
  value: unknown;
  onChange(value: unknown): void;
  path: (string | number)[];
  schemaPath: string[];
  required: boolean;
  /** Overrides the described title (array items, map values). */
  label?: string;
  /** The description is already shown around this field (an `anyOf` alternative). */
  hideDescription?: boolean;
}

export interface FormContext {
  props: SchemaFormProps;
  describe: DescribeField;
  /** Renders one field of any kind (schema-form.tsx `SchemaNode`). */
  Node(props: NodeProps & { context: FormContext }): ReactNode;
}

export interface EditorProps extends NodeProps {
  context: FormContext;
  title: string;
  description: string | undefined;
  problem?: string | undefined;
}

/** The catalogue key of each problem kind (`form.problem.*`, plural forms chosen by `count`). */
type ProblemKey = `form.problem.${Problem['key']}`;

/** A field's problem in the user's language (the server's own words for a refusal it named the field in), or nothing. */
export function problemText(
  t: (key: ProblemKey, values: TOptions) => string,
  problem: Problem | undefined,
): string | undefined {
  if (!problem) return undefined;
  return problem.key === 'server'
    ? t('form.problem.server', { text: problem.text })
    : t(`form.problem.${problem.key}`, { ...problem.values });
}
