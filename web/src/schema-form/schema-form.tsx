/**
 * A form generated from a JSON Schema (the subset of json-schema.ts): nested objects as
 * fieldsets, maps (`additionalProperties`) and arrays as editable rows, enums as selects (or
 * checkboxes for a list of choices), booleans, numbers, texts, `anyOf` as a choice of kind,
 * and anything else as JSON text. Secret (`writeOnly`) fields are never shown: a stored one
 * reads "set" with "Replace" (and "Remove" when it is optional and top-level).
 *
 * Controlled: `value` in, `onChange(value)` out; labels come from `describe` (the catalogue),
 * falling back to the schema's `title`/`description`; `problems` (from `checkValue` or the
 * caller) are shown beside their fields.
 */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField, Field, SelectField, TextAreaField } from '../components/form-field.js';
import { alternativeFor, alternativesOf, emptyValueOf, isJsonObject, kindOf, pathKey } from './json-schema.js';
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

export const describeFromSchema: DescribeField = (schemaPath, schema) => ({
  title: schema.title ?? schemaPath.at(-1) ?? '',
  ...(schema.description ? { description: schema.description } : {}),
});

interface NodeProps {
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

interface Context {
  props: SchemaFormProps;
  describe: DescribeField;
}

function problemText(t: ReturnType<typeof useTranslation>['t'], problem: Problem | undefined): string | undefined {
  return problem ? t(`form.problem.${problem.key}`, problem.values ?? {}) : undefined;
}

function withoutKey(value: JsonObject, key: string): JsonObject {
  const next = { ...value };
  delete next[key];
  return next;
}

export function SchemaForm(props: SchemaFormProps) {
  const context: Context = { props, describe: props.describe ?? describeFromSchema };
  return (
    <div className="schema-form">
      <ObjectFields context={context} schema={props.schema} value={props.value} onChange={(next) => props.onChange(next)} path={[]} schemaPath={[]} />
    </div>
  );
}

function ObjectFields({ context, schema, value, onChange, path, schemaPath }: { context: Context; schema: JsonSchema; value: JsonObject; onChange(value: JsonObject): void; path: (string | number)[]; schemaPath: string[] }) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, property]) => (
        <SchemaNode
          key={name}
          context={context}
          schema={property}
          value={value[name]}
          onChange={(child) => onChange(child === undefined ? withoutKey(value, name) : { ...value, [name]: child })}
          path={[...path, name]}
          schemaPath={[...schemaPath, name]}
          required={schema.required?.includes(name) ?? false}
        />
      ))}
    </>
  );
}

