import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { runTemplate } from './query-template.js';
import type { QueryTemplate } from './query-template.js';

interface SettingValues {
  key: string;
  value: string;
}

let builds = 0;
const UPSERT_SETTING: QueryTemplate<SettingValues, { key: string; value: string }> = {
  key: 'test:upsert-setting',
  build: (db, values) => {
    builds += 1;
    return (
      db
        .insertInto('settings')
        .values(values)
        // A constant inside the template stays a constant; the values come from each call.
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value: sql<string>`excluded.value || ${'!'}` }),
        )
        .returning(['key', 'value'])
    );
  },
};

for (const dialect of enabledDialects()) {
  describe(`query templates on ${dialect}`, () => {
    let testDb: TestDb;
    beforeEach(async () => {
      testDb = await createTestDb(dialect);
      builds = 0;
    });
    afterEach(async () => testDb.dispose());

    it("builds a template once per database and runs it with each call's values, in any key order", async () => {
      const rows = await testDb.adapter.writeTransaction(testDb.db, async (trx) => {
        const first = await runTemplate(trx, UPSERT_SETTING, { key: 'a', value: 'one' });
        const second = await runTemplate(trx, UPSERT_SETTING, { value: 'two', key: 'b' });
        const again = await runTemplate(trx, UPSERT_SETTING, { key: 'a', value: 'uno' });
        return [...first.rows, ...second.rows, ...again.rows];
      });
      expect(rows).toEqual([
        { key: 'a', value: 'one' },
        { key: 'b', value: 'two' },
        { key: 'a', value: 'uno!' },
      ]);
      expect(builds).toBe(1);
      // A later transaction, and the database outside any transaction, reuse the compiled SQL.
      await testDb.adapter.writeTransaction(testDb.db, (trx) =>
        runTemplate(trx, UPSERT_SETTING, { key: 'c', value: 'three' }),
      );
      await runTemplate(testDb.db, UPSERT_SETTING, { key: 'd', value: 'four' });
      expect(builds).toBe(1);
      const stored = await testDb.db
        .selectFrom('settings')
        .select(['key', 'value'])
        .where('key', 'in', ['a', 'b', 'c', 'd'])
        .orderBy('key')
        .execute();
      expect(stored).toEqual([
        { key: 'a', value: 'uno!' },
        { key: 'b', value: 'two' },
        { key: 'c', value: 'three' },
        { key: 'd', value: 'four' },
      ]);
    });

    it('passes nulls and numbers through as parameters', async () => {
      const template: QueryTemplate<
        {
          id: string;
          order_id: string;
          event_id: string;
          external_id: string | null;
          parent_external_id?: string | null;
          kind: string;
          amount: number | null;
          currency: string | null;
          pay_sequence_no: number | null;
          occurred_at: string;
        },
        never
      > = {
        key: 'test:insert-transaction',
        build: (db, values) => db.insertInto('transactions').values(values),
      };
      await runTemplate(testDb.db, template, {
        id: 't1',
        order_id: 'o1',
        event_id: 'e1',
        external_id: null,
        kind: 'payment',
        amount: 9700,
        currency: null,
        pay_sequence_no: 0,
        occurred_at: '2026-01-01T00:00:00.000Z',
      });
      // A later transaction whose values name a column the first ones left out gets a statement
      // that writes it (the compiled SQL is kept per shape of values, not per template alone).
      await testDb.adapter.writeTransaction(testDb.db, (trx) =>
        runTemplate(trx, template, {
          id: 't2',
          order_id: 'o1',
          event_id: 'e2',
          external_id: 'T2',
          parent_external_id: 'T1',
          kind: 'refund',
          amount: 500,
          currency: 'EUR',
          pay_sequence_no: null,
          occurred_at: '2026-01-02T00:00:00.000Z',
        }),
      );
      const second = await testDb.db
        .selectFrom('transactions')
        .select(['id', 'parent_external_id'])
        .where('id', '=', 't2')
        .executeTakeFirstOrThrow();
      expect(second).toEqual({ id: 't2', parent_external_id: 'T1' });
      await testDb.db.deleteFrom('transactions').where('id', '=', 't2').execute();
      expect(await testDb.db.selectFrom('transactions').selectAll().execute()).toEqual([
        {
          id: 't1',
          order_id: 'o1',
          event_id: 'e1',
          external_id: null,
          parent_external_id: null,
          product_id: null,
          kind: 'payment',
          amount: 9700,
          currency: null,
          pay_sequence_no: 0,
          occurred_at: '2026-01-01T00:00:00.000Z',
        },
      ]);
    });
  });
}
