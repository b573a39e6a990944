/**
 * The per-event actions of a CRM or e-mail marketing connector (its `actions` config field):
 * for each event type the connector can act on — `refund_partial` included, a refund of part
 * of a payment that leaves the buyer's access — whether it acts, and if so the action's fields,
 * rendered by the shared schema form. An event without an action is skipped by the connector.
 */
import { useTranslation } from 'react-i18next';
import { CheckboxField } from '../../components/form-field.js';
import type { DescribeField } from '../../schema-form/form-context.js';
import { defaultsOf, isJsonObject } from '../../schema-form/json-schema.js';
import type { JsonObject, JsonSchema, Problems } from '../../schema-form/json-schema.js';
import { SchemaForm } from '../../schema-form/schema-form.js';
import { eventTypeName } from '../../i18n/event-type-name.js';

/** The problems under `prefix` (`actions.payment.`), keyed relative to it. */
export function problemsUnder(problems: Problems, prefix: string): Problems {
  return new Map(
    [...problems]
      .filter(([path]) => path.startsWith(prefix))
      .map(([path, problem]) => [path.slice(prefix.length), problem]),
  );
}

export interface ActionsEditorProps {
  /** The config field holding the actions (`actions`). */
  field: string;
  schema: JsonSchema;
  value: JsonObject;
  onChange(value: JsonObject): void;
  /** Labels of the connector's config fields (by schema path). */
  describe: DescribeField;
  /** Problems of the whole config, by path. */
  problems: Problems;
  disabled: boolean;
}

export function ActionsEditor({
  field,
  schema,
  value,
  onChange,
  describe,
  problems,
  disabled,
}: ActionsEditorProps) {
  const { t, i18n } = useTranslation();
  const text = describe([field], schema);
  const defaults = isJsonObject(schema.default) ? schema.default : {};
  const entries = Object.entries(schema.properties ?? {});
  const actionText = entries[0] ? describe([field, '*'], entries[0][1]) : undefined;
  // Action fields are labelled once for every event type: `actions.*.addTags`.
  const describeAction: DescribeField = (path, node) => describe([field, '*', ...path], node);

  return (
    <section className="form-section" aria-labelledby="actions-title">
      <h2 id="actions-title">{text.title}</h2>
      {text.description ? <p className="field-help">{text.description}</p> : null}
      {actionText?.description ? <p className="field-help">{actionText.description}</p> : null}
      {entries.map(([key, actionSchema]) => {
        const label = eventTypeName(i18n, key);
        const action = value[key];
        const on = action !== undefined;
        const set = (next: unknown): void => {
          const copy = { ...value };
          if (next === undefined) delete copy[key];
          else copy[key] = next;
          onChange(copy);
        };
        return (
          <fieldset key={key} className={`action-entry${on ? ' action-on' : ''}`}>
            <legend>{label}</legend>
            <CheckboxField
              label={t('connections.actions.actOn', { event: label })}
              checked={on}
              onChange={(next) =>
                set(next ? structuredClone(defaults[key] ?? defaultsOf(actionSchema)) : undefined)
              }
              disabled={disabled}
            />
            {on ? (
              <SchemaForm
                schema={actionSchema}
                value={isJsonObject(action) ? action : {}}
                onChange={set}
                describe={describeAction}
                problems={problemsUnder(problems, `${field}.${key}.`)}
                disabled={disabled}
              />
            ) : (
              <p className="muted">{t('connections.actions.skipped')}</p>
            )}
          </fieldset>
        );
      })}
    </section>
  );
}