function SchemaNode(node: NodeProps & { context: Context }) {
  const { context, schema, value, onChange, path, schemaPath, required } = node;
  const { t } = useTranslation();
  const described = context.describe(schemaPath, schema);
  const text = node.hideDescription ? { ...described, description: undefined } : described;
  const title = node.label ?? text.title;
  const problem = problemText(t, context.props.problems?.get(pathKey(path)));
  const disabled = context.props.disabled ?? false;
  const secretPath = path.join('.');
  const secretStatus = context.props.secrets?.[secretPath];

  if (schema.writeOnly && secretStatus === 'set' && value === undefined) {
    return <StoredSecret context={context} title={title} path={secretPath} required={required} onReplace={() => onChange(emptyValueOf(schema) ?? '')} />;
  }
  const keepStored =
    schema.writeOnly && secretStatus === 'set' ? (
      <button type="button" className="button button-small" onClick={() => onChange(undefined)} disabled={disabled}>
        {t('form.keepSecret')}
      </button>
    ) : null;

  switch (kindOf(schema)) {
    case 'object':
      return (
        <fieldset className="schema-object">
          <legend>{title}</legend>
          {text.description ? <p className="field-help">{text.description}</p> : null}
          <ObjectFields context={context} schema={schema} value={isJsonObject(value) ? value : {}} onChange={onChange} path={path} schemaPath={schemaPath} />
          {keepStored}
        </fieldset>
      );
    case 'map':
      return <MapEditor {...node} title={title} description={text.description} problem={problem} footer={keepStored} />;
    case 'array':
      return <ArrayEditor {...node} title={title} description={text.description} problem={problem} option={text.option} />;
    case 'choice':
      return <ChoiceEditor {...node} title={title} description={text.description} />;
    case 'boolean':
      return <CheckboxField label={title} help={text.description} error={problem} checked={typeof value === 'boolean' ? value : schema.default === true} onChange={onChange} disabled={disabled} />;
    case 'enum': {
      const values = (schema.enum ?? []).filter((entry): entry is string => typeof entry === 'string');
      // With a default, leaving the field alone means the default: no "(not set)" to pick.
      const options = [...(required || schema.default !== undefined ? [] : [{ value: '', label: t('form.notSet') }]), ...values.map((entry) => ({ value: entry, label: text.option?.(entry) ?? entry }))];
      return (
        <SelectField
          label={title}
          help={text.description}
          error={problem}
          required={required}
          options={options}
          value={typeof value === 'string' ? value : typeof schema.default === 'string' ? schema.default : ''}
          onChange={(next) => onChange(next === '' ? undefined : next)}
          disabled={disabled}
        />
      );
    }
    case 'integer':
    case 'number':
      return (
        <Field label={title} help={text.description} error={problem} required={required}>
          {(control) => (
            <input
              className="input input-number"
              type="number"
              {...control}
              {...(schema.minimum !== undefined ? { min: schema.minimum } : {})}
              {...(schema.maximum !== undefined ? { max: schema.maximum } : {})}
              step={kindOf(schema) === 'integer' ? 1 : 'any'}
              placeholder={schema.default === undefined ? undefined : String(schema.default)}
              value={typeof value === 'number' ? value : ''}
              onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
              disabled={disabled}
            />
          )}
        </Field>
      );
    case 'string':
      if (text.multiline) {
        return (
          <div className="schema-secret-wrap">
            <TextAreaField label={title} help={text.description} error={problem} required={required} value={typeof value === 'string' ? value : ''} onChange={(next) => onChange(next)} disabled={disabled} />
            {keepStored}
          </div>
        );
      }
      return (
        <div className="schema-secret-wrap">
          <Field label={title} help={text.description} error={problem} required={required}>
            {(control) => (
              <input
                className="input"
                type={schema.writeOnly ? 'password' : schema.format === 'email' ? 'email' : schema.format === 'uri' ? 'url' : 'text'}
                autoComplete={schema.writeOnly ? 'new-password' : 'off'}
                spellCheck={false}
                {...control}
                {...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {})}
                placeholder={typeof schema.default === 'string' ? schema.default : undefined}
                value={typeof value === 'string' ? value : ''}
                onChange={(e) => onChange(e.target.value)}
                disabled={disabled}
              />
            )}
          </Field>
          {keepStored}
        </div>
      );
    default:
      return <JsonEditor {...node} title={title} description={text.description} problem={problem} />;
  }
}

function StoredSecret({ context, title, path, required, onReplace }: { context: Context; title: string; path: string; required: boolean; onReplace(): void }) {
  const { t } = useTranslation();
  const cleared = context.props.cleared ?? new Set<string>();
  const isCleared = cleared.has(path);
  const setCleared = (on: boolean): void => {
    const next = new Set(cleared);
    if (on) next.add(path);
    else next.delete(path);
    context.props.onClearedChange?.(next);
  };
  const canRemove = !required && !path.includes('.') && context.props.onClearedChange !== undefined;
  return (
    <div className="field schema-secret" role="group" aria-label={title}>
      <span className="field-label">{title}</span>
      <span className="secret-status">{isCleared ? t('form.secretRemoved') : t('form.secretSet')}</span>
      <span className="secret-actions">
        {isCleared ? (
          <button type="button" className="button button-small" onClick={() => setCleared(false)} disabled={context.props.disabled}>
            {t('form.keepSecret')}
          </button>
        ) : (
          <>
            <button type="button" className="button button-small" onClick={onReplace} disabled={context.props.disabled} aria-label={t('form.replaceLabel', { field: title })}>
              {t('form.replace')}
            </button>
            {canRemove ? (
              <button type="button" className="button button-small" onClick={() => setCleared(true)} disabled={context.props.disabled} aria-label={t('form.removeSecretLabel', { field: title })}>
                {t('form.removeSecret')}
              </button>
            ) : null}
          </>
        )}
      </span>
    </div>
  );
}

