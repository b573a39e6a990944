/**
 * The form of a connection: name and active switch; the connector's settings generated from
 * its JSON Schema (labels and help from the catalogue, defaults, nested objects, lists, maps,
 * secrets write-only); the per-event actions; the filters; the error e-mail addresses; and the
 * live preview of its templates and mappings. Used to add a connection and to edit one.
 *
 * Mistakes the browser can see are shown beside their fields before anything is sent; what
 * only the server knows comes back from it and is shown beside the fields it names too, with
 * a summary above the buttons.
 *
 * A CRM's form is large (an action form per event type): its parts are memoized and get
 * stable callbacks, so a keystroke re-renders the part it is typed in, not the whole form.
 */
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorDisplay } from '../../components/error-display.js';
import { SubmitButton } from '../../components/submit-button.js';
import { CheckboxField, TextField } from '../../components/form-field.js';
import type { SecretStatus } from '../../schema-form/form-context.js';
import { asSchema, checkValue } from '../../schema-form/json-schema.js';
import type { JsonObject, Problems } from '../../schema-form/json-schema.js';
import { focusFirstProblem, SchemaForm } from '../../schema-form/schema-form.js';
import { ActionsEditor } from './actions-editor.js';
import { configForCreate, configForUpdate } from './connection-form-value.js';
import type { ConnectionFormValue } from './connection-form-value.js';
import type { ConnectorEntry } from './connection-types.js';
import {
  actionsFieldOf,
  describeConnectorField,
  objectField,
  withoutField,
} from './connector-schema.js';
import { FiltersFields } from './filters-fields.js';
import {
  bodyFieldLabel,
  configFieldLabel,
  NO_PROBLEMS,
  problemsOfRefusal,
} from './form-problems.js';
import type { FormProblems } from './form-problems.js';
import { ListField } from './list-field.js';
import { MappingPreview } from './mapping-preview.js';
import type { PreviewTarget } from './mapping-preview.js';

const ConfigFields = memo(SchemaForm);
const Actions = memo(ActionsEditor);
const Filters = memo(FiltersFields);
const Preview = memo(MappingPreview);

const ERROR_EMAILS_SCHEMA = asSchema({
  type: 'object',
  properties: { errorEmails: { type: 'array', items: { type: 'string', format: 'email' } } },
});

export interface ConnectionFormProps {
  connector: ConnectorEntry;
  initial: ConnectionFormValue;
  /** Stored secrets of an existing connection. */
  secrets?: Readonly<Record<string, SecretStatus>>;
  /** Where the preview renders: the connector (new) or the saved connection. */
  previewTarget: PreviewTarget;
  /** A saved connection's config: the preview renders the update patch against it; without it, the create config. */
  storedConfig?: JsonObject;
  submitLabel: string;
  busy: boolean;
  error: unknown;
  onSubmit(value: ConnectionFormValue): void;
  onCancel(): void;
}

