import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Connector } from '../connectors/connector.js';
import { openDb } from '../db/connect.js';
import { ManualClock } from '../lib/clock.js';
import { countingBox } from '../../test/helpers/counting-secret-box.js';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { rejection } from '../../test/helpers/rejection.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { createConnectionsService } from './connections-service.js';
import type { ConnectionsService } from './connections-service.js';
import { DEFAULT_FILTERS } from '../routing/filters.js';
import { createSecretBox } from '../secrets/secret-box.js';

const SIGNING_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const HEADER_TOKEN = 'Bearer tok-5c1f0e77a2b94d1e';
const PASSWORD = 'crm-Password-31337';

const hookSchema = z
  .object({
    url: z.url().meta({ title: 'URL' }),
    secret: z
      .string()
      .startsWith('whsec_')
      .default(() => `whsec_${randomBytes(24).toString('base64')}`)
      .meta({ title: 'Signing secret', writeOnly: true }),
    headers: z
      .record(z.string(), z.string().regex(/^[\x20-\x7e]*$/))
      .default({})
      .meta({ title: 'Headers' }),
    timeoutMs: z.number().int().positive().optional().meta({ title: 'Timeout' }),
  })
  .strict();

const hookConnector: Connector<z.infer<typeof hookSchema>> = {
  id: 'hook',
  displayName: 'Fake webhook',
  description: 'test double',
  configSchema: hookSchema,
  secretFields: ['secret', 'headers'],
  deliver: async () => ({ outcome: 'delivered' }),
  testConnection: async () => ({ ok: true, message: 'ok' }),
};

const crmSchema = z
  .object({
    instanceUrl: z.url(),
    auth: z.object({ user: z.string().min(1), password: z.string().min(1) }).strict(),
    tags: z.array(z.string()).default([]),
  })
  .strict();

const crmConnector: Connector<z.infer<typeof crmSchema>> = {
  id: 'crm',
  displayName: 'Fake CRM',
  description: 'test double with a nested secret',
  configSchema: crmSchema,
  secretFields: ['auth.password'],
  deliver: async () => ({ outcome: 'delivered' }),
  testConnection: async () => ({ ok: true, message: 'ok' }),
};

const registry: Record<string, Connector<unknown>> = {
  hook: hookConnector as Connector<unknown>,
  crm: crmConnector as Connector<unknown>,
};

