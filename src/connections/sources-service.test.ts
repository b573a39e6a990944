import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KyselyPlugin } from 'kysely';
import * as z from 'zod';
import { IpnhubError } from '../core/errors.js';
import { openDb } from '../db/connect.js';
import type { Db } from '../db/connect.js';
import { ManualClock } from '../lib/clock.js';
import type { Provider } from '../providers/provider.js';
import { countingBox } from '../../test/helpers/counting-secret-box.js';
import { rejection } from '../../test/helpers/rejection.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { createSecretBox } from '../secrets/secret-box.js';
import { createSourcesService } from './sources-service.js';
import type { SourcesService } from './sources-service.js';

const PASSPHRASE = 'Sup3r-Secret-Passphrase-4711';
const API_KEY = 'key_9f8e7d6c5b4a39281706';

const fakeConfigSchema = z
  .object({
    passphrase: z.string().min(8).meta({ title: 'Passphrase', writeOnly: true }),
    apiKey: z
      .string()
      // A message that echoes the input: the service must scrub it.
      .refine((value) => value.startsWith('key_'), {
        error: (issue) => `"${String(issue.input)}" must start with key_`,
      })
      .optional()
      .meta({ title: 'API key', writeOnly: true }),
    label: z.string().default('main').meta({ title: 'Label' }),
    sandbox: z.boolean().default(false).meta({ title: 'Sandbox' }),
  })
  .strict();

const fakeProvider: Provider<z.infer<typeof fakeConfigSchema>> = {
  id: 'fake',
  displayName: 'Fake provider',
  configSchema: fakeConfigSchema,
  secretFields: ['passphrase', 'apiKey'],
  contentTypes: ['application/x-www-form-urlencoded'],
  verify: async () => ({ ok: true, method: 'fake' }),
  normalize: () => ({ kind: 'ignored', reason: 'fake', fields: {} }),
  acknowledge: () => ({ status: 200, contentType: 'text/plain', body: 'OK' }),
  decodeFields: () => ({ ok: false, reason: 'fake' }),
};

const registry: Record<string, Provider<unknown>> = { fake: fakeProvider as Provider<unknown> };

