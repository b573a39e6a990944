/**
 * The form of a source: its name and its provider's config, generated from the provider's
 * JSON Schema. Used to add a source (every field, defaults filled in) and to edit one (stored
 * secrets shown as "set", sent only when replaced).
 */
import { useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProviderEntry } from '../../api/types.js';
import { ErrorDisplay } from '../../components/error-display.js';
import { SubmitButton } from '../../components/submit-button.js';
import { TextField } from '../../components/form-field.js';
import { asSchema, checkValue } from '../../schema-form/json-schema.js';
import type { JsonObject, Problems } from '../../schema-form/json-schema.js';
import { focusFirstProblem, SchemaForm } from '../../schema-form/schema-form.js';
import type { SecretStatus } from '../../schema-form/schema-form.js';
import { describeProviderField } from './provider-fields.js';

export interface SourceFormValue {
  name: string;
  config: JsonObject;
  /** Stored secrets to remove. */
  cleared: ReadonlySet<string>;
}

export interface SourceFormProps {
  provider: ProviderEntry;
  initial: SourceFormValue;
  /** Stored secrets of an existing source. */
  secrets?: Readonly<Record<string, SecretStatus>>;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  /** Shown above the buttons (e.g. what to enter when a value is not known yet). */
  hint?: ReactNode;
  onSubmit(value: SourceFormValue): void;
  onCancel(): void;
}

export function SourceForm({
  provider,
  initial,
  secrets,
  submitLabel,
  busy,
  error,
  hint,
  onSubmit,
  onCancel,
}: SourceFormProps) {
  const { t, i18n } = useTranslation();
  const schema = asSchema(provider.configSchema);
  const [value, setValue] = useState<SourceFormValue>(initial);
  const [problems, setProblems] = useState<Problems>(new Map());
  const [nameProblem, setNameProblem] = useState<string | undefined>(undefined);
  const form = useRef<HTMLFormElement>(null);
  const storedSecrets = new Set(
    Object.entries(secrets ?? {})
      .filter(([field, status]) => status === 'set' && !value.cleared.has(field))
      .map(([field]) => field),
  );

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = checkValue(schema, value.config, { storedSecrets });
    const missingName = value.name.trim() === '' ? t('form.problem.required') : undefined;
    setProblems(found);
    setNameProblem(missingName);
    if (found.size > 0 || missingName) {
      // After React has rendered the problems.
      queueMicrotask(() => focusFirstProblem(form.current));
      return;
    }
    onSubmit({ ...value, name: value.name.trim() });
  };

  return (
    <form ref={form} className="form" onSubmit={submit} noValidate>
      <TextField
        label={t('sources.name')}
        help={t('sources.nameHelp')}
        required
        value={value.name}
        error={nameProblem}
        maxLength={200}
        onChange={(name) => setValue({ ...value, name })}
        disabled={busy}
      />
      <SchemaForm
        schema={schema}
        value={value.config}
        onChange={(config) => setValue({ ...value, config })}
        {...(secrets ? { secrets } : {})}
        cleared={value.cleared}
        onClearedChange={(cleared) => setValue({ ...value, cleared })}
        problems={problems}
        describe={describeProviderField(i18n, provider.id)}
        disabled={busy}
      />
      {hint}
      {error ? <ErrorDisplay error={error} /> : null}
      <SubmitButton busy={busy} onCancel={onCancel}>
        {submitLabel}
      </SubmitButton>
    </form>
  );
}
