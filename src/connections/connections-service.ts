/**
 * Connections (docs/domain-model.md): configured outbound targets — connector, filters, config
 * (credentials encrypted at rest, never in a view) and error e-mail addresses. The ingest
 * pipeline reads the active connections' filters inside its transaction; the delivery worker
 * loads one connection's decrypted config per delivery. Both reads are cached per row
 * version (`updated_at`), so the hot paths do one indexed read and no decryption while
 * nothing changed, and see a change made by any process on the next call.
 */
import { createActiveFiltersLoader } from '../routing/active-filters.js';
import type { ConnectionFilterTarget } from '../routing/active-filters.js';
import type { Kysely, Selectable } from 'kysely';
import * as z from 'zod';
import type { Connector } from '../connectors/connector.js';
import { CONNECTOR_IDS, getConnector } from '../connectors/registry.js';
import { templatePathIssues } from '../connectors/template-fields.js';
import { IpnhubError } from '../core/errors.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { ConnectionsTable, Database } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { checkConfigLimits } from './config-limits.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { uniqueEmails } from '../lib/unique-emails.js';
import { clearFailingStreak, resumeParkedDeliveries } from '../db/parked-deliveries.js';
import { parseDisplayName } from './display-name.js';
import { filtersSchema } from '../routing/filters.js';
import type { ConnectionFilters } from '../routing/filters.js';
import { joinFieldProblems, validationError } from './issue-message.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { generatedSecrets, parseConfigColumn, secretStatus } from '../secrets/secret-fields.js';
import type { ConfigObject, SecretStatus } from '../secrets/secret-fields.js';
import { unknownSettingsErrorMap } from './unknown-settings.js';
import { createEntityStore, entityReads } from './entity-store.js';
import type { EntityCrud } from './entity-store.js';

/** A connection as the admin API and CLI show it: never any secret value. */
export type { ConnectionFilterTarget };

export interface ConnectionView {
  id: string;
  connector: string;
  name: string;
  active: boolean;
  filters: ConnectionFilters;
  /** The non-secret config fields. */
  config: ConfigObject;
  /** Whether each of the connector's secret fields holds a value. */
  secretFields: Record<string, SecretStatus>;
  errorEmails: string[];
  /** When ipnhub switched the connection off on its own because it kept failing; null otherwise. */
  disabledAt: string | null;
  /** Why it did; null with `disabledAt`. */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A create or update: the view, plus secrets the connector's schema generated (shown once). */
export interface ConnectionWriteResult {
  connection: ConnectionView;
  /**
   * Secret fields the user did not submit and the schema filled in (e.g. the webhook
   * connector's `whsec_` signing secret): the only time they are ever returned.
   */
  generatedSecrets: Record<string, string>;
}

/** One active connection's filters, for the fan-out in the ingest transaction. */

/**
 * What the delivery worker needs: the full config with secrets decrypted, parsed by the
 * connector's schema (left unparsed when the connector is not installed in this build).
 * Frozen: it is shared by every call until the connection changes.
 */
export interface ConnectionForDelivery {
  id: string;
  connector: string;
  name: string;
  active: boolean;
  /** When ipnhub switched it off on its own (outbox/auto-disable.ts): its deliveries wait. */
  disabledAt: string | null;
  config: unknown;
  errorEmails: readonly string[];
}

export interface CreateConnectionInput {
  connector: string;
  name: string;
  /** Default true. */
  active?: boolean;
  /** Validated with `filtersSchema`; missing keys take its defaults (everything matches). */
  filters?: unknown;
  /** The connector's config, secrets included; validated with its `configSchema`. */
  config?: unknown;
  /** Addresses that get the error e-mails; default none. */
  errorEmails?: unknown;
}

export interface ConnectionPatch {
  name?: string;
  active?: boolean;
  /** Replaces the filters as a whole. */
  filters?: unknown;
  /**
   * Filter fields to change, the others kept (`ipnhub connection update --event …`). Merged
   * into the stored filters (or into `filters`, when given) inside the compare-and-set, so a
   * concurrent change to another filter field is not lost; the result is validated as a whole.
   */
  filterChanges?: Partial<ConnectionFilters>;
  /**
   * Fields to change (JSON Merge Patch at the top level): given keys replace, `null` removes,
   * keys not given — secrets included — keep their value. The merged config is re-validated.
   */
  config?: unknown;
  /** Replaces the list as a whole. */
  errorEmails?: unknown;
}

/**
 * `create` and `update`: an unknown connector → `IpnhubError('UNKNOWN_CONNECTOR')`; bad name,
 * `active`, filters or error e-mails → `VALIDATION_FAILED` naming the field; a config over a
 * size limit (config-limits.ts) → `CONFIG_TOO_LARGE` naming the field and the limit; a config
 * the connector's schema rejects (an unknown key at any depth included) → `INVALID_CONFIG` with
 * `<path>: <message>` (secret values scrubbed); a template or mapping naming a path the
 * canonical event does not have → `UNKNOWN_TEMPLATE_PATH` with the field, the path and the
 * closest valid path.
 */
export interface ConnectionsService
  extends EntityCrud<
    ConnectionView,
    CreateConnectionInput,
    ConnectionPatch,
    ConnectionWriteResult
  > {
  /**
   * The active connections' filters, oldest first. Called inside the ingest transaction:
   * pass it as `db`. Decrypts nothing; parsed filters are cached per row version.
   */
  activeFilters(db?: Kysely<Database>): Promise<ConnectionFilterTarget[]>;
  /**
   * One connection with its decrypted, parsed config, cached per row version; null when
   * there is no such connection (inactive ones are returned, `active` says so). Stored keys
   * the connector's schema does not know are left out with a warning naming the connection;
   * a stored config the schema otherwise rejects → `IpnhubError('INVALID_CONFIG')`.
   */
  loadForDelivery(id: string, db?: Kysely<Database>): Promise<ConnectionForDelivery | null>;
  /**
   * The connection's config with its secrets decrypted and `patch` applied like `update`
   * applies it, not validated and not saved: what the admin UI's preview renders while the
   * connection is being edited. Null when there is no such connection; an unknown connector →
   * `UNKNOWN_CONNECTOR`. The result holds secrets: never return it to a client.
   */
  configForPreview(
    id: string,
    patch?: unknown,
  ): Promise<{ connector: Connector<unknown>; config: ConfigObject } | null>;
}

export interface ConnectionsServiceDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  secretBox: SecretBox;
  clock: Clock;
  /** Connectors by id; defaults to every installed connector. */
  registry?: Record<string, Connector<unknown>>;
  /** Warns about stored config keys the connector no longer knows; default: silent. */
  logger?: Logger;
}