interface EditorProps extends NodeProps {
  context: Context;
  title: string;
  description: string | undefined;
  problem?: string | undefined;
}

interface Row {
  id: number;
  key: string;
  value: unknown;
}

let rowIds = 0;

function rowsOf(value: unknown): Row[] {
  return Object.entries(isJsonObject(value) ? value : {}).map(([key, entry]) => ({ id: ++rowIds, key, value: entry }));
}

/** Rows become the object again; rows without a key, and later rows repeating a key, are left out (and flagged). */
function objectOf(rows: readonly Row[]): JsonObject {
  const out: JsonObject = {};
  for (const row of rows) if (row.key !== '' && !(row.key in out)) out[row.key] = row.value;
  return out;
}

function MapEditor({ context, schema, value, onChange, path, schemaPath, title, description, problem, footer }: EditorProps & { footer: ReactNode }) {
  const { t } = useTranslation();
  // Keys are edited letter by letter: the rows keep an empty or repeated key the object cannot.
  const [rows, setRows] = useState<Row[]>(() => rowsOf(value));
  const valueSchema = isJsonObject(schema.additionalProperties) ? schema.additionalProperties : {};
  const disabled = context.props.disabled ?? false;
  const update = (next: Row[]): void => {
    setRows(next);
    const object = objectOf(next);
    onChange(Object.keys(object).length === 0 && next.length === 0 ? undefined : object);
  };
  const seen = new Set<string>();
  return (
    <fieldset className="schema-map">
      <legend>{title}</legend>
      {description ? <p className="field-help">{description}</p> : null}
      {rows.length === 0 ? <p className="schema-empty">{t('form.noEntries')}</p> : null}
      {rows.map((row, index) => {
        const duplicate = row.key !== '' && seen.has(row.key);
        seen.add(row.key);
        const keyProblem = row.key === '' ? t('form.problem.emptyKey') : duplicate ? t('form.problem.duplicateKey') : undefined;
        return (
          <div key={row.id} className="schema-row">
            <Field label={t('form.entryKey', { n: index + 1 })} error={keyProblem} required>
              {(control) => (
                <input className="input" type="text" spellCheck={false} {...control} value={row.key} disabled={disabled} onChange={(e) => update(rows.map((r) => (r.id === row.id ? { ...r, key: e.target.value } : r)))} />
              )}
            </Field>
            <SchemaNode
              context={context}
              schema={valueSchema}
              value={row.value}
              onChange={(next) => update(rows.map((r) => (r.id === row.id ? { ...r, value: next } : r)))}
              path={[...path, row.key]}
              schemaPath={[...schemaPath, '*']}
              required
              label={t('form.entryValue', { key: row.key || index + 1 })}
            />
            <button type="button" className="button button-small" onClick={() => update(rows.filter((r) => r.id !== row.id))} disabled={disabled} aria-label={t('form.removeEntryLabel', { n: index + 1, field: title })}>
              {t('form.remove')}
            </button>
          </div>
        );
      })}
      {problem ? <p className="field-error">{problem}</p> : null}
      <button type="button" className="button button-small" onClick={() => update([...rows, { id: ++rowIds, key: '', value: emptyValueOf(valueSchema) }])} disabled={disabled} aria-label={t('form.addEntryLabel', { field: title })}>
        {t('form.add')}
      </button>
      {footer}
    </fieldset>
  );
}

