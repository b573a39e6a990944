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
import { useTranslation } from 'react-i18next';
import { CheckboxField, Field, SelectField, TextAreaField } from '../components/form-field.js';
import { ChoiceEditor, JsonEditor } from './alternative-editors.js';
import { ArrayEditor, MapEditor } from './collection-editors.js';
import { problemText } from './form-context.js';
import type { DescribeField, FormContext, NodeProps, SchemaFormProps } from './form-context.js';
import { emptyValueOf, isJsonObject, kindOf, pathKey } from './json-schema.js';
import type { JsonObject, JsonSchema } from './json-schema.js';
import { StoredSecret } from './stored-secret.js';

export type { DescribeField, FieldText, SchemaFormProps, SecretStatus } from './form-context.js';

export const describeFromSchema: DescribeField = (schemaPath, schema) => ({
  title: schema.title ?? schemaPath.at(-1) ?? '',
  ...(schema.description ? { description: schema.description } : {}),
});

function withoutKey(value: JsonObject, key: string): JsonObject {
  const next = { ...value };
  delete next[key];
  return next;
}

export function SchemaForm(props: SchemaFormProps) {
  const context: FormContext = {
    props,
    describe: props.describe ?? describeFromSchema,
    Node: SchemaNode,
  };
  return (
    <div className="schema-form">
      <ObjectFields
        context={context}
        schema={props.schema}
        value={props.value}
        onChange={(next) => props.onChange(next)}
        path={[]}
        schemaPath={[]}
      />
    </div>
  );
}

function ObjectFields({
  context,
  schema,
  value,
  onChange,
  path,
  schemaPath,
}: {
  context: FormContext;
  schema: JsonSchema;
  value: JsonObject;
  onChange(value: JsonObject): void;
  path: (string | number)[];
  schemaPath: string[];
}) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, property]) => (
        <SchemaNode
          key={name}
          context={context}
          schema={property}
          value={value[name]}
          onChange={(child) =>
            onChange(child === undefined ? withoutKey(value, name) : { ...value, [name]: child })
          }
          path={[...path, name]}
          schemaPath={[...schemaPath, name]}
          required={schema.required?.includes(name) ?? false}
        />
      ))}
    </>
  );
}

function SchemaNode(node: NodeProps & { context: FormContext }) {
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
    return (
      <StoredSecret
        context={context}
        title={title}
        path={secretPath}
        required={required}
        onReplace={() => onChange(emptyValueOf(schema) ?? '')}
      />
    );
  }
  const keepStored =
    schema.writeOnly && secretStatus === 'set' ? (
      <button
        type="button"
        className="button button-small"
        onClick={() => onChange(undefined)}
        disabled={disabled}
      >
        {t('form.keepSecret')}
      </button>
    ) : null;

  switch (kindOf(schema)) {
    case 'object':
      return (
        <fieldset className="schema-object">
          <legend>{title}</legend>
          {text.description ? <p className="field-help">{text.description}</p> : null}
          <ObjectFields
            context={context}
            schema={schema}
            value={isJsonObject(value) ? value : {}}
            onChange={onChange}
            path={path}
            schemaPath={schemaPath}
          />
          {keepStored}
        </fieldset>
      );
    case 'map':
      return (
        <MapEditor
          {...node}
          title={title}
          description={text.description}
          problem={problem}
          footer={keepStored}
        />
      );
    case 'array':
      return (
        <ArrayEditor
          {...node}
          title={title}
          description={text.description}
          problem={problem}
          option={text.option}
        />
      );
    case 'choice':
      return <ChoiceEditor {...node} title={title} description={text.description} />;
    case 'boolean':
      return (
        <CheckboxField
          label={title}
          help={text.description}
          error={problem}
          checked={typeof value === 'boolean' ? value : schema.default === true}
          onChange={onChange}
          disabled={disabled}
        />
      );
    case 'enum': {
      const values = (schema.enum ?? []).filter(
        (entry): entry is string => typeof entry === 'string',
      );
      // With a default, leaving the field alone means the default: no "(not set)" to pick.
      const options = [
        ...(required || schema.default !== undefined
          ? []
          : [{ value: '', label: t('form.notSet') }]),
        ...values.map((entry) => ({ value: entry, label: text.option?.(entry) ?? entry })),
      ];
      return (
        <SelectField
          label={title}
          help={text.description}
          error={problem}
          required={required}
          options={options}
          value={
            typeof value === 'string'
              ? value
              : typeof schema.default === 'string'
                ? schema.default
                : ''
          }
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
            <TextAreaField
              label={title}
              help={text.description}
              error={problem}
              required={required}
              value={typeof value === 'string' ? value : ''}
              onChange={(next) => onChange(next)}
              disabled={disabled}
            />
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
                type={
                  schema.writeOnly
                    ? 'password'
                    : schema.format === 'email'
                      ? 'email'
                      : schema.format === 'uri'
                        ? 'url'
                        : 'text'
                }
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
      return (
        <JsonEditor {...node} title={title} description={text.description} problem={problem} />
      );
  }
}

/** Moves focus to the first field with a problem (after a refused submit). */
export function focusFirstProblem(root: HTMLElement | null): void {
  root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