for (const dialect of enabledDialects()) {
  describe(`sources service on ${dialect}`, () => {
    let handle: TestDb;
    let clock: ManualClock;
    let key: Buffer;
    let box: ReturnType<typeof countingBox>;
    let service: SourcesService;

    beforeEach(async () => {
      handle = await createTestDb(dialect);
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      key = randomBytes(32);
      box = countingBox(key);
      service = createSourcesService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
        registry,
      });
    });
    afterEach(async () => handle.dispose());

    const rawRow = async (id: string) =>
      handle.db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('creates a source: defaults applied, secrets split out, a view without secrets', async () => {
      const view = await service.create({
        provider: 'fake',
        name: '  Shop DE  ',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      expect(view.id).toMatch(/^src_[0-9A-Z]{26}$/);
      expect(view).toEqual({
        id: view.id,
        provider: 'fake',
        name: 'Shop DE',
        config: { label: 'main', sandbox: false },
        secretFields: { passphrase: 'set', apiKey: 'set' },
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
      });
      expect(await service.get(view.id)).toEqual(view);
      expect(await service.list()).toEqual([view]);
    });

    it('stores no secret in clear anywhere in the row', async () => {
      const view = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      const row = await rawRow(view.id);
      expect(JSON.parse(row.config)).toEqual({ label: 'main', sandbox: false });
      const rowJson = JSON.stringify(row);
      expect(rowJson).not.toContain(PASSPHRASE);
      expect(rowJson).not.toContain(API_KEY);
      expect(rowJson).not.toContain('Sup3r');
      const tokens = JSON.parse(row.secrets) as Record<string, string>;
      expect(Object.keys(tokens).sort()).toEqual(['apiKey', 'passphrase']);
      expect(tokens.passphrase).toMatch(/^v1\./);
      // Decryptable with the master key, and only with it.
      expect(createSecretBox(key).decrypt(tokens.passphrase ?? '')).toBe(
        JSON.stringify(PASSPHRASE),
      );
      expect(() => createSecretBox(randomBytes(32)).decrypt(tokens.passphrase ?? '')).toThrow(
        IpnhubError,
      );
    });

    it('marks optional secrets that were not given as unset', async () => {
      const view = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, sandbox: true },
      });
      expect(view.secretFields).toEqual({ passphrase: 'set', apiKey: 'unset' });
      expect(view.config).toEqual({ label: 'main', sandbox: true });
      expect(JSON.parse((await rawRow(view.id)).secrets)).not.toHaveProperty('apiKey');
    });

    it('rejects an unknown provider, a blank name and an invalid config, storing nothing', async () => {
      const unknown = await rejection(
        service.create({ provider: 'paypal-classic', name: 'x', config: {} }),
      );
      expect(unknown.code).toBe('UNKNOWN_PROVIDER');
      expect(
        (await rejection(service.create({ provider: 'constructor', name: 'x', config: {} }))).code,
      ).toBe('UNKNOWN_PROVIDER');

      const blank = await rejection(
        service.create({ provider: 'fake', name: '   ', config: { passphrase: PASSPHRASE } }),
      );
      expect(blank.code).toBe('VALIDATION_FAILED');
      expect(blank.detail).toBe('name: must be a non-empty text of at most 200 characters');

      const short = await rejection(
        service.create({ provider: 'fake', name: 'x', config: { passphrase: 'short' } }),
      );
      expect(short.code).toBe('INVALID_CONFIG');
      expect(short.detail).toBe('passphrase: must be at least 8 characters');
      expect(short.message).not.toContain('short"');

      const missing = await rejection(service.create({ provider: 'fake', name: 'x' }));
      expect(missing.code).toBe('INVALID_CONFIG');
      expect(missing.detail).toBe('passphrase: is required (text)');
      expect(missing.fields).toEqual([{ path: 'passphrase', problem: 'is required (text)' }]);

      const extra = await rejection(
        service.create({
          provider: 'fake',
          name: 'x',
          config: { passphrase: PASSPHRASE, colour: 'red' },
        }),
      );
      expect(extra.detail).toBe(
        'colour: unknown setting; the settings here are: passphrase, apiKey, label, sandbox',
      );

      expect(await service.list()).toEqual([]);
    });

    it('never echoes a submitted secret in a validation message', async () => {
      const badKey = 'NOTAKEY-Leaky-Secret-1234';
      const err = await rejection(
        service.create({
          provider: 'fake',
          name: 'x',
          config: { passphrase: PASSPHRASE, apiKey: badKey },
        }),
      );
      expect(err.code).toBe('INVALID_CONFIG');
      expect(err.detail).toBe('apiKey: "[redacted]" must start with key_');
      expect(err.message).not.toContain(badKey);
      expect(err.message).not.toContain(PASSPHRASE);
    });

    it('updates the name and keeps every secret', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      clock.advance(60_000);
      const renamed = await service.update(created.id, { name: 'Shop AT' });
      expect(renamed).toEqual({
        ...created,
        name: 'Shop AT',
        updatedAt: '2026-03-01T10:01:00.000Z',
      });
      const loaded = await service.loadForIngest(created.id);
      expect(loaded?.config).toEqual({
        passphrase: PASSPHRASE,
        apiKey: API_KEY,
        label: 'main',
        sandbox: false,
      });
    });

    it('patches config partially: given keys replace, null removes, secrets kept unless given', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      const relabelled = await service.update(created.id, {
        config: { label: 'eu', sandbox: true },
      });
      expect(relabelled?.config).toEqual({ label: 'eu', sandbox: true });
      expect(relabelled?.secretFields).toEqual({ passphrase: 'set', apiKey: 'set' });
      expect((await service.loadForIngest(created.id))?.config).toEqual({
        passphrase: PASSPHRASE,
        apiKey: API_KEY,
        label: 'eu',
        sandbox: true,
      });

      const rotated = await service.update(created.id, {
        config: { passphrase: 'a-brand-new-passphrase', apiKey: null },
      });
      expect(rotated?.secretFields).toEqual({ passphrase: 'set', apiKey: 'unset' });
      expect((await service.loadForIngest(created.id))?.config).toEqual({
        passphrase: 'a-brand-new-passphrase',
        label: 'eu',
        sandbox: true,
      });
      const rowJson = JSON.stringify(await rawRow(created.id));
      expect(rowJson).not.toContain('a-brand-new-passphrase');
      expect(rowJson).not.toContain(API_KEY);

      // Removing a field with a default brings the default back.
      expect((await service.update(created.id, { config: { label: null } }))?.config).toEqual({
        label: 'main',
        sandbox: true,
      });
    });

    it('re-validates the merged config and leaves the source unchanged on failure, without echoing secrets', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE },
      });
      const removeRequired = await rejection(
        service.update(created.id, { config: { passphrase: null } }),
      );
      expect(removeRequired.code).toBe('INVALID_CONFIG');
      expect(removeRequired.detail).toBe('passphrase: is required (text)');

      const leaky = 'Leaky-Secret-Key-0000';
      const badKey = await rejection(
        service.update(created.id, { config: { apiKey: leaky, sandbox: 'yes' } }),
      );
      expect(badKey.detail).toBe(
        'apiKey: "[redacted]" must start with key_; sandbox: must be true or false, not text',
      );
      expect(badKey.message).not.toContain(leaky);

      const notObject = await rejection(service.update(created.id, { config: 'passphrase=x' }));
      expect(notObject.code).toBe('INVALID_CONFIG');
      expect((await rejection(service.update(created.id, { name: '' }))).code).toBe(
        'VALIDATION_FAILED',
      );

      expect(await service.get(created.id)).toEqual(created);
      expect((await service.loadForIngest(created.id))?.config).toEqual({
        passphrase: PASSPHRASE,
        label: 'main',
        sandbox: false,
      });
    });

    it('never shows a secret in any view', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      const updated = await service.update(created.id, { config: { label: 'x' } });
      const views = JSON.stringify([
        created,
        updated,
        await service.get(created.id),
        await service.list(),
      ]);
      expect(views).not.toContain(PASSPHRASE);
      expect(views).not.toContain(API_KEY);
    });

    it('answers null/false for unknown ids', async () => {
      expect(await service.get('src_missing')).toBeNull();
      expect(await service.update('src_missing', { name: 'x' })).toBeNull();
      expect(
        await service.update('src_missing', { config: { passphrase: 'whatever-long' } }),
      ).toBeNull();
      expect(await service.remove('src_missing')).toBe(false);
      expect(await service.loadForIngest('src_missing')).toBeNull();
    });

    it('removes a source', async () => {
      const a = await service.create({
        provider: 'fake',
        name: 'A',
        config: { passphrase: PASSPHRASE },
      });
      const b = await service.create({
        provider: 'fake',
        name: 'B',
        config: { passphrase: PASSPHRASE },
      });
      expect((await service.list()).map((s) => s.name)).toEqual(['A', 'B']);
      expect(await service.loadForIngest(a.id)).not.toBeNull();
      expect(await service.remove(a.id)).toBe(true);
      expect(await service.remove(a.id)).toBe(false);
      expect(await service.get(a.id)).toBeNull();
      expect(await service.loadForIngest(a.id)).toBeNull();
      expect(await service.list()).toEqual([b]);
    });

    it('caches the decrypted config per row version: no decrypt while unchanged', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY },
      });
      box.decrypts = 0;
      const first = await service.loadForIngest(created.id);
      expect(first).toEqual({
        id: created.id,
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE, apiKey: API_KEY, label: 'main', sandbox: false },
      });
      expect(box.decrypts).toBe(2);
      const second = await service.loadForIngest(created.id);
      expect(second).toBe(first);
      expect(box.decrypts).toBe(2);
      // Shared by every caller, so it cannot be changed by one of them.
      expect(Object.isFrozen(first?.config)).toBe(true);
    });

    it('sees updates made in this process at once, even when the clock stands still', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE },
      });
      await service.loadForIngest(created.id);
      const updated = await service.update(created.id, {
        name: 'Renamed',
        config: { passphrase: 'second-passphrase' },
      });
      expect(updated?.updatedAt).toBe('2026-03-01T10:00:00.001Z');
      expect(await service.loadForIngest(created.id)).toEqual({
        id: created.id,
        provider: 'fake',
        name: 'Renamed',
        config: { passphrase: 'second-passphrase', label: 'main', sandbox: false },
      });
    });

    /** A service on `db` that trusts a loaded source for 1,000 ms of `now`. */
    const recheckingService = (db: TestDb['db'], now: () => number): SourcesService =>
      createSourcesService({
        db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
        registry,
        ingestRecheckMs: 1000,
        monotonicNow: now,
      });

    it('sees updates made by another process once its recheck interval has passed, without a query per call before', async () => {
      const other: Db = openDb(handle.target);
      let now = 0;
      const local = recheckingService(handle.db, () => now);
      try {
        const elsewhere = createSourcesService({
          db: other.db,
          adapter: other.adapter,
          secretBox: createSecretBox(key),
          clock,
          registry,
        });
        const created = await local.create({
          provider: 'fake',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        });
        expect((await local.loadForIngest(created.id))?.name).toBe('Shop');
        await elsewhere.update(created.id, { config: { passphrase: 'changed-elsewhere' } });
        now = 999;
        expect((await local.loadForIngest(created.id))?.config).toEqual({
          passphrase: PASSPHRASE,
          label: 'main',
          sandbox: false,
        });
        now = 1000;
        expect((await local.loadForIngest(created.id))?.config).toEqual({
          passphrase: 'changed-elsewhere',
          label: 'main',
          sandbox: false,
        });
        await elsewhere.remove(created.id);
        now = 2500;
        expect(await local.loadForIngest(created.id)).toBeNull();
        // Inside a transaction the row is always read.
        const again = await local.create({
          provider: 'fake',
          name: 'Again',
          config: { passphrase: PASSPHRASE },
        });
        await local.loadForIngest(again.id);
        await elsewhere.update(again.id, { name: 'Renamed elsewhere' });
        expect((await local.loadForIngest(again.id, handle.db))?.name).toBe('Renamed elsewhere');
      } finally {
        await other.close();
      }
    });

    /**
     * A source loaded once by a service whose queries are counted (from 0 on return) and whose
     * recheck is due; `holdNext` holds the next query's answer until it settles.
     */
    async function dueSource() {
      let now = 0;
      const reads = { count: 0, failNext: false, holdNext: null as Promise<void> | null };
      const held = new Map<unknown, Promise<void>>();
      const plugin: KyselyPlugin = {
        transformQuery(args) {
          reads.count++;
          if (reads.failNext) {
            reads.failNext = false;
            throw new Error('read failed');
          }
          if (reads.holdNext) held.set(args.queryId, reads.holdNext);
          reads.holdNext = null;
          return args.node;
        },
        async transformResult(args) {
          await held.get(args.queryId);
          return args.result;
        },
      };
      const local = recheckingService(handle.db.withPlugin(plugin), () => now);
      const { id } = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE },
      });
      await local.loadForIngest(id);
      now = 1000;
      reads.count = 0;
      const setNow = (ms: number): void => {
        now = ms;
      };
      return { local, reads, id, setNow };
    }

    it('shares one recheck read among the callers that find the source due while it runs', async () => {
      const { local, reads, id, setNow } = await dueSource();
      const loaded = await Promise.all([1, 2, 3, 4, 5].map(() => local.loadForIngest(id)));
      expect(reads.count).toBe(1);
      expect(loaded.map((s) => s?.name)).toEqual(['Shop', 'Shop', 'Shop', 'Shop', 'Shop']);
      // Once it has settled, the next recheck reads again.
      setNow(2000);
      await local.loadForIngest(id);
      expect(reads.count).toBe(2);
    });

    it('rejects every caller of a failed shared read, and reads again on the next call', async () => {
      const { local, reads, id } = await dueSource();
      reads.failNext = true;
      const settled = await Promise.allSettled([local.loadForIngest(id), local.loadForIngest(id)]);
      expect(settled.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      expect(reads.count).toBe(1);
      expect((await local.loadForIngest(id))?.name).toBe('Shop');
      expect(reads.count).toBe(2);
    });

    // Holding a read's answer holds SQLite's one connection, which the update then waits for.
    it.skipIf(dialect === 'sqlite')(
      'does not hand a read started before a change made through the service to a later caller, nor cache it',
      async () => {
        const { local, reads, id } = await dueSource();
        let release = (): void => undefined;
        reads.holdNext = new Promise<void>((resolve) => {
          release = resolve;
        });
        const before = local.loadForIngest(id);
        await local.update(id, { name: 'Renamed' });
        // A read of its own (joining the held one would wait for it).
        expect((await local.loadForIngest(id))?.name).toBe('Renamed');
        release();
        expect((await before)?.name).toBe('Shop');
        // The earlier read, settling last, did not put the old row back in the cache.
        expect((await local.loadForIngest(id))?.name).toBe('Renamed');
      },
    );

    it('keeps both of two concurrent updates from different processes', async () => {
      const others = [openDb(handle.target), openDb(handle.target)];
      try {
        const [a, b] = others.map((o) =>
          createSourcesService({
            db: o.db,
            adapter: o.adapter,
            secretBox: createSecretBox(key),
            clock,
            registry,
          }),
        );
        const created = await service.create({
          provider: 'fake',
          name: 'Shop',
          config: { passphrase: PASSPHRASE },
        });
        await Promise.all([
          a?.update(created.id, { config: { label: 'from-a' } }),
          b?.update(created.id, { config: { sandbox: true } }),
          service.update(created.id, { name: 'from-main' }),
        ]);
        const view = await service.get(created.id);
        expect(view?.name).toBe('from-main');
        expect(view?.config).toEqual({ label: 'from-a', sandbox: true });
        expect(view?.updatedAt).toBe('2026-03-01T10:00:00.003Z');
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });

    it('works with the installed providers (digistore24) by default', async () => {
      const installed = createSourcesService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
      });
      const passphrase = 'ds24-IPN-Passphrase-0815';
      const view = await installed.create({
        provider: 'digistore24',
        name: 'Digistore24 DE',
        config: { passphrase },
      });
      expect(view).toMatchObject({
        provider: 'digistore24',
        config: {},
        secretFields: { passphrase: 'set' },
      });
      expect(JSON.stringify(await rawRow(view.id))).not.toContain(passphrase);
      expect((await installed.loadForIngest(view.id))?.config).toEqual({ passphrase });
      const empty = await rejection(
        installed.create({ provider: 'digistore24', name: 'x', config: { passphrase: '' } }),
      );
      expect([empty.code, empty.detail]).toEqual([
        'INVALID_CONFIG',
        'passphrase: must not be empty',
      ]);
      expect(
        (await rejection(installed.create({ provider: 'fake', name: 'x', config: {} }))).code,
      ).toBe('UNKNOWN_PROVIDER');
    });

    it('fails loudly, not silently, when the master key is wrong', async () => {
      const created = await service.create({
        provider: 'fake',
        name: 'Shop',
        config: { passphrase: PASSPHRASE },
      });
      const wrong = createSourcesService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: createSecretBox(randomBytes(32)),
        clock,
        registry,
      });
      expect((await rejection(wrong.loadForIngest(created.id))).code).toBe('SECRET_DECRYPT_FAILED');
      expect((await rejection(wrong.update(created.id, { config: { label: 'x' } }))).code).toBe(
        'SECRET_DECRYPT_FAILED',
      );
      // Views need no decryption.
      expect((await wrong.get(created.id))?.secretFields).toEqual({
        passphrase: 'set',
        apiKey: 'unset',
      });
    });
  });
}
