/**
 * The connection form's value and what it sends: the whole connection as the user edits it,
 * turned into the body of a create (every field, empty ones left out) or of an update (the
 * config as a patch: stored secrets stay unless replaced or removed, see
 * schema-form/config-patch.ts).
 *
 * The per-event actions are always sent as they stand, also when empty: leaving the field out
 * would bring back the connector's default actions, so a user who switched every action off
 * would find them on again.
 */
import { configPatch } from '../../schema-form/config-patch.js';
import {
  asSchema,
  defaultsOf,
  isJsonObject,
  kindOf,
  pruneEmpty,
} from '../../schema-form/json-schema.js';
import type { JsonObject } from '../../schema-form/json-schema.js';
import type {
  Connection,
  ConnectionFilters,
  ConnectorEntry,
  CreateConnectionBody,
  UpdateConnectionBody,
} from './connection-types.js';
import { actionsFieldOf } from './connector-schema.js';

export interface ConnectionFormValue {
  name: string;
  active: boolean;
  /** The connector's config as edited, the actions included; never a stored secret. */
  config: JsonObject;
  /** Stored top-level secrets to remove. */
  cleared: ReadonlySet<string>;
  filters: ConnectionFilters;
  errorEmails: string[];
}

export const DEFAULT_FILTERS: ConnectionFilters = {
  sources: [],
  eventTypes: [],
  productIds: [],
  addons: 'include',
  languages: [],
  payments: 'all',
  includeTest: false,
};

/** A new connection: the connector's defaults, active, every event. */
export function newConnectionValue(connector: ConnectorEntry): ConnectionFormValue {
  return {
    name: '',
    active: true,
    config: defaultsOf(asSchema(connector.configSchema)),
    cleared: new Set(),
    filters: DEFAULT_FILTERS,
    errorEmails: [],
  };
}

export function storedConnectionValue(connection: Connection): ConnectionFormValue {
  return {
    name: connection.name,
    active: connection.active,
    config: structuredClone(connection.config),
    cleared: new Set(),
    filters: structuredClone(connection.filters),
    errorEmails: [...connection.errorEmails],
  };
}

/** The actions as sent: every action that is on (an empty one included), its empty fields left out. */
function actionsAsSent(value: unknown): JsonObject {
  if (!isJsonObject(value)) return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, action]) =>
      action === undefined ? [] : [[key, pruneEmpty(action) ?? {}]],
    ),
  );
}

function splitActions(
  connector: ConnectorEntry,
  config: JsonObject,
): { rest: JsonObject; actionsField: string | null; actions: JsonObject } {
  const actionsField = actionsFieldOf(asSchema(connector.configSchema));
  if (actionsField === null) return { rest: config, actionsField, actions: {} };
  const { [actionsField]: actions, ...rest } = config;
  return { rest, actionsField, actions: actionsAsSent(actions) };
}

function isEmptyCollection(value: unknown): boolean {
  return Array.isArray(value)
    ? value.length === 0
    : isJsonObject(value) && Object.keys(value).length === 0;
}

/**
 * Top-level lists and maps the user emptied (all entries removed) where the connector fills
 * in a default when they are left out (Quentn's field mapping): sent empty, since leaving
 * them out would bring the default back. `before` is what the form started with.
 */
function deliberatelyEmpty(
  connector: ConnectorEntry,
  before: JsonObject,
  config: JsonObject,
): JsonObject {
  const emptied: JsonObject = {};
  for (const [name, property] of Object.entries(
    asSchema(connector.configSchema).properties ?? {},
  )) {
    const kind = kindOf(property);
    if (
      (kind !== 'map' && kind !== 'array') ||
      property.default === undefined ||
      isEmptyCollection(property.default)
    )
      continue;
    const had = before[name];
    const has = config[name];
    if (
      had !== undefined &&
      !isEmptyCollection(had) &&
      (has === undefined || isEmptyCollection(has))
    )
      emptied[name] = kind === 'map' ? {} : [];
  }
  return emptied;
}

/** The config of a new connection (also what its preview renders). */
export function configForCreate(connector: ConnectorEntry, config: JsonObject): JsonObject {
  const { rest, actionsField, actions } = splitActions(connector, config);
  const pruned = pruneEmpty(rest);
  return {
    ...(isJsonObject(pruned) ? pruned : {}),
    ...deliberatelyEmpty(connector, defaultsOf(asSchema(connector.configSchema)), rest),
    ...(actionsField === null ? {} : { [actionsField]: actions }),
  };
}

/** The config patch of an update (also what the preview of a saved connection applies). */
export function configForUpdate(
  connector: ConnectorEntry,
  stored: JsonObject,
  config: JsonObject,
  cleared: ReadonlySet<string>,
): JsonObject {
  const { rest, actionsField, actions } = splitActions(connector, config);
  const patch = {
    ...configPatch(stored, rest, cleared),
    ...deliberatelyEmpty(connector, stored, rest),
  };
  if (actionsField !== null) patch[actionsField] = actions;
  return patch;
}

function trimmed(value: ConnectionFormValue): Pick<ConnectionFormValue, 'name' | 'errorEmails'> {
  return { name: value.name.trim(), errorEmails: value.errorEmails };
}

export function createBody(
  connector: ConnectorEntry,
  value: ConnectionFormValue,
): CreateConnectionBody {
  return {
    connector: connector.id,
    ...trimmed(value),
    active: value.active,
    filters: value.filters,
    config: configForCreate(connector, value.config),
  };
}

export function updateBody(
  connector: ConnectorEntry,
  stored: Connection,
  value: ConnectionFormValue,
): UpdateConnectionBody {
  return {
    ...trimmed(value),
    active: value.active,
    filters: value.filters,
    config: configForUpdate(connector, stored.config, value.config, value.cleared),
  };
}
