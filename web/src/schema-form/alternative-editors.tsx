/** Editors for a value of one of several kinds (`anyOf`), and for anything else as JSON text. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField, TextAreaField } from '../components/form-field.js';
import type { EditorProps } from './form-context.js';
import { alternativeFor, alternativesOf, emptyValueOf, kindOf } from './json-schema.js';

export function ChoiceEditor({
  context,
  schema,
  value,
  onChange,
  path,
  schemaPath,
  required,
  title,
  description,
}: EditorProps) {
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
        options={alternatives.map((entry, index) => ({
          value: String(index),
          label: t(`form.kind.${kindOf(entry)}`),
        }))}
        value={String(chosen)}
        onChange={(next) => onChange(emptyValueOf(alternatives[Number(next)] ?? {}))}
        disabled={context.props.disabled}
      />
      <context.Node
        context={context}
        schema={alternative}
        value={value}
        onChange={onChange}
        path={path}
        schemaPath={schemaPath}
        required={required}
        label={title}
        hideDescription
      />
    </fieldset>
  );
}

export function JsonEditor({
  context,
  value,
  onChange,
  required,
  title,
  description,
  problem,
}: EditorProps) {
  const { t } = useTranslation();
  const [text, setText] = useState(() =>
    value === undefined ? '' : JSON.stringify(value, null, 2),
  );
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
