/**
 * The field-mapping preview of the admin UI: a connection config (saved or still being
 * edited) rendered for one event — every template and mapping entry (found by the walk of
 * `template-fields.ts`, whatever the connector) and, when the connector can say, what it would
 * send (`Connector.preview`). Nothing is saved and no target is contacted.
 *
 * A config that is not valid yet (a form half filled in) is still rendered: its templates are
 * read as they stand, schema defaults are not filled in, and `problems` says what keeps it from
 * being saved, per field, with the config's secret values scrubbed.
 */
import type { FieldProblem } from '../core/errors.js';
import type { Connector } from '../connectors/connector.js';
import { renderTemplateFields, templatePathIssues } from '../connectors/template-fields.js';
import type { RenderedField } from '../connectors/template-fields.js';
import { templateScope } from '../connectors/template.js';
import type { CanonicalEvent } from '../core/events.js';
import { fieldProblems } from './issue-message.js';
import { secretStrings } from '../secrets/secret-fields.js';

export interface ConfigPreview {
  /** Each template and mapping entry with its value for the event, in config order. */
  fields: RenderedField[];
  /** What the connector would send (e.g. the webhook's `body`); null when it cannot say or the config is not valid. */
  output: Record<string, unknown> | null;
  /** What keeps the config from being saved as it is (`INVALID_CONFIG`, `UNKNOWN_TEMPLATE_PATH`); empty when it would be accepted. */
  problems: FieldProblem[];
}

/** Whether `field` is a secret field or lies inside one (`headers.Authorization` inside `headers`). */
function isSecretField(field: string, secretFields: readonly string[]): boolean {
  return secretFields.some((secret) => field === secret || field.startsWith(`${secret}.`));
}

export function previewConfig(
  connector: Connector<unknown>,
  config: unknown,
  event: CanonicalEvent,
): ConfigPreview {
  const scope = templateScope(event);
  const parsed = connector.configSchema.safeParse(config);
  const used = parsed.success ? parsed.data : config;
  const fields = renderTemplateFields(connector.configSchema, used, scope).filter(
    (field) => !isSecretField(field.field, connector.secretFields),
  );
  const problems: FieldProblem[] = parsed.success
    ? []
    : fieldProblems(parsed.error, {
        redact: secretStrings([config], connector.secretFields),
        input: config,
      });
  problems.push(
    ...templatePathIssues(connector.configSchema, used).map((issue) => ({
      path: issue.field,
      problem: issue.problem,
    })),
  );
  const output = parsed.success && connector.preview ? connector.preview(event, parsed.data) : null;
  return { fields, output, problems };
}
