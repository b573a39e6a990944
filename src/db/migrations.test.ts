import { Migrator } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from './connect.js';
import { migrateToLatest, migrationsFor } from './migrations.js';
import { createTestDb, createTestTarget, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { indexDefinitions, planOf, preferringIndexes } from '../../test/helpers/query-plans.js';

for (const dialect of enabledDialects()) {
  describe(`migrations on ${dialect}`, () => {
    let handle: TestDb;
    beforeAll(async () => {
      handle = await createTestDb(dialect);
    });
    afterAll(async () => handle.dispose());

    it('creates every table and is idempotent on a second run', async () => {
      const again = await migrateToLatest(handle.db, handle.adapter);
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
      const tables = (await handle.db.introspection.getTables()).map((t) => t.name);
      for (const t of [
        'sources',
        'inbound_requests',
        'events',
        'deliveries',
        'attempts',
        'access',
        'settings',
      ]) {
        expect(tables).toContain(t);
      }
    });

    it('adds the refund links to a database that already holds transactions, leaving them empty', async () => {
      const { target, drop } = await createTestTarget(dialect);
      const older = openDb(target);
      try {
        const migrations = migrationsFor(older.adapter);
        const migrator = new Migrator({
          db: older.db,
          provider: { getMigrations: async () => migrations },
          migrationTableName: 'ipnhub_migrations',
          migrationLockTableName: 'ipnhub_migrations_lock',
        });
        expect((await migrator.migrateTo('0003_verifications')).error).toBeUndefined();
        await older.db
          .insertInto('transactions')
          .values({
            id: 'txn_1',
            order_id: 'ord_1',
            event_id: 'evt_1',
            external_id: 'T1',
            kind: 'refund',
            amount: 2000,
            currency: 'EUR',
            pay_sequence_no: 0,
            occurred_at: '2026-01-01T00:00:00.000Z',
          })
          .execute();
        const result = await migrateToLatest(older.db, older.adapter);
        expect(result.error).toBeUndefined();
        expect(result.results?.map((r) => [r.migrationName, r.status])).toEqual([
          ['0004_alert_queue', 'Success'],
          ['0005_refund_links', 'Success'],
          ['0006_admin_sessions', 'Success'],
          ['0007_admin_read_indexes', 'Success'],
          ['0008_attempt_requests', 'Success'],
          ['0009_deliveries_by_connection', 'Success'],
          ['0010_invoicing', 'Success'],
          ['0011_document_e_invoice', 'Success'],
          ['0012_platform_sale_mails', 'Success'],
          ['0013_retention_erasure', 'Success'],
          ['0014_backfill', 'Success'],
          ['0015_health', 'Success'],
          ['0016_ingest_speed', 'Success'],
          ['0017_write_indexes', 'Success'],
        ]);
        const row = await older.db
          .selectFrom('transactions')
          .select(['id', 'amount', 'parent_external_id', 'product_id'])
          .executeTakeFirstOrThrow();
        expect({ ...row, amount: Number(row.amount) }).toEqual({
          id: 'txn_1',
          amount: 2000,
          parent_external_id: null,
          product_id: null,
        });
      } finally {
        await older.close();
        await drop();
      }
    });

    it('stores raw bodies byte-exact and reports unique violations through the adapter', async () => {
      const body = Buffer.from([0x00, 0xff, 0xe4, 0x26, 0x3d]);
      const row = {
        id: 'req_1',
        source_id: null,
        provider: null,
        received_at: '2026-01-01T00:00:00.000Z',
        method: 'POST',
        url: '/ipn/x',
        headers: '{}',
        raw_body: body,
        remote_address: '127.0.0.1',
        verdict: 'rejected' as const,
        verdict_code: null,
        verdict_reason: null,
        verification: null,
        event_ids: '[]',
      };
      await handle.db.insertInto('inbound_requests').values(row).execute();
      const back = await handle.db
        .selectFrom('inbound_requests')
        .select('raw_body')
        .where('id', '=', 'req_1')
        .executeTakeFirstOrThrow();
      expect(Buffer.compare(Buffer.from(back.raw_body), body)).toBe(0);
      const err = await handle.db
        .insertInto('inbound_requests')
        .values(row)
        .execute()
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(handle.adapter.isUniqueViolation(err)).toBe(true);
      expect(handle.adapter.isUniqueViolation(new Error('other'))).toBe(false);
    });

    it('indexes leased and completed deliveries only, and both dialects read those indexes', async () => {
      // A pending delivery (what every ingest writes) has neither a lease nor a completion.
      const byName = await indexDefinitions(handle.db, dialect, [
        'deliveries_lease',
        'deliveries_completed',
      ]);
      expect(byName.get('deliveries_lease')).toMatch(/where .*lease_expires_at.* is not null/);
      expect(byName.get('deliveries_completed')).toMatch(/where .*completed_at.* is not null/);

      const expiredLeases = (db: Kysely<Database>) =>
        db
          .selectFrom('deliveries')
          .select('id')
          .where('status', '=', 'delivering')
          .where('lease_expires_at', '<', '2026-01-01T00:00:00.000Z')
          .orderBy('lease_expires_at')
          .limit(10);
      const finished = (db: Kysely<Database>) =>
        db
          .selectFrom('deliveries')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'dead')
          .where('completed_at', '>=', '2026-01-01T00:00:00.000Z');
      await preferringIndexes(handle.db, dialect, async (trx) => {
        expect(await planOf(trx, dialect, expiredLeases(trx).compile())).toContain(
          'deliveries_lease',
        );
        expect(await planOf(trx, dialect, finished(trx).compile())).toContain(
          'deliveries_completed',
        );
      });
    });
  });
}