type ConnectionRow = Selectable<ConnectionsTable>;

const errorEmailsSchema = z.array(z.string().trim().pipe(z.email()));
const storedEmailsSchema = z.array(z.string());

function installedConnectors(): Record<string, Connector<unknown>> {
  return Object.fromEntries(CONNECTOR_IDS.map((id) => [id, getConnector(id)]));
}

function parseActive(value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new IpnhubError('VALIDATION_FAILED', 'active: expected true or false');
  return value;
}

function parseFilters(value: unknown): ConnectionFilters {
  const parsed = filtersSchema.safeParse(value, { error: unknownSettingsErrorMap });
  if (!parsed.success)
    throw validationError('VALIDATION_FAILED', parsed.error, { prefix: 'filters', input: value });
  return parsed.data;
}

/** Trimmed, duplicates (ignoring case) dropped, order kept. */
function parseErrorEmails(value: unknown): string[] {
  const parsed = errorEmailsSchema.safeParse(value);
  if (!parsed.success)
    throw validationError('VALIDATION_FAILED', parsed.error, {
      prefix: 'errorEmails',
      input: value,
    });
  return uniqueEmails(parsed.data);
}

/** Templates must name paths the event has: a typo would blank the field on every delivery. */
function checkTemplatePaths(connector: Connector<unknown>, config: unknown): void {
  const fields = templatePathIssues(connector.configSchema, config).map((issue) => ({
    path: issue.field,
    problem: issue.problem,
  }));
  if (fields.length > 0)
    throw new IpnhubError('UNKNOWN_TEMPLATE_PATH', joinFieldProblems(fields), { fields });
}

function storedFilters(row: ConnectionRow): ConnectionFilters {
  return filtersSchema.parse(JSON.parse(row.filters));
}

function storedEmails(row: ConnectionRow): string[] {
  return storedEmailsSchema.parse(JSON.parse(row.error_emails));
}

