/** The editors of many values: named entries (a map) and lists (an array, or checkboxes for a list of choices). */
import { useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CheckboxField, Field } from '../components/form-field.js';
import type { EditorProps, FieldText } from './form-context.js';
import { emptyValueOf, isJsonObject, kindOf } from './json-schema.js';
import type { JsonObject } from './json-schema.js';

interface Row {
  id: number;
  key: string;
  value: unknown;
}

let rowIds = 0;

const newRowIds = (count: number): number[] => Array.from({ length: count }, () => ++rowIds);

/**
 * An identity for each item of a list, kept in step with the list: an item's editor (a map's
 * rows, JSON being typed) stays with its item when an earlier one is removed. A list replaced
 * from outside with another length gets new identities.
 */
function useItemIds(count: number): [readonly number[], (next: number[]) => void] {
  const [ids, setIds] = useState<number[]>(() => newRowIds(count));
  if (ids.length !== count) {
    const next = [...ids.slice(0, count), ...newRowIds(Math.max(0, count - ids.length))];
    setIds(next);
    return [next, setIds];
  }
  return [ids, setIds];
}

function rowsOf(value: unknown): Row[] {
  return Object.entries(isJsonObject(value) ? value : {}).map(([key, entry]) => ({
    id: ++rowIds,
    key,
    value: entry,
  }));
}

/** Rows become the object again; rows without a key, and later rows repeating a key, are left out (and flagged). */
function objectOf(rows: readonly Row[]): JsonObject {
  const out: JsonObject = {};
  for (const row of rows) if (row.key !== '' && !(row.key in out)) out[row.key] = row.value;
  return out;
}

export function MapEditor({
  context,
  schema,
  value,
  onChange,
  path,
  schemaPath,
  title,
  description,
  problem,
  footer,
}: EditorProps & { footer: ReactNode }) {
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
        const keyProblem =
          row.key === ''
            ? t('form.problem.emptyKey')
            : duplicate
              ? t('form.problem.duplicateKey')
              : undefined;
        return (
          <div key={row.id} className="schema-row">
            <Field label={t('form.entryKey', { n: index + 1 })} error={keyProblem} required>
              {(control) => (
                <input
                  className="input"
                  type="text"
                  spellCheck={false}
                  {...control}
                  value={row.key}
                  disabled={disabled}
                  onChange={(e) =>
                    update(rows.map((r) => (r.id === row.id ? { ...r, key: e.target.value } : r)))
                  }
                />
              )}
            </Field>
            <context.Node
              context={context}
              schema={valueSchema}
              value={row.value}
              onChange={(next) =>
                update(rows.map((r) => (r.id === row.id ? { ...r, value: next } : r)))
              }
              path={[...path, row.key]}
              schemaPath={[...schemaPath, '*']}
              required
              label={t('form.entryValue', { key: row.key || index + 1 })}
            />
            <button
              type="button"
              className="button button-small"
              onClick={() => update(rows.filter((r) => r.id !== row.id))}
              disabled={disabled}
              aria-label={t('form.removeEntryLabel', { n: index + 1, field: title })}
            >
              {t('form.remove')}
            </button>
          </div>
        );
      })}
      {problem ? <p className="field-error">{problem}</p> : null}
      <button
        type="button"
        className="button button-small"
        onClick={() =>
          update([...rows, { id: ++rowIds, key: '', value: emptyValueOf(valueSchema) }])
        }
        disabled={disabled}
        aria-label={t('form.addEntryLabel', { field: title })}
      >
        {t('form.add')}
      </button>
      {footer}
    </fieldset>
  );
}

export function ArrayEditor({
  context,
  schema,
  value,
  onChange,
  path,
  schemaPath,
  title,
  description,
  problem,
  option,
}: EditorProps & { option: FieldText['option'] }) {
  const { t } = useTranslation();
  const items = Array.isArray(value) ? (value as unknown[]) : [];
  const [ids, setIds] = useItemIds(items.length);
  const itemSchema = schema.items ?? {};
  const disabled = context.props.disabled ?? false;
  const set = (next: unknown[]): void => onChange(next.length === 0 ? undefined : next);
  const remove = (index: number): void => {
    setIds(ids.filter((_, i) => i !== index));
    set(items.filter((_, i) => i !== index));
  };
  const add = (): void => {
    setIds([...ids, ...newRowIds(1)]);
    set([...items, emptyValueOf(itemSchema)]);
  };

  // A list of fixed choices (event types, languages) is a group of checkboxes.
  if (kindOf(itemSchema) === 'enum') {
    const choices = (itemSchema.enum ?? []).filter(
      (entry): entry is string => typeof entry === 'string',
    );
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
              onChange={(on) =>
                set(
                  on
                    ? choices.filter((c) => c === choice || items.includes(c))
                    : items.filter((item) => item !== choice),
                )
              }
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
        <div key={ids[index]} className="schema-row">
          <context.Node
            context={context}
            schema={itemSchema}
            value={item}
            onChange={(next) => set(items.map((current, i) => (i === index ? next : current)))}
            path={[...path, index]}
            schemaPath={[...schemaPath, '*']}
            required
            label={t('form.item', { field: title, n: index + 1 })}
          />
          <button
            type="button"
            className="button button-small"
            onClick={() => remove(index)}
            disabled={disabled}
            aria-label={t('form.removeEntryLabel', { n: index + 1, field: title })}
          >
            {t('form.remove')}
          </button>
        </div>
      ))}
      {problem ? <p className="field-error">{problem}</p> : null}
      <button
        type="button"
        className="button button-small"
        onClick={add}
        disabled={disabled}
        aria-label={t('form.addEntryLabel', { field: title })}
      >
        {t('form.add')}
      </button>
    </fieldset>
  );
}
