/**
 * What the connection form needs to know about a connector's config schema beyond the shared
 * schema form: which field holds the per-event actions (an object whose fields are named by
 * event types: `payment`, `refund`, `refund_partial`, …), shown by its own editor; labels from
 * the catalogue; and which texts are long templates (a default that spans lines, such as the
 * e-mail body), shown as a multi-line area.
 */
import type { i18n as I18n } from 'i18next';
import { describeFromCatalogue } from '../../schema-form/catalogue-labels.js';
import type { DescribeField } from '../../schema-form/form-context.js';
import { isJsonObject, kindOf } from '../../schema-form/json-schema.js';
import type { JsonObject, JsonSchema } from '../../schema-form/json-schema.js';
import { EVENT_TYPES } from './event-types.js';

function isEventKey(key: string): boolean {
  return EVENT_TYPES.some((type) => key === type || key.startsWith(`${type}_`));
}

/** The name of the config field holding actions per event type, if the schema has one. */
export function actionsFieldOf(schema: JsonSchema): string | null {
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (kindOf(property) !== 'object') continue;
    const keys = Object.keys(property.properties ?? {});
    if (
      keys.filter((key) => (EVENT_TYPES as readonly string[]).includes(key)).length >= 2 &&
      keys.every(isEventKey)
    )
      return name;
  }
  return null;
}

/** The schema without one of its fields (the one a dedicated editor shows). */
export function withoutField(schema: JsonSchema, name: string): JsonSchema {
  const properties = { ...schema.properties };
  delete properties[name];
  return {
    ...schema,
    properties,
    required: (schema.required ?? []).filter((field) => field !== name),
  };
}

function isLongTemplate(schema: JsonSchema): boolean {
  return (
    kindOf(schema) === 'string' &&
    typeof schema.default === 'string' &&
    schema.default.includes('\n')
  );
}

/** Catalogue labels of a connector's config fields (`configFields.<connector>.<path>`), long templates as multi-line areas. */
export function describeConnectorField(i18n: I18n, connectorId: string): DescribeField {
  const fromCatalogue = describeFromCatalogue(i18n, connectorId);
  return (schemaPath, schema) => ({
    ...fromCatalogue(schemaPath, schema),
    ...(isLongTemplate(schema) ? { multiline: true } : {}),
  });
}

/** The object at `name` in a config, or an empty one. */
export function objectField(config: JsonObject, name: string): JsonObject {
  const value = config[name];
  return isJsonObject(value) ? value : {};
}