export function createConnectionsService(deps: ConnectionsServiceDeps): ConnectionsService {
  const store = createEntityStore<ConnectionRow, Connector<unknown>, ConnectionForDelivery>(
    'connection',
    {
      ...deps,
      registry: deps.registry ?? installedConnectors(),
    },
  );
  const loadActiveFilters = createActiveFiltersLoader();

  function toView(row: ConnectionRow): ConnectionView {
    return {
      id: row.id,
      connector: row.connector,
      name: row.name,
      active: row.active === 1,
      filters: storedFilters(row),
      config: parseConfigColumn(row.config),
      secretFields: secretStatus(row.secrets, store.specOf(row.connector)?.secretFields),
      errorEmails: storedEmails(row),
      disabledAt: row.disabled_at,
      disabledReason: row.disabled_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  function decodeForDelivery(row: ConnectionRow): ConnectionForDelivery {
    const config = store.codec.open(
      store.specOf(row.connector),
      row,
      `connection ${row.id}`,
      (keys) => {
        deps.logger?.warn(
          { connectionId: row.id, connector: row.connector, ignoredKeys: keys },
          `connection ${row.id} ("${row.name}") has settings the ${row.connector} connector does not know: ${keys.join(', ')}; they are ignored, and the next change to the connection's settings must remove them`,
        );
      },
    );
    return deepFreeze({
      id: row.id,
      connector: row.connector,
      name: row.name,
      active: row.active === 1,
      disabledAt: row.disabled_at,
      config,
      errorEmails: storedEmails(row),
    });
  }

  return {
    ...entityReads(store, toView),

    async create(input) {
      const connector = store.requireSpec(input.connector);
      const base = store.newRowBase(parseDisplayName(input.name));
      const active = input.active === undefined ? true : parseActive(input.active);
      const filters = parseFilters(input.filters ?? {});
      const errorEmails = parseErrorEmails(input.errorEmails ?? []);
      const submitted = input.config ?? {};
      checkConfigLimits(submitted);
      const { stored, config } = store.codec.seal(connector, submitted);
      checkTemplatePaths(connector, config);
      const row: ConnectionRow = {
        ...base,
        connector: input.connector,
        active: active ? 1 : 0,
        filters: JSON.stringify(filters),
        ...stored,
        error_emails: JSON.stringify(errorEmails),
        disabled_at: null,
        disabled_reason: null,
      };
      await store.insert(row);
      return {
        connection: toView(row),
        generatedSecrets: generatedSecrets(submitted, config, connector.secretFields),
      };
    },

    async update(id, patch) {
      let switchedOn = false;
      const result = await store.update<ConnectionWriteResult>(id, (row) => {
        switchedOn = false;
        const changes = [
          patch.name,
          patch.active,
          patch.filters,
          patch.filterChanges,
          patch.errorEmails,
          patch.config,
        ];
        if (changes.every((change) => change === undefined))
          return { unchanged: { connection: toView(row), generatedSecrets: {} } };
        const next: ConnectionRow = { ...row };
        let generated: Record<string, string> = {};
        if (patch.name !== undefined) next.name = parseDisplayName(patch.name);
        if (patch.active !== undefined) next.active = parseActive(patch.active) ? 1 : 0;
        // Switched on again: whatever switched it off is over.
        switchedOn = row.active === 0 && next.active === 1;
        if (switchedOn) {
          next.disabled_at = null;
          next.disabled_reason = null;
        }
        if (patch.filters !== undefined || patch.filterChanges !== undefined) {
          const base =
            patch.filters === undefined ? storedFilters(row) : parseFilters(patch.filters);
          next.filters = JSON.stringify(parseFilters({ ...base, ...patch.filterChanges }));
        }
        if (patch.errorEmails !== undefined)
          next.error_emails = JSON.stringify(parseErrorEmails(patch.errorEmails));
        if (patch.config !== undefined) {
          const connector = store.requireSpec(row.connector);
          // The patch before the schema sees it (a huge one fails fast), the result after.
          checkConfigLimits(patch.config);
          const { stored, config, merged } = store.codec.patch(connector, row, patch.config);
          checkConfigLimits(merged);
          checkTemplatePaths(connector, config);
          Object.assign(next, stored);
          generated = generatedSecrets(merged, config, connector.secretFields);
        }
        return {
          write: next,
          done: (written) => ({ connection: toView(written), generatedSecrets: generated }),
        };
      });
      if (result !== null && switchedOn) {
        // Deliveries kept while ipnhub had switched it off go out now, in order; the failing
        // streak starts afresh (outbox/auto-disable.ts).
        await resumeParkedDeliveries(deps.db, id, deps.clock.now().toISOString());
        await clearFailingStreak(deps.db, id);
      }
      return result;
    },

    activeFilters(executor = deps.db) {
      return loadActiveFilters(executor);
    },

    async configForPreview(id, patch = {}) {
      const row = await store.find(id);
      if (!row) return null;
      const connector = store.requireSpec(row.connector);
      return { connector, config: store.codec.merge(connector, row, patch) };
    },

    loadForDelivery: (id, executor) => store.load(id, executor, decodeForDelivery),
  };
}
