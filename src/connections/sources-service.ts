/**
 * Sources (docs/domain-model.md): configured inbound accounts, one per provider account, reachable at
 * `/ipn/<sourceId>`. Configs are validated with the provider's schema; secret fields are
 * encrypted at rest and never appear in a view.
 */
import type { Kysely, Selectable } from 'kysely';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, SourcesTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import type { Provider } from '../providers/provider.js';
import { PROVIDER_IDS, getProvider } from '../providers/registry.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { parseConfigColumn, secretStatus } from '../secrets/secret-fields.js';
import type { ConfigObject, SecretStatus } from '../secrets/secret-fields.js';
import { parseDisplayName } from './display-name.js';
import { createEntityStore, entityReads } from './entity-store.js';
import type { EntityCrud } from './entity-store.js';

/** A source as the admin API and CLI show it (they add its inbound URL, inbound-url.ts): never any secret value. */
export interface SourceView {
  id: string;
  provider: string;
  name: string;
  /** The non-secret config fields. */
  config: ConfigObject;
  /** Whether each of the provider's secret fields holds a value. */
  secretFields: Record<string, SecretStatus>;
  createdAt: string;
  updatedAt: string;
}

/**
 * What the ingest pipeline needs: the full config with secrets decrypted, parsed by the
 * provider's schema (left unparsed when the provider is not installed in this build).
 * Frozen: it is shared by every call until the source changes.
 */
export interface SourceForIngest {
  id: string;
  provider: string;
  name: string;
  config: unknown;
}

export interface CreateSourceInput {
  provider: string;
  name: string;
  /** The provider's config, secrets included; validated with its `configSchema`. */
  config?: unknown;
}

export interface SourcePatch {
  name?: string;
  /**
   * Fields to change (JSON Merge Patch at the top level): given keys replace, `null` removes,
   * keys not given — secrets included — keep their value. The merged config is re-validated.
   */
  config?: unknown;
}

/**
 * `create` and `update`: an unknown provider → `IpnhubError('UNKNOWN_PROVIDER')`; a bad name →
 * `VALIDATION_FAILED`; a config the provider's schema rejects → `INVALID_CONFIG` with
 * `<path>: <message>` (secret values scrubbed).
 */
export interface SourcesService extends EntityCrud<SourceView, CreateSourceInput, SourcePatch> {
  /**
   * The hot path (every IPN): the decrypted, parsed config is cached per source and row version
   * (`updated_at`), and the version is read again at most every `ingestRecheckMs`, so a busy
   * source costs no query per notification; a change made through this service is seen at
   * once, one made by another process within the interval. Pass the
   * transaction when calling inside one. Null when there is no such source. A stored config
   * the provider's schema no longer accepts → `IpnhubError('INVALID_CONFIG')`.
   */
  loadForIngest(id: string, db?: Kysely<Database>): Promise<SourceForIngest | null>;
}

export interface SourcesServiceDeps {
  db: Kysely<Database>;
  adapter: DbAdapter;
  secretBox: SecretBox;
  clock: Clock;
  /** Providers by id; defaults to every installed provider. */
  registry?: Record<string, Provider<unknown>>;
  /**
   * How long `loadForIngest` trusts its cached row before reading the version again, in ms
   * (default 1000). Changes made through this service are seen at once; changes made by
   * another process (the CLI next to a running server) within this interval.
   */
  ingestRecheckMs?: number;
  /** Monotonic milliseconds for the recheck interval; tests pass their own. */
  monotonicNow?: () => number;
}

type SourceRow = Selectable<SourcesTable>;

function installedProviders(): Record<string, Provider<unknown>> {
  return Object.fromEntries(PROVIDER_IDS.map((id) => [id, getProvider(id)]));
}

export function createSourcesService(deps: SourcesServiceDeps): SourcesService {
  const store = createEntityStore<SourceRow, Provider<unknown>, SourceForIngest>('source', {
    ...deps,
    registry: deps.registry ?? installedProviders(),
    recheckMs: deps.ingestRecheckMs ?? 1000,
  });

  function toView(row: SourceRow): SourceView {
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      config: parseConfigColumn(row.config),
      secretFields: secretStatus(row.secrets, store.specOf(row.provider)?.secretFields),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  function decodeForIngest(row: SourceRow): SourceForIngest {
    const config = store.codec.open(store.specOf(row.provider), row, `source ${row.id}`);
    return deepFreeze({ id: row.id, provider: row.provider, name: row.name, config });
  }

  return {
    ...entityReads(store, toView),

    async create(input) {
      const provider = store.requireSpec(input.provider);
      const base = store.newRowBase(parseDisplayName(input.name));
      const { stored } = store.codec.seal(provider, input.config ?? {});
      const row: SourceRow = { ...base, provider: input.provider, ...stored };
      await store.insert(row);
      return toView(row);
    },

    async update(id, patch) {
      return store.update<SourceView>(id, (row) => {
        if (patch.name === undefined && patch.config === undefined)
          return { unchanged: toView(row) };
        const next: SourceRow = { ...row };
        if (patch.name !== undefined) next.name = parseDisplayName(patch.name);
        if (patch.config !== undefined)
          Object.assign(
            next,
            store.codec.patch(store.requireSpec(row.provider), row, patch.config).stored,
          );
        return { write: next, done: toView };
      });
    },

    loadForIngest: (id, executor) => store.load(id, executor, decodeForIngest),
  };
}