for (const dialect of enabledDialects()) {
  describe(`connections service on ${dialect}`, () => {
    let handle: TestDb;
    let clock: ManualClock;
    let key: Buffer;
    let box: ReturnType<typeof countingBox>;
    let service: ConnectionsService;

    beforeEach(async () => {
      handle = await createTestDb(dialect);
      clock = new ManualClock('2026-03-01T10:00:00.000Z');
      key = randomBytes(32);
      box = countingBox(key);
      service = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
        registry,
      });
    });
    afterEach(async () => handle.dispose());

    const rawRow = async (id: string) =>
      handle.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();

    it('creates a connection with defaults and returns a generated secret exactly once', async () => {
      const { connection, generatedSecrets } = await service.create({
        connector: 'hook',
        name: 'Billing',
        config: { url: 'https://billing.example.com/ipn' },
      });
      expect(connection.id).toMatch(/^con_[0-9A-Z]{26}$/);
      expect(connection).toEqual({
        id: connection.id,
        connector: 'hook',
        name: 'Billing',
        active: true,
        filters: DEFAULT_FILTERS,
        config: { url: 'https://billing.example.com/ipn' },
        secretFields: { secret: 'set', headers: 'set' },
        errorEmails: [],
        disabledAt: null,
        disabledReason: null,
        createdAt: '2026-03-01T10:00:00.000Z',
        updatedAt: '2026-03-01T10:00:00.000Z',
      });
      expect(Object.keys(generatedSecrets)).toEqual(['secret']);
      const secret = generatedSecrets.secret ?? '';
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

      // The generated secret is the one stored and used for delivery…
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        url: 'https://billing.example.com/ipn',
        secret,
        headers: {},
      });
      // …and is never returned again, nor stored in clear.
      const later = JSON.stringify([
        await service.get(connection.id),
        await service.list(),
        await service.update(connection.id, { name: 'Billing 2' }),
      ]);
      expect(later).not.toContain(secret);
      expect(JSON.stringify(await rawRow(connection.id))).not.toContain(secret.slice(6));
    });

    it('reports no generated secret when the user supplied it', async () => {
      const result = await service.create({
        connector: 'hook',
        name: 'Billing',
        config: { url: 'https://billing.example.com/ipn', secret: SIGNING_SECRET },
      });
      expect(result.generatedSecrets).toEqual({});
    });

    it('stores every secret encrypted and shows none in views', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'Billing',
        active: false,
        filters: { eventTypes: ['payment', 'refund'], productIds: ['543210'], includeTest: true },
        config: {
          url: 'https://billing.example.com/ipn',
          secret: SIGNING_SECRET,
          headers: { authorization: HEADER_TOKEN },
          timeoutMs: 5000,
        },
        errorEmails: [' ops@example.com ', 'dev@example.com', 'OPS@example.com'],
      });
      expect(connection.active).toBe(false);
      expect(connection.filters).toEqual({
        ...DEFAULT_FILTERS,
        eventTypes: ['payment', 'refund'],
        productIds: ['543210'],
        includeTest: true,
      });
      expect(connection.config).toEqual({
        url: 'https://billing.example.com/ipn',
        timeoutMs: 5000,
      });
      expect(connection.errorEmails).toEqual(['ops@example.com', 'dev@example.com']);

      const row = await rawRow(connection.id);
      expect(JSON.parse(row.config)).toEqual({
        url: 'https://billing.example.com/ipn',
        timeoutMs: 5000,
      });
      expect(Object.keys(JSON.parse(row.secrets) as object).sort()).toEqual(['headers', 'secret']);
      const rowJson = JSON.stringify(row);
      expect(rowJson).not.toContain(SIGNING_SECRET.slice(6));
      expect(rowJson).not.toContain('tok-5c1f0e77a2b94d1e');

      const views = JSON.stringify([
        connection,
        await service.get(connection.id),
        await service.list(),
      ]);
      expect(views).not.toContain(SIGNING_SECRET.slice(6));
      expect(views).not.toContain('tok-5c1f0e77a2b94d1e');

      expect(await service.loadForDelivery(connection.id)).toEqual({
        id: connection.id,
        connector: 'hook',
        name: 'Billing',
        active: false,
        disabledAt: null,
        config: {
          url: 'https://billing.example.com/ipn',
          secret: SIGNING_SECRET,
          headers: { authorization: HEADER_TOKEN },
          timeoutMs: 5000,
        },
        errorEmails: ['ops@example.com', 'dev@example.com'],
      });
    });

    it('validates connector, name, active, filters, e-mails and config, naming the field and storing nothing', async () => {
      const url = 'https://billing.example.com/ipn';
      expect(
        (
          await rejection(
            service.create({ connector: 'salesforce-classic', name: 'x', config: { url } }),
          )
        ).code,
      ).toBe('UNKNOWN_CONNECTOR');
      expect(
        (await rejection(service.create({ connector: 'toString', name: 'x', config: { url } })))
          .code,
      ).toBe('UNKNOWN_CONNECTOR');

      const name = await rejection(
        service.create({ connector: 'hook', name: '', config: { url } }),
      );
      expect([name.code, name.detail]).toEqual([
        'VALIDATION_FAILED',
        'name: must be a non-empty text of at most 200 characters',
      ]);

      const active = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          active: 'yes' as unknown as boolean,
          config: { url },
        }),
      );
      expect([active.code, active.detail]).toEqual([
        'VALIDATION_FAILED',
        'active: expected true or false',
      ]);

      const filters = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          filters: { eventTypes: ['payment', 'paid'] },
          config: { url },
        }),
      );
      expect(filters.code).toBe('VALIDATION_FAILED');
      expect(filters.detail).toMatch(
        /^filters\.eventTypes\.1: must be one of payment, payment_pending, /,
      );
      expect(filters.fields).toEqual([
        {
          path: 'filters.eventTypes.1',
          problem: expect.stringMatching(/^must be one of payment,/),
        },
      ]);

      const unknownFilter = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          filters: { product: '1' },
          config: { url },
        }),
      );
      expect(unknownFilter.detail).toBe(
        'filters.product: unknown setting (did you mean "productIds"?)',
      );

      const emails = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          errorEmails: ['ops@example.com', 'not-an-address'],
          config: { url },
        }),
      );
      expect([emails.code, emails.detail]).toEqual([
        'VALIDATION_FAILED',
        'errorEmails.1: is not an e-mail address',
      ]);
      const emailsType = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          errorEmails: 'ops@example.com',
          config: { url },
        }),
      );
      expect(emailsType.detail).toBe('errorEmails: must be a list, not text');

      const config = await rejection(
        service.create({ connector: 'hook', name: 'x', config: { url: 'not a url' } }),
      );
      expect([config.code, config.detail]).toEqual(['INVALID_CONFIG', 'url: is not a URL']);
      expect(config.fields).toEqual([{ path: 'url', problem: 'is not a URL' }]);

      expect(await service.list()).toEqual([]);
    });

    it('refuses configs over the size limits on create and update, naming the field and the limit, and stores nothing', async () => {
      const installed = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
      });
      const mapping = Object.fromEntries(
        Array.from({ length: 20_000 }, (_, i) => [`field${i}`, 'buyer.email']),
      );
      const huge = await rejection(
        installed.create({
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example.com', mapping },
        }),
      );
      expect([huge.code, huge.detail]).toEqual([
        'CONFIG_TOO_LARGE',
        'mapping has 20000 entries; at most 500 are allowed in one mapping or object.',
      ]);
      const template = await rejection(
        installed.create({
          connector: 'email',
          name: 'x',
          config: { to: ['a@example.com'], body: '{order.id} '.repeat(50_000) },
        }),
      );
      expect([template.code, template.detail]).toEqual([
        'CONFIG_TOO_LARGE',
        'body is 550000 characters long; at most 32768 are allowed in one text.',
      ]);
      expect(await installed.list()).toEqual([]);

      // Each part within its limits, but together over the size limit: the merged config counts.
      const { connection } = await service.create({
        connector: 'hook',
        name: 'A',
        config: { url: 'https://a.example.com', headers: { 'x-a': 'a'.repeat(30_000) } },
      });
      const merged = await rejection(
        service.update(connection.id, {
          config: {
            url: `https://a.example.com/${'p'.repeat(30_000)}`,
            secret: `whsec_${'s'.repeat(10_000)}`,
          },
        }),
      );
      expect(merged.code).toBe('CONFIG_TOO_LARGE');
      expect(merged.message).not.toContain('sssss');
      expect(merged.detail).toMatch(
        /^the config is 70\d{3} bytes as JSON; at most 65536 are allowed\.$/,
      );
      const many = Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`x-h${i}`, 'v']));
      const patch = await rejection(service.update(connection.id, { config: { headers: many } }));
      expect(patch.detail).toBe(
        'headers has 501 entries; at most 500 are allowed in one mapping or object.',
      );
      const row = await rawRow(connection.id);
      expect(row?.updated_at).toBe(connection.updatedAt);
      expect((await service.loadForDelivery(connection.id))?.config).toMatchObject({
        headers: { 'x-a': 'a'.repeat(30_000) },
      });
    });

    it('does not echo secrets in config validation messages', async () => {
      const leakyHeader = 'Bearer tok-\u0001-leak-9911';
      const err = await rejection(
        service.create({
          connector: 'hook',
          name: 'x',
          config: {
            url: 'https://a.example.com',
            secret: 'plain-Leaky-Secret-77',
            headers: { authorization: leakyHeader },
          },
        }),
      );
      expect(err.code).toBe('INVALID_CONFIG');
      expect(err.message).not.toContain('plain-Leaky-Secret-77');
      expect(err.message).not.toContain('leak-9911');
      expect(err.detail).toBe(
        'secret: must start with "whsec_"; headers.authorization: must match the pattern /^[\\x20-\\x7e]*$/',
      );
    });

    it('updates name, active, filters (as a whole) and error e-mails, keeping secrets', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'Billing',
        filters: { eventTypes: ['payment'], languages: ['de'] },
        config: {
          url: 'https://billing.example.com/ipn',
          secret: SIGNING_SECRET,
          headers: { authorization: HEADER_TOKEN },
        },
        errorEmails: ['ops@example.com'],
      });
      clock.advance(1000);
      const result = await service.update(connection.id, {
        name: 'Billing v2',
        active: false,
        filters: { productIds: ['1'] },
        errorEmails: [],
      });
      expect(result).toEqual({
        connection: {
          ...connection,
          name: 'Billing v2',
          active: false,
          filters: { ...DEFAULT_FILTERS, productIds: ['1'] },
          errorEmails: [],
          updatedAt: '2026-03-01T10:00:01.000Z',
        },
        generatedSecrets: {},
      });
      expect(await service.get(connection.id)).toEqual(result?.connection);
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        url: 'https://billing.example.com/ipn',
        secret: SIGNING_SECRET,
        headers: { authorization: HEADER_TOKEN },
      });
      expect(
        (await rejection(service.update(connection.id, { filters: { addons: 'maybe' } }))).detail,
      ).toBe('filters.addons: must be one of include, exclude, only');
      expect((await rejection(service.update(connection.id, { errorEmails: ['@'] }))).detail).toBe(
        'errorEmails.0: is not an e-mail address',
      );
      expect(await service.get(connection.id)).toEqual(result?.connection);
    });

    it('changes single filter fields with filterChanges, keeping the others, also those another process changed', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'Billing',
        filters: { eventTypes: ['payment'], languages: ['de'], addons: 'exclude' },
        config: { url: 'https://billing.example.com/ipn', secret: SIGNING_SECRET },
      });
      const other = openDb(handle.target);
      try {
        const elsewhere = createConnectionsService({
          db: other.db,
          adapter: other.adapter,
          secretBox: createSecretBox(key),
          clock,
          registry,
        });
        await elsewhere.update(connection.id, { filterChanges: { productIds: ['777'] } });
        const result = await service.update(connection.id, {
          filterChanges: { eventTypes: ['refund'], includeTest: true },
        });
        expect(result?.connection.filters).toEqual({
          ...DEFAULT_FILTERS,
          eventTypes: ['refund'],
          languages: ['de'],
          addons: 'exclude',
          productIds: ['777'],
          includeTest: true,
        });
        expect(result?.connection.secretFields).toEqual({ secret: 'set', headers: 'set' });
        expect((await service.loadForDelivery(connection.id))?.config).toMatchObject({
          secret: SIGNING_SECRET,
        });
      } finally {
        await other.close();
      }
      // On top of a replacement, and validated as a whole.
      const replaced = await service.update(connection.id, {
        filters: { languages: ['fr'] },
        filterChanges: { payments: 'first' },
      });
      expect(replaced?.connection.filters).toEqual({
        ...DEFAULT_FILTERS,
        languages: ['fr'],
        payments: 'first',
      });
      const bad = await rejection(
        service.update(connection.id, { filterChanges: { payments: 'sometimes' as 'all' } }),
      );
      expect(bad.detail).toBe('filters.payments: must be one of all, first, rebills');
      expect((await service.get(connection.id))?.filters).toEqual(replaced?.connection.filters);
    });

    it('patches config partially; removing a generated secret generates and returns a new one', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'Billing',
        config: {
          url: 'https://billing.example.com/ipn',
          secret: SIGNING_SECRET,
          headers: { authorization: HEADER_TOKEN },
        },
      });
      const moved = await service.update(connection.id, {
        config: { url: 'https://new.example.com/hook', timeoutMs: 3000 },
      });
      expect(moved?.connection.config).toEqual({
        url: 'https://new.example.com/hook',
        timeoutMs: 3000,
      });
      expect(moved?.generatedSecrets).toEqual({});
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        url: 'https://new.example.com/hook',
        timeoutMs: 3000,
        secret: SIGNING_SECRET,
        headers: { authorization: HEADER_TOKEN },
      });

      const rotated = await service.update(connection.id, {
        config: { secret: null, headers: {}, timeoutMs: null },
      });
      const fresh = rotated?.generatedSecrets.secret ?? '';
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(SIGNING_SECRET);
      expect(Object.keys(rotated?.generatedSecrets ?? {})).toEqual(['secret']);
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        url: 'https://new.example.com/hook',
        secret: fresh,
        headers: {},
      });
      expect(JSON.stringify(await rawRow(connection.id))).not.toContain(fresh.slice(6));

      const invalid = await rejection(
        service.update(connection.id, { config: { url: 'ftp//nope', secret: 'Leaky-Value-123' } }),
      );
      expect(invalid.code).toBe('INVALID_CONFIG');
      expect(invalid.message).not.toContain('Leaky-Value-123');
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        url: 'https://new.example.com/hook',
        secret: fresh,
        headers: {},
      });
    });

    it('encrypts a nested secret field and keeps it when its parent object is patched', async () => {
      const { connection } = await service.create({
        connector: 'crm',
        name: 'CRM',
        config: {
          instanceUrl: 'https://crm.example.com',
          auth: { user: 'api', password: PASSWORD },
        },
      });
      expect(connection.config).toEqual({
        instanceUrl: 'https://crm.example.com',
        auth: { user: 'api' },
        tags: [],
      });
      expect(connection.secretFields).toEqual({ 'auth.password': 'set' });
      expect(JSON.stringify(await rawRow(connection.id))).not.toContain(PASSWORD);

      const renamedUser = await service.update(connection.id, {
        config: { auth: { user: 'api2' } },
      });
      expect(renamedUser?.connection.config).toEqual({
        instanceUrl: 'https://crm.example.com',
        auth: { user: 'api2' },
        tags: [],
      });
      expect((await service.loadForDelivery(connection.id))?.config).toEqual({
        instanceUrl: 'https://crm.example.com',
        auth: { user: 'api2', password: PASSWORD },
        tags: [],
      });
      await service.update(connection.id, {
        config: { auth: { user: 'api3', password: 'other-password' } },
      });
      expect((await service.loadForDelivery(connection.id))?.config).toMatchObject({
        auth: { user: 'api3', password: 'other-password' },
      });
    });

    it('answers null/false for unknown ids', async () => {
      expect(await service.get('con_missing')).toBeNull();
      expect(await service.update('con_missing', { active: false })).toBeNull();
      expect(await service.remove('con_missing')).toBe(false);
      expect(await service.loadForDelivery('con_missing')).toBeNull();
    });

    it('removes a connection', async () => {
      const a = await service.create({
        connector: 'hook',
        name: 'A',
        config: { url: 'https://a.example.com' },
      });
      const b = await service.create({
        connector: 'hook',
        name: 'B',
        config: { url: 'https://b.example.com' },
      });
      expect(await service.loadForDelivery(a.connection.id)).not.toBeNull();
      expect((await service.activeFilters()).map((t) => t.id)).toEqual([
        a.connection.id,
        b.connection.id,
      ]);
      expect(await service.remove(a.connection.id)).toBe(true);
      expect(await service.remove(a.connection.id)).toBe(false);
      expect(await service.loadForDelivery(a.connection.id)).toBeNull();
      expect((await service.list()).map((c) => c.id)).toEqual([b.connection.id]);
      expect((await service.activeFilters()).map((t) => t.id)).toEqual([b.connection.id]);
    });

    it('lists active filters without decrypting, inside a transaction, cached per row version', async () => {
      const a = await service.create({
        connector: 'hook',
        name: 'A',
        filters: { eventTypes: ['refund'] },
        config: { url: 'https://a.example.com' },
      });
      const b = await service.create({
        connector: 'hook',
        name: 'B',
        active: false,
        config: { url: 'https://b.example.com' },
      });
      const c = await service.create({
        connector: 'crm',
        name: 'C',
        filters: { languages: ['de'] },
        config: { instanceUrl: 'https://crm.example.com', auth: { user: 'u', password: PASSWORD } },
      });
      box.decrypts = 0;

      const first = await handle.adapter.writeTransaction(handle.db, (trx) =>
        service.activeFilters(trx),
      );
      expect(first).toEqual([
        { id: a.connection.id, filters: { ...DEFAULT_FILTERS, eventTypes: ['refund'] } },
        { id: c.connection.id, filters: { ...DEFAULT_FILTERS, languages: ['de'] } },
      ]);
      const second = await service.activeFilters();
      expect(second[0]).toBe(first[0]);
      expect(second[1]).toBe(first[1]);
      expect(Object.isFrozen(first[0]?.filters)).toBe(true);
      expect(box.decrypts).toBe(0);

      await service.update(b.connection.id, { active: true });
      await service.update(a.connection.id, { filters: { eventTypes: ['payment'] } });
      await service.update(c.connection.id, { active: false });
      const third = await service.activeFilters();
      expect(third).toEqual([
        { id: a.connection.id, filters: { ...DEFAULT_FILTERS, eventTypes: ['payment'] } },
        { id: b.connection.id, filters: DEFAULT_FILTERS },
      ]);
      expect(box.decrypts).toBe(0);
    });

    it('caches the config for delivery per row version: no decrypt while unchanged', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'A',
        config: {
          url: 'https://a.example.com',
          secret: SIGNING_SECRET,
          headers: { authorization: HEADER_TOKEN },
        },
      });
      box.decrypts = 0;
      const first = await service.loadForDelivery(connection.id);
      expect(box.decrypts).toBe(2);
      const second = await service.loadForDelivery(connection.id);
      expect(second).toBe(first);
      expect(box.decrypts).toBe(2);
      expect(Object.isFrozen(first?.config)).toBe(true);

      // An update in this process is seen at once, even with the clock standing still.
      await service.update(connection.id, { active: false });
      const third = await service.loadForDelivery(connection.id);
      expect(third?.active).toBe(false);
      expect(box.decrypts).toBe(4);
    });

    it('sees changes made by another process in both caches', async () => {
      const other = openDb(handle.target);
      try {
        const elsewhere = createConnectionsService({
          db: other.db,
          adapter: other.adapter,
          secretBox: createSecretBox(key),
          clock,
          registry,
        });
        const { connection } = await service.create({
          connector: 'hook',
          name: 'A',
          config: { url: 'https://a.example.com', secret: SIGNING_SECRET },
        });
        expect((await service.activeFilters()).map((t) => t.filters.eventTypes)).toEqual([[]]);
        expect((await service.loadForDelivery(connection.id))?.name).toBe('A');

        await elsewhere.update(connection.id, {
          name: 'A2',
          filters: { eventTypes: ['chargeback'] },
          config: { url: 'https://a2.example.com' },
        });
        expect((await service.activeFilters()).map((t) => t.filters.eventTypes)).toEqual([
          ['chargeback'],
        ]);
        expect(await service.loadForDelivery(connection.id)).toMatchObject({
          name: 'A2',
          config: { url: 'https://a2.example.com', secret: SIGNING_SECRET },
        });

        await elsewhere.remove(connection.id);
        expect(await service.activeFilters()).toEqual([]);
        expect(await service.loadForDelivery(connection.id)).toBeNull();
      } finally {
        await other.close();
      }
    });

    it('works with the installed connectors (webhook, email) by default', async () => {
      const installed = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
      });
      const hook = await installed.create({
        connector: 'webhook',
        name: 'Own billing',
        config: {
          url: 'https://billing.example.com/ipn',
          headers: { authorization: HEADER_TOKEN },
        },
      });
      expect(hook.connection).toMatchObject({
        connector: 'webhook',
        config: { url: 'https://billing.example.com/ipn' },
        secretFields: { secret: 'set', headers: 'set' },
      });
      const secret = hook.generatedSecrets.secret ?? '';
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(JSON.stringify(await rawRow(hook.connection.id))).not.toContain(secret.slice(6));
      expect(JSON.stringify(await rawRow(hook.connection.id))).not.toContain(
        'tok-5c1f0e77a2b94d1e',
      );
      expect((await installed.loadForDelivery(hook.connection.id))?.config).toEqual({
        url: 'https://billing.example.com/ipn',
        secret,
        headers: { authorization: HEADER_TOKEN },
        preset: 'standard',
      });

      const mail = await installed.create({
        connector: 'email',
        name: 'Seller mail',
        config: { to: ['seller@example.com'] },
      });
      expect(mail.generatedSecrets).toEqual({});
      expect(mail.connection.secretFields).toEqual({});
      expect(mail.connection.config).toMatchObject({ to: ['seller@example.com'] });
      expect(
        (await rejection(installed.create({ connector: 'hook', name: 'x', config: {} }))).code,
      ).toBe('UNKNOWN_CONNECTOR');
    });

    it('refuses unknown settings at every depth, naming each with the closest valid key, and stores nothing', async () => {
      const installed = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
      });
      const hook = await rejection(
        installed.create({
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example.com', timeoutMS: 5000 },
        }),
      );
      expect([hook.code, hook.detail]).toEqual([
        'INVALID_CONFIG',
        'timeoutMS: unknown setting (did you mean "timeoutMs"?)',
      ]);

      const credentials = {
        clientId: 'id',
        clientSecret: 'Secret-Value-991',
        username: 'u@example.com',
        password: 'pw',
      };
      const crm = await rejection(
        installed.create({
          connector: 'salesforce',
          name: 'x',
          config: {
            credentials,
            tagFeild: 'Tags__c',
            record: { matchBy: 'externalId', externalIdFeild: 'Key__c' },
            actions: { refnud: {} },
          },
        }),
      );
      expect(crm.code).toBe('INVALID_CONFIG');
      expect(crm.detail?.split('; ').sort()).toEqual(
        [
          'actions.refnud: unknown setting (did you mean "refund"?)',
          'record.externalIdFeild: unknown setting (did you mean "externalIdField"?)',
          'tagFeild: unknown setting (did you mean "tagField"?)',
          // The misspelt key leaves the required one missing: both are named.
          "record.externalIdField: matching by external id needs the External ID field's API name",
        ].sort(),
      );
      expect(crm.message).not.toContain('Secret-Value-991');

      const choice = await rejection(
        installed.create({
          connector: 'salesforce',
          name: 'x',
          config: { credentials, record: { object: 'Leed' } },
        }),
      );
      expect(choice.detail).toBe(
        'record.object: must be one of Contact, Lead (did you mean "Lead"?)',
      );

      const several = await rejection(
        installed.create({
          connector: 'webhook',
          name: 'x',
          config: { url: 'https://a.example.com', colour: 'red', timeoutMS: 1 },
        }),
      );
      expect(several.detail).toBe(
        '(root): unknown settings "colour", "timeoutMS" (did you mean "timeoutMs"?); the settings here are: url, secret, headers, mapping, timeoutMs, preset',
      );

      const { connection } = await installed.create({
        connector: 'webhook',
        name: 'ok',
        config: { url: 'https://a.example.com' },
      });
      const patched = await rejection(
        installed.update(connection.id, { config: { timeoutMS: 5000 } }),
      );
      expect([patched.code, patched.detail]).toEqual([
        'INVALID_CONFIG',
        'timeoutMS: unknown setting (did you mean "timeoutMs"?)',
      ]);
      expect((await installed.list()).map((c) => c.name)).toEqual(['ok']);
      expect((await installed.get(connection.id))?.config).toEqual({
        url: 'https://a.example.com',
        preset: 'standard',
      });
    });

    it('loads a stored config with keys its connector does not know, warns naming the connection, and refuses them on the next config change', async () => {
      const { logger, lines } = captureLogger('info');
      const logged = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
        registry,
        logger,
      });
      const { connection } = await logged.create({
        connector: 'hook',
        name: 'Billing',
        config: { url: 'https://a.example.com', secret: SIGNING_SECRET },
      });
      // As an older version (or a hand edit) may have stored it.
      await handle.db
        .updateTable('connections')
        .set({
          config: JSON.stringify({
            url: 'https://a.example.com',
            timeoutMS: 5000,
            retired: { flag: true },
          }),
          updated_at: '2026-03-01T10:00:05.000Z',
        })
        .where('id', '=', connection.id)
        .execute();

      const loaded = await logged.loadForDelivery(connection.id);
      expect(loaded?.config).toEqual({
        url: 'https://a.example.com',
        secret: SIGNING_SECRET,
        headers: {},
      });
      const warnings = lines().filter((line) => line.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({
        connectionId: connection.id,
        ignoredKeys: ['timeoutMS', 'retired'],
      });
      expect(String(warnings[0]?.msg)).toContain(`connection ${connection.id} ("Billing")`);
      // Cached per row version: one warning, not one per delivery.
      await logged.loadForDelivery(connection.id);
      expect(lines().filter((line) => line.level === 40)).toHaveLength(1);

      // A rename does not touch the config; a config change must clean it up.
      expect((await logged.update(connection.id, { name: 'Billing 2' }))?.connection.name).toBe(
        'Billing 2',
      );
      const refused = await rejection(
        logged.update(connection.id, { config: { timeoutMs: 5000 } }),
      );
      expect(refused.detail).toBe(
        '(root): unknown settings "timeoutMS" (did you mean "timeoutMs"?), "retired"; the settings here are: url, secret, headers, timeoutMs',
      );
      const cleaned = await logged.update(connection.id, {
        config: { timeoutMS: null, retired: null, timeoutMs: 5000 },
      });
      expect(cleaned?.connection.config).toEqual({ url: 'https://a.example.com', timeoutMs: 5000 });
    });

    it('checks the paths of every template and mapping against the event when a connection is saved', async () => {
      const installed = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: box,
        clock,
      });
      const credentials = {
        clientId: 'id',
        clientSecret: 'secret',
        username: 'u@example.com',
        password: 'pw',
      };
      const bad = await rejection(
        installed.create({
          connector: 'salesforce',
          name: 'x',
          config: {
            credentials,
            mapping: {
              FirstName: 'buyer.firstNme',
              Note__c: '{amout} {order.currency}',
              Custom__c: 'raw.any_field_the_provider_sends',
            },
            actions: {
              payment: {
                addTags: ['{product.nme}'],
                fields: { Status__c: 'paid {order.items.first.name}' },
              },
            },
          },
        }),
      );
      expect(bad.code).toBe('UNKNOWN_TEMPLATE_PATH');
      expect(bad.detail?.split('; ')).toEqual([
        'mapping.FirstName: "buyer.firstNme": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)',
        'mapping.Note__c: "{amout} {order.currency}": the event has no "amout" (did you mean "amount"?)',
        'actions.payment.fields.Status__c: "paid {order.items.first.name}": "order.items" is a list: name an item by its number, e.g. "order.items.0.name"',
        'actions.payment.addTags.0: "{product.nme}": the event has no "product.nme" (did you mean "product.name"?)',
      ]);
      // The same problems by field, for a form to show beside each.
      expect(bad.fields?.map((field) => field.path)).toEqual([
        'mapping.FirstName',
        'mapping.Note__c',
        'actions.payment.fields.Status__c',
        'actions.payment.addTags.0',
      ]);
      expect(bad.fields?.[0]?.problem).toBe(
        '"buyer.firstNme": the event has no "buyer.firstNme" (did you mean "buyer.firstName"?)',
      );
      expect(await installed.list()).toEqual([]);

      const mail = await rejection(
        installed.create({
          connector: 'email',
          name: 'x',
          config: { to: ['a@example.com'], subject: 'Paid: {buyer.email.domain}' },
        }),
      );
      expect(mail.detail).toBe(
        'subject: "Paid: {buyer.email.domain}": "buyer.email" is a single value and has no field "domain"',
      );

      const { connection } = await installed.create({
        connector: 'webhook',
        name: 'ok',
        config: {
          url: 'https://a.example.com',
          mapping: {
            email: 'buyer.email',
            custom: '{raw.custom_field}',
            item: 'order.items.0.productId',
            address: 'buyer.address',
          },
        },
      });
      const patched = await rejection(
        installed.update(connection.id, { config: { mapping: { email: 'buyer.emial' } } }),
      );
      expect([patched.code, patched.detail]).toEqual([
        'UNKNOWN_TEMPLATE_PATH',
        'mapping.email: "buyer.emial": the event has no "buyer.emial" (did you mean "buyer.email"?)',
      ]);
      expect((await installed.get(connection.id))?.config).toMatchObject({
        mapping: { email: 'buyer.email' },
      });
    });

    it('fails loudly when the master key is wrong, while views and filters still work', async () => {
      const { connection } = await service.create({
        connector: 'hook',
        name: 'A',
        config: { url: 'https://a.example.com' },
      });
      const wrong = createConnectionsService({
        db: handle.db,
        adapter: handle.adapter,
        secretBox: createSecretBox(randomBytes(32)),
        clock,
        registry,
      });
      expect((await rejection(wrong.loadForDelivery(connection.id))).code).toBe(
        'SECRET_DECRYPT_FAILED',
      );
      expect((await wrong.get(connection.id))?.secretFields).toEqual({
        secret: 'set',
        headers: 'set',
      });
      expect((await wrong.activeFilters()).map((t) => t.id)).toEqual([connection.id]);
    });
  });
}