export function ConnectionForm({
  connector,
  initial,
  secrets,
  previewTarget,
  storedConfig,
  submitLabel,
  busy,
  error,
  onSubmit,
  onCancel,
}: ConnectionFormProps) {
  const { t, i18n } = useTranslation();
  const schema = useMemo(() => asSchema(connector.configSchema), [connector]);
  const actionsField = useMemo(() => actionsFieldOf(schema), [schema]);
  const baseSchema = useMemo(
    () => (actionsField === null ? schema : withoutField(schema, actionsField)),
    [schema, actionsField],
  );
  const actionsSchema = useMemo(
    () => (actionsField === null ? {} : (schema.properties?.[actionsField] ?? {})),
    [schema, actionsField],
  );
  // Labels follow the language.
  const language = i18n.language;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the catalogue is read through the same i18n object in every language, so a new language is what must rebuild the labels
  const describe = useMemo(
    () => describeConnectorField(i18n, connector.id),
    [i18n, connector.id, language],
  );
  const [value, setValue] = useState<ConnectionFormValue>(initial);
  const setConfig = useCallback(
    (config: JsonObject) =>
      setValue((current) => ({
        ...current,
        config:
          actionsField === null
            ? config
            : { ...config, [actionsField]: current.config[actionsField] },
      })),
    [actionsField],
  );
  const setActions = useCallback(
    (actions: JsonObject) =>
      setValue((current) =>
        actionsField === null
          ? current
          : { ...current, config: { ...current.config, [actionsField]: actions } },
      ),
    [actionsField],
  );
  const setCleared = useCallback(
    (cleared: ReadonlySet<string>) => setValue((current) => ({ ...current, cleared })),
    [],
  );
  const setFilters = useCallback(
    (filters: ConnectionFormValue['filters']) => setValue((current) => ({ ...current, filters })),
    [],
  );
  const [local, setLocal] = useState<FormProblems>(NO_PROBLEMS);
  const form = useRef<HTMLFormElement>(null);
  const storedSecrets = new Set(
    Object.entries(secrets ?? {})
      .filter(([field, status]) => status === 'set' && !value.cleared.has(field))
      .map(([field]) => field),
  );

  const refusal = useMemo(() => problemsOfRefusal(t, error), [t, error]);
  // After a refusal, to the first field it names (the summary lists them all), in the commit
  // that shows it: a passive effect runs a task later.
  useLayoutEffect(() => {
    if (error) focusFirstProblem(form.current);
  }, [error]);
  const configProblems: Problems = useMemo(
    () => new Map([...refusal.config, ...local.config]),
    [refusal.config, local.config],
  );
  const fieldLabel = useCallback(
    (path: string): string => configFieldLabel(i18n, schema, describe, actionsField, path),
    [i18n, schema, describe, actionsField],
  );
  // The preview renders the config as it would be sent; it changes only with the config.
  const previewed = useMemo(
    () =>
      storedConfig === undefined
        ? configForCreate(connector, value.config)
        : configForUpdate(connector, storedConfig, value.config, value.cleared),
    [connector, storedConfig, value.config, value.cleared],
  );

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const config = checkValue(schema, value.config, { storedSecrets });
    const emails = checkValue(ERROR_EMAILS_SCHEMA, { errorEmails: value.errorEmails });
    const found: FormProblems = {
      ...NO_PROBLEMS,
      name: value.name.trim() === '' ? t('form.problem.required') : undefined,
      errorEmails: emails.size > 0 ? t('connections.form.errorEmailsInvalid') : undefined,
      config,
    };
    setLocal(found);
    if (config.size > 0 || found.name || found.errorEmails) {
      // After React has rendered the problems.
      queueMicrotask(() => focusFirstProblem(form.current));
      return;
    }
    onSubmit(value);
  };

  const problemOf = (key: 'name' | 'errorEmails'): string | undefined => local[key] ?? refusal[key];
  const filterProblems = useMemo(
    () => new Map([...refusal.filters, ...local.filters]),
    [refusal.filters, local.filters],
  );

  return (
    <form ref={form} className="form connection-form" onSubmit={submit} noValidate>
      <section className="form-section" aria-labelledby="general-title">
        <h2 id="general-title">{t('connections.form.general')}</h2>
        <TextField
          label={t('connections.form.name')}
          help={t('connections.form.nameHelp')}
          required
          value={value.name}
          error={problemOf('name')}
          maxLength={200}
          onChange={(name) => setValue({ ...value, name })}
          disabled={busy}
        />
        <CheckboxField
          label={t('connections.form.active')}
          help={t('connections.form.activeHelp')}
          checked={value.active}
          onChange={(active) => setValue({ ...value, active })}
          disabled={busy}
        />
      </section>
      <section className="form-section" aria-labelledby="config-title">
        <h2 id="config-title">
          {t('connections.form.settingsOf', { connector: connector.displayName })}
        </h2>
        <ConfigFields
          schema={baseSchema}
          value={value.config}
          onChange={setConfig}
          {...(secrets ? { secrets } : {})}
          cleared={value.cleared}
          onClearedChange={setCleared}
          problems={configProblems}
          describe={describe}
          disabled={busy}
        />
      </section>
      {actionsField !== null ? (
        <Actions
          field={actionsField}
          schema={actionsSchema}
          value={objectField(value.config, actionsField)}
          onChange={setActions}
          describe={describe}
          problems={configProblems}
          disabled={busy}
        />
      ) : null}
      <Filters
        value={value.filters}
        onChange={setFilters}
        problems={filterProblems}
        disabled={busy}
      />
      <section className="form-section" aria-labelledby="alerts-title">
        <h2 id="alerts-title">{t('connections.form.errorEmailsTitle')}</h2>
        <ListField
          label={t('connections.form.errorEmails')}
          help={t('connections.form.errorEmailsHelp')}
          value={value.errorEmails}
          onChange={(errorEmails) => setValue({ ...value, errorEmails })}
          error={problemOf('errorEmails')}
          multiline
          disabled={busy}
        />
      </section>
      <Preview target={previewTarget} config={previewed} fieldLabel={fieldLabel} />
      {error ? (
        <>
          <ErrorDisplay error={error} />
          {refusal.refused.length > 0 ? (
            <ul className="refused-fields" aria-label={t('connections.form.refusedFields')}>
              {refusal.refused.map((field) => (
                <li key={`${field.path}: ${field.problem}`}>
                  <strong>
                    {field.path === '(root)'
                      ? t('connections.form.configTitle')
                      : refusal.refusedInConfig
                        ? fieldLabel(field.path)
                        : bodyFieldLabel(t, field.path)}
                  </strong>
                  : {field.problem}
                </li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <SubmitButton busy={busy} onCancel={onCancel}>
        {submitLabel}
      </SubmitButton>
    </form>
  );
}