function ArrayEditor({ context, schema, value, onChange, path, schemaPath, title, description, problem, option }: EditorProps & { option: FieldText['option'] }) {
  const { t } = useTranslation();
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  const itemSchema = schema.items ?? {};
  const disabled = context.props.disabled ?? false;
  const set = (next: unknown[]): void => onChange(next.length === 0 ? undefined : next);

  // A list of fixed choices (event types, languages) is a group of checkboxes.
  if (kindOf(itemSchema) === 'enum') {
    const choices = (itemSchema.enum ?? []).filter((entry): entry is string => typeof entry === 'string');
    return (
      <fieldset className="schema-choices">
        <legend>{title}</legend>
        {description ? <p className="field-help">{description}</p> : null}
        <div className="choices">
          {choices.map((choice) => (
            <CheckboxField
              key={choice}
              label={option?.(choice) ?? choice}
              checked={items.includes(choice)}
              disabled={disabled}
              onChange={(on) => set(on ? choices.filter((c) => c === choice || items.includes(c)) : items.filter((item) => item !== choice))}
            />
          ))}
        </div>
        {problem ? <p className="field-error">{problem}</p> : null}
      </fieldset>
    );
  }

  return (
    <fieldset className="schema-array">
      <legend>{title}</legend>
      {description ? <p className="field-help">{description}</p> : null}
      {items.length === 0 ? <p className="schema-empty">{t('form.noEntries')}</p> : null}
      {items.map((item, index) => (
        // Items have no identity of their own; position is what the user edits.
        <div key={index} className="schema-row">
          <SchemaNode
            context={context}
            schema={itemSchema}
            value={item}
            onChange={(next) => set(items.map((current, i) => (i === index ? next : current)))}
            path={[...path, index]}
            schemaPath={[...schemaPath, '*']}
            required
            label={t('form.item', { field: title, n: index + 1 })}
          />
          <button type="button" className="button button-small" onClick={() => set(items.filter((_, i) => i !== index))} disabled={disabled} aria-label={t('form.removeEntryLabel', { n: index + 1, field: title })}>
            {t('form.remove')}
          </button>
        </div>
      ))}
      {problem ? <p className="field-error">{problem}</p> : null}
      <button type="button" className="button button-small" onClick={() => set([...items, emptyValueOf(itemSchema)])} disabled={disabled} aria-label={t('form.addEntryLabel', { field: title })}>
        {t('form.add')}
      </button>
    </fieldset>
  );
}

function ChoiceEditor({ context, schema, value, onChange, path, schemaPath, required, title, description }: EditorProps) {
  const { t } = useTranslation();
  const alternatives = alternativesOf(schema);
  const chosen = alternativeFor(schema, value);
  const alternative = alternatives[chosen] ?? {};
  return (
    <fieldset className="schema-choice">
      <legend>{title}</legend>
      {description ? <p className="field-help">{description}</p> : null}
      <SelectField
        label={t('form.kindOfValue')}
        options={alternatives.map((entry, index) => ({ value: String(index), label: t(`form.kind.${kindOf(entry)}`) }))}
        value={String(chosen)}
        onChange={(next) => onChange(emptyValueOf(alternatives[Number(next)] ?? {}))}
        disabled={context.props.disabled}
      />
      <SchemaNode context={context} schema={alternative} value={value} onChange={onChange} path={path} schemaPath={schemaPath} required={required} label={title} hideDescription />
    </fieldset>
  );
}

function JsonEditor({ context, value, onChange, required, title, description, problem }: EditorProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [invalid, setInvalid] = useState(false);
  return (
    <TextAreaField
      label={title}
      help={description ?? t('form.jsonHelp')}
      error={invalid ? t('form.problem.json') : problem}
      required={required}
      value={text}
      spellCheck={false}
      className="field-json"
      disabled={context.props.disabled}
      onChange={(next) => {
        setText(next);
        if (next.trim() === '') {
          setInvalid(false);
          onChange(undefined);
          return;
        }
        try {
          onChange(JSON.parse(next) as unknown);
          setInvalid(false);
        } catch {
          setInvalid(true);
        }
      }}
    />
  );
}

/** Moves focus to the first field with a problem (after a refused submit). */
export function focusFirstProblem(root: HTMLElement | null): void {
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
