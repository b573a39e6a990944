/**
 * Seller profiles (docs/invoicing.md): who issues the documents of the sources attached to
 * them. A source has at most one profile (the primary key of `profile_sources`); a profile may
 * serve several sources (the PayPal IPN and the webhook source of one account, several shops).
 * Changes never touch issued documents: each carries the profile as it was when issued.
 */
import type { Kysely, Selectable } from 'kysely';
import * as z from 'zod';
import { updateWithCompareAndSet } from '../connections/compare-and-set.js';
import { nextUpdatedAt } from '../connections/row-version.js';
import { validationError } from '../connections/issue-message.js';
import { IpnhubError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { DbAdapter } from '../db/dialect-adapter.js';
import type { Database, SellerProfilesTable } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import { parseLogo } from './logo.js';
import { assertProfileCanEInvoice } from './profile-e-invoice.js';
import type { LogoMediaType } from './logo.js';
import { profileSettingsSchema } from './profile-settings.js';
import type { ProfileForIssue, ProfileSettings } from './profile-settings.js';

export interface ProfileView {
  id: string;
  name: string;
  invoicing: boolean;
  settings: ProfileSettings;
  logo: { mediaType: LogoMediaType; bytes: number } | null;
  /** The attached sources, oldest first. */
  sourceIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** What issuing needs: the settings and the logo's bytes. */
export interface CreateProfileInput {
  name: string;
  invoicing?: boolean;
  settings: unknown;
}

export interface ProfilePatch {
  name?: string;
  invoicing?: boolean;
  /** Top-level settings to replace (a series or the mail settings as a whole); others keep their value. */
  settings?: Record<string, unknown>;
}

export interface ProfilesService {
  list(): Promise<ProfileView[]>;
  get(id: string): Promise<ProfileView | null>;
  create(input: CreateProfileInput): Promise<ProfileView>;
  update(id: string, patch: ProfilePatch): Promise<ProfileView | null>;
  /** False when there is no such profile; `PROFILE_HAS_DOCUMENTS` once it has issued one. */
  remove(id: string): Promise<boolean>;
  /** Stores the logo (base64 of a PNG or JPEG file); `LOGO_INVALID`, `LOGO_TOO_LARGE`. */
  setLogo(id: string, base64: string): Promise<ProfileView | null>;
  clearLogo(id: string): Promise<ProfileView | null>;
  /** `NOT_FOUND` for an unknown source, `SOURCE_HAS_PROFILE` when another profile has it; attaching twice is a no-op. */
  attach(id: string, sourceId: string): Promise<ProfileView | null>;
  detach(id: string, sourceId: string): Promise<ProfileView | null>;
}

/**
 * The settings to store: `VALIDATION_FAILED` naming what the schema refuses, then
 * `EINVOICE_INCOMPLETE` naming what the e-invoice lacks when it is switched on.
 */
export function parseProfileSettings(input: unknown): ProfileSettings {
  const result = profileSettingsSchema.safeParse(input);
  if (!result.success)
    throw validationError('VALIDATION_FAILED', result.error, { prefix: 'settings', input });
  assertProfileCanEInvoice(result.data);
  return result.data;
}

/** The stored settings; they were valid when written, and a later default fills what they lack. */
function storedSettings(json: string): ProfileSettings {
  return profileSettingsSchema.parse(JSON.parse(json));
}

export async function loadProfileForIssue(
  db: Kysely<Database>,
  id: string,
): Promise<ProfileForIssue | null> {
  const row = await db
    .selectFrom('seller_profiles')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const logo =
    row.logo !== null && row.logo_media_type !== null
      ? { mediaType: row.logo_media_type as LogoMediaType, bytes: Buffer.from(row.logo) }
      : null;
  return {
    id: row.id,
    name: row.name,
    invoicing: Number(row.invoicing) === 1,
    settings: storedSettings(row.settings),
    logo,
  };
}

const nameSchema = z.string().trim().min(1).max(200);

function parseName(name: string): string {
  const result = nameSchema.safeParse(name);
  if (!result.success)
    throw validationError('VALIDATION_FAILED', result.error, { prefix: 'name', input: name });
  return result.data;
}

export function createProfilesService(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
  clock: Clock;
}): ProfilesService {
  const { db, adapter, clock } = deps;
  type Row = Omit<Selectable<SellerProfilesTable>, 'logo'> & { logo_bytes: number | null };

  async function rows(id?: string): Promise<Row[]> {
    let query = db
      .selectFrom('seller_profiles')
      .select([
        'id',
        'name',
        'invoicing',
        'settings',
        'logo_media_type',
        'created_at',
        'updated_at',
      ])
      .select((eb) => eb.fn<number | null>('length', ['logo']).as('logo_bytes'))
      .orderBy('id');
    if (id !== undefined) query = query.where('id', '=', id);
    return query.execute();
  }

  async function views(id?: string): Promise<ProfileView[]> {
    const found = await rows(id);
    if (found.length === 0) return [];
    const links = await db
      .selectFrom('profile_sources')
      .innerJoin('sources', 'sources.id', 'profile_sources.source_id')
      .select(['profile_sources.profile_id', 'profile_sources.source_id'])
      .where(
        'profile_sources.profile_id',
        'in',
        found.map((row) => row.id),
      )
      .orderBy('sources.created_at')
      .orderBy('sources.id')
      .execute();
    return found.map((row) => ({
      id: row.id,
      name: row.name,
      invoicing: Number(row.invoicing) === 1,
      settings: storedSettings(row.settings),
      logo:
        row.logo_media_type === null || row.logo_bytes === null
          ? null
          : { mediaType: row.logo_media_type as LogoMediaType, bytes: Number(row.logo_bytes) },
      sourceIds: links.filter((link) => link.profile_id === row.id).map((link) => link.source_id),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async function get(id: string): Promise<ProfileView | null> {
    return (await views(id))[0] ?? null;
  }

  /** Writes `set` on the profile with compare-and-set on its version; null when there is no such profile. */
  async function write(
    id: string,
    set: (row: Row) => Partial<Omit<SellerProfilesTable, 'id' | 'created_at' | 'updated_at'>>,
  ): Promise<ProfileView | null> {
    const done = await updateWithCompareAndSet(`seller profile ${id}`, async () => {
      const row = (await rows(id))[0];
      if (!row) return { done: false };
      const result = await db
        .updateTable('seller_profiles')
        .set({ ...set(row), updated_at: nextUpdatedAt(clock.now(), row.updated_at) })
        .where('id', '=', id)
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1 ? { done: true } : undefined;
    });
    return done ? get(id) : null;
  }

  return {
    list: () => views(),
    get,
    async create(input) {
      const name = parseName(input.name);
      const settings = parseProfileSettings(input.settings);
      const now = clock.now().toISOString();
      const id = newId('profile');
      await db
        .insertInto('seller_profiles')
        .values({
          id,
          name,
          invoicing: input.invoicing === true ? 1 : 0,
          settings: JSON.stringify(settings),
          logo: null,
          logo_media_type: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const view = await get(id);
      if (!view) throw new Error(`seller profile ${id} vanished after insert`);
      return view;
    },
    async update(id, patch) {
      const name = patch.name === undefined ? undefined : parseName(patch.name);
      return write(id, (row) => ({
        ...(name !== undefined ? { name } : {}),
        ...(patch.invoicing !== undefined ? { invoicing: patch.invoicing ? 1 : 0 } : {}),
        ...(patch.settings !== undefined
          ? {
              settings: JSON.stringify(
                parseProfileSettings({ ...JSON.parse(row.settings), ...patch.settings }),
              ),
            }
          : {}),
      }));
    },
    async remove(id) {
      return adapter.writeTransaction(db, async (trx) => {
        const issued = await trx
          .selectFrom('documents')
          .select('id')
          .where('profile_id', '=', id)
          .limit(1)
          .executeTakeFirst();
        if (issued)
          throw new IpnhubError(
            'PROFILE_HAS_DOCUMENTS',
            `Profile ${id} has issued documents (e.g. ${issued.id}).`,
          );
        await trx.deleteFrom('profile_sources').where('profile_id', '=', id).execute();
        await trx.deleteFrom('document_jobs').where('profile_id', '=', id).execute();
        const deleted = await trx
          .deleteFrom('seller_profiles')
          .where('id', '=', id)
          .executeTakeFirst();
        return Number(deleted.numDeletedRows) === 1;
      });
    },
    async setLogo(id, base64) {
      const logo = parseLogo(base64);
      return write(id, () => ({ logo: logo.bytes, logo_media_type: logo.mediaType }));
    },
    async clearLogo(id) {
      return write(id, () => ({ logo: null, logo_media_type: null }));
    },
    async attach(id, sourceId) {
      const attached = await adapter.writeTransaction(db, async (trx) => {
        const profile = await trx
          .selectFrom('seller_profiles')
          .select('id')
          .where('id', '=', id)
          .executeTakeFirst();
        if (!profile) return false;
        const source = await trx
          .selectFrom('sources')
          .select('id')
          .where('id', '=', sourceId)
          .executeTakeFirst();
        if (!source) throw new IpnhubError('NOT_FOUND', `No source ${sourceId}.`);
        const current = await trx
          .selectFrom('profile_sources')
          .select('profile_id')
          .where('source_id', '=', sourceId)
          .executeTakeFirst();
        if (current && current.profile_id !== id)
          throw new IpnhubError(
            'SOURCE_HAS_PROFILE',
            `Source ${sourceId} belongs to profile ${current.profile_id}; detach it there first.`,
          );
        if (!current)
          await trx
            .insertInto('profile_sources')
            .values({ source_id: sourceId, profile_id: id })
            .execute();
        return true;
      });
      return attached ? get(id) : null;
    },
    async detach(id, sourceId) {
      const profile = await get(id);
      if (!profile) return null;
      const deleted = await db
        .deleteFrom('profile_sources')
        .where('profile_id', '=', id)
        .where('source_id', '=', sourceId)
        .executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0)
        throw new IpnhubError('NOT_FOUND', `Source ${sourceId} is not attached to profile ${id}.`);
      return get(id);
    },
  };
}
