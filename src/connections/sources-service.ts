/**
 * Sources (DESIGN.md §3): configured inbound accounts, one per provider account, reachable at
 * `/ipn/<sourceId>`. Configs are validated with the provider's schema; secret fields are
 * encrypted at rest and never appear in a view.
 */
import type { Kysely, Selectable } from 'kysely';
import { IpnhubError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, SourcesTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Provider } from '../providers/provider.js';
import { PROVIDER_IDS, getProvider } from '../providers/registry.js';
import { updateWithCompareAndSet } from './compare-and-set.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { parseDisplayName } from './display-name.js';
import { nextUpdatedAt } from './row-version.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { createSecuredConfigCodec } from './secured-config.js';
import { parseConfigColumn, secretStatus } from '../secrets/secret-fields.js';
import type { ConfigObject, SecretStatus } from '../secrets/secret-fields.js';
import { createVersionCache } from '../lib/version-cache.js';

/** A source as the admin API and CLI show it: never any secret value. */
export interface SourceView {
  id: string;
  provider: string;
  name: string;
  /** The non-secret config fields. */
  config: ConfigObject;
  /** Whether each of the provider's secret fields holds a value. */
  secretFields: Record<string, SecretStatus>;
  /** `<publicBaseUrl>/ipn/<id>`, or just the path when no public base URL is configured. */
  inboundUrl: string;
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

export interface SourcesService {
  /**
   * Unknown provider → `IpnhubError('UNKNOWN_PROVIDER')`; a bad name → `VALIDATION_FAILED`;
   * a config the provider's schema rejects → `INVALID_CONFIG` with `<path>: <message>`
   * (secret values scrubbed).
   */
  create(input: CreateSourceInput): Promise<SourceView>;
  /** Every source, oldest first. */
  list(): Promise<SourceView[]>;
  get(id: string): Promise<SourceView | null>;
  /** Null when there is no such source; validation as for `create`. */
  update(id: string, patch: SourcePatch): Promise<SourceView | null>;
  /** False when there was no such source. */
  remove(id: string): Promise<boolean>;
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
  /** e.g. `https://hub.example.com`; inbound URLs are paths without it. */
  publicBaseUrl?: string;
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
  const { db, secretBox, clock } = deps;
  const registry = deps.registry ?? installedProviders();
  const baseUrl = (deps.publicBaseUrl ?? '').replace(/\/+$/, '');
  const codec = createSecuredConfigCodec(secretBox, 'provider');
  const ingestCache = createVersionCache<SourceForIngest>();
  // When each source's row version was last read; entries go with the cache's.
  const checkedAt = new Map<string, number>();
  const recheckMs = deps.ingestRecheckMs ?? 1000;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  const forget = (id: string): void => {
    ingestCache.delete(id);
    checkedAt.delete(id);
  };

  const providerOf = (id: string): Provider<unknown> | undefined => (Object.hasOwn(registry, id) ? registry[id] : undefined);

  function toView(row: SourceRow): SourceView {
    return {
      id: row.id,
      provider: row.provider,
      name: row.name,
      config: parseConfigColumn(row.config),
      secretFields: secretStatus(row.secrets, providerOf(row.provider)?.secretFields),
      inboundUrl: `${baseUrl}/ipn/${row.id}`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async function findRow(id: string, executor: Kysely<Database> = db): Promise<SourceRow | undefined> {
    return executor.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  }

  function decodeForIngest(row: SourceRow): SourceForIngest {
    const config = codec.open(providerOf(row.provider), row, `source ${row.id}`);
    return deepFreeze({ id: row.id, provider: row.provider, name: row.name, config });
  }

  return {
    async create(input) {
      const provider = providerOf(input.provider);
      if (!provider) throw new IpnhubError('UNKNOWN_PROVIDER', `"${input.provider}"`);
      const name = parseDisplayName(input.name);
      const { stored } = codec.seal(provider, input.config ?? {});
      const now = clock.now();
      const row: SourceRow = {
        id: newId('source', now.getTime()),
        provider: input.provider,
        name,
        ...stored,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      await db.insertInto('sources').values(row).execute();
      return toView(row);
    },

    async list() {
      const rows = await db.selectFrom('sources').selectAll().orderBy('id').execute();
      return rows.map(toView);
    },

    async get(id) {
      const row = await findRow(id);
      return row ? toView(row) : null;
    },

    async update(id, patch) {
      return updateWithCompareAndSet(`source ${id}`, async () => {
        const row = await findRow(id);
        if (!row) return { done: null };
        const next: SourceRow = { ...row };
        if (patch.name !== undefined) next.name = parseDisplayName(patch.name);
        if (patch.config !== undefined) {
          const provider = providerOf(row.provider);
          if (!provider) throw new IpnhubError('UNKNOWN_PROVIDER', `"${row.provider}"`);
          const { stored } = codec.patch(provider, row, patch.config);
          next.config = stored.config;
          next.secrets = stored.secrets;
        }
        if (patch.name === undefined && patch.config === undefined) return { done: toView(row) };
        next.updated_at = nextUpdatedAt(clock.now(), row.updated_at);
        const result = await db
          .updateTable('sources')
          .set({ name: next.name, config: next.config, secrets: next.secrets, updated_at: next.updated_at })
          .where('id', '=', id)
          .where('updated_at', '=', row.updated_at)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return undefined;
        forget(id);
        return { done: toView(next) };
      });
    },

    async remove(id) {
      const result = await db.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
      forget(id);
      return result.numDeletedRows > 0n;
    },

    async loadForIngest(id, executor) {
      const now = monotonicNow();
      if (executor === undefined) {
        const fresh = ingestCache.peek(id);
        const at = checkedAt.get(id);
        if (fresh !== undefined && at !== undefined && now - at < recheckMs) return fresh;
      }
      const row = await findRow(id, executor);
      if (!row) {
        forget(id);
        return null;
      }
      checkedAt.set(id, now);
      return ingestCache.get(id, row.updated_at, () => decodeForIngest(row));
    },
  };
}
