import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createBatchWriter } from './batch-writer.js';
import type { BatchWriterOptions } from './batch-writer.js';
import type { Database } from './schema.js';
import { createCondition } from '../../test/helpers/condition.js';
import { countingAdapter } from '../../test/helpers/counting-adapter.js';
import type { CountingAdapter } from '../../test/helpers/counting-adapter.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

interface Item {
  key: string;
  value?: string;
  fail?: boolean;
}

for (const dialect of enabledDialects()) {
  describe(`batch writer on ${dialect}`, () => {
    let h: TestDb;
    let counted: CountingAdapter;
    /** The keys of every batch `write` was called with, in call order (retries alone included). */
    let batches: string[][];

    beforeEach(async () => {
      h = await createTestDb(dialect);
      batches = [];
      counted = countingAdapter(h.adapter);
    });
    afterEach(async () => h.dispose());

    const rows = async () =>
      (await h.db.selectFrom('settings').select(['key', 'value']).orderBy('key').execute()).map(
        (r) => `${r.key}=${r.value}`,
      );

    /** Inserts each item as a settings row and answers its key upper-cased; an item with `fail` throws after its insert. */
    async function insertEach(trx: Kysely<Database>, items: readonly Item[]): Promise<string[]> {
      batches.push(items.map((i) => i.key));
      for (const item of items) {
        await trx
          .insertInto('settings')
          .values({ key: item.key, value: item.value ?? 'v' })
          .execute();
        if (item.fail) throw new Error(`cannot write ${item.key}`);
      }
      return items.map((i) => i.key.toUpperCase());
    }

    const writer = (options: Partial<BatchWriterOptions<Item, string>> = {}) =>
      createBatchWriter<Item, string>({
        db: h.db,
        adapter: counted.adapter,
        write: insertEach,
        ...options,
      });

    it('writes the items submitted together in one transaction and answers each with its own result', async () => {
      const w = writer();
      const results = await Promise.all(['a', 'b', 'c', 'd'].map((key) => w.submit({ key })));
      expect(results).toEqual(['A', 'B', 'C', 'D']);
      expect(counted.transactions()).toBe(1);
      expect(batches).toEqual([['a', 'b', 'c', 'd']]);
      expect(await rows()).toEqual(['a=v', 'b=v', 'c=v', 'd=v']);
    });

    it('rolls a batch with a failing item back and writes every item alone: only the failing one is rejected', async () => {
      const w = writer();
      const settled = await Promise.allSettled([
        w.submit({ key: 'a' }),
        w.submit({ key: 'bad', fail: true }),
        w.submit({ key: 'b' }),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(settled[0]).toEqual({ status: 'fulfilled', value: 'A' });
      expect(settled[1]).toMatchObject({
        status: 'rejected',
        reason: new Error('cannot write bad'),
      });
      expect(settled[2]).toEqual({ status: 'fulfilled', value: 'B' });
      // The batch, then each item alone; nothing of the failed batch or the failing item was kept.
      expect(batches).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
      expect(await rows()).toEqual(['a=v', 'b=v']);
    });

    it('refuses a write that answers fewer results than items', async () => {
      const w = writer({ write: async (trx, items) => (await insertEach(trx, items)).slice(1) });
      const settled = await Promise.allSettled([w.submit({ key: 'a' }), w.submit({ key: 'b' })]);
      expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
      expect(await rows()).toEqual([]);
    });

    it('keeps items with the same key out of one batch, in the order submitted', async () => {
      const w = writer({ keyOf: (item) => item.key.slice(0, 1) });
      const results = await Promise.all([
        w.submit({ key: 'x1' }),
        w.submit({ key: 'y1' }),
        w.submit({ key: 'x2' }),
        w.submit({ key: 'x3' }),
        w.submit({ key: 'z1' }),
      ]);
      expect(results).toEqual(['X1', 'Y1', 'X2', 'X3', 'Z1']);
      expect(batches).toEqual([['x1', 'y1', 'z1'], ['x2'], ['x3']]);
    });

    it('splits a long queue into batches of at most maxBatch', async () => {
      const w = writer({ maxBatch: 2 });
      await Promise.all(['a', 'b', 'c', 'd', 'e'].map((key) => w.submit({ key })));
      expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
      expect(counted.transactions()).toBe(3);
    });

    it('with lingerMs, lets items submitted in later turns join a batch that is not full', async () => {
      // An hour: only a full batch or flush() can end the wait, so the test cannot pass by timing.
      const w = writer({ lingerMs: 3_600_000, maxBatch: 3 });
      const first = w.submit({ key: 'a' });
      await new Promise<void>((resolve) => setImmediate(resolve));
      const second = w.submit({ key: 'b' });
      // The third fills the batch: it is written at once, in one transaction.
      const third = w.submit({ key: 'c' });
      expect(await Promise.all([first, second, third])).toEqual(['A', 'B', 'C']);
      expect(batches).toEqual([['a', 'b', 'c']]);
      expect(counted.transactions()).toBe(1);
    });

    it('with lingerMs, flush writes a lingering batch at once', async () => {
      const w = writer({ lingerMs: 3_600_000 });
      const item = w.submit({ key: 'a' });
      await w.flush();
      await expect(item).resolves.toBe('A');
      expect(await rows()).toEqual(['a=v']);
      // And one submitted while the flush runs does not linger either.
      const next = w.submit({ key: 'b' });
      const flushed = w.flush();
      const during = w.submit({ key: 'c' });
      await flushed;
      expect(await Promise.all([next, during])).toEqual(['B', 'C']);
    });

    // SQLite has one connection: its transactions cannot overlap.
    it.runIf(dialect === 'postgres')(
      'writes up to concurrentBatches batches at the same time, each in its own transaction',
      async () => {
        const started = createCondition();
        let writing = 0;
        const w = writer({
          maxBatch: 2,
          concurrentBatches: 2,
          async write(trx, items) {
            writing += 1;
            started.notify();
            // The first batch finishes only once the second one is being written too.
            await started.until(() => writing >= 2 || batches.length >= 2);
            return insertEach(trx, items);
          },
        });
        const results = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((key) => w.submit({ key })),
        );
        expect(results).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(batches.slice(0, 2)).toEqual([
          ['a', 'b'],
          ['c', 'd'],
        ]);
        expect(counted.transactions()).toBe(3);
        expect(await rows()).toEqual(['a=v', 'b=v', 'c=v', 'd=v', 'e=v']);
      },
    );

    it.runIf(dialect === 'postgres')(
      'starts no second batch for items that arrive while one is written: they wait and form the next',
      async () => {
        const released = createCondition();
        let release = false;
        const w = writer({
          concurrentBatches: 2,
          async write(trx, items) {
            const keys = await insertEach(trx, items);
            if (items[0]?.key === 'a') {
              released.notify();
              await released.until(() => release);
            }
            return keys;
          },
        });
        const first = w.submit({ key: 'a' });
        await released.until(() => batches.length === 1);
        const later = [w.submit({ key: 'b' }), w.submit({ key: 'c' })];
        // Turns of the event loop in which a second batch would have begun its transaction: the
        // writer starts one without waiting for I/O, so none begun by now means none was started.
        for (let turn = 0; turn < 3; turn++) await new Promise<void>((r) => setImmediate(r));
        expect(counted.transactions()).toBe(1);
        release = true;
        released.notify();
        expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C']);
        expect(batches).toEqual([['a'], ['b', 'c']]);
        expect(counted.transactions()).toBe(2);
      },
    );

    it('writes one batch at a time with keyOf, whatever concurrentBatches says', async () => {
      let writing = 0;
      let most = 0;
      const w = writer({
        maxBatch: 1,
        concurrentBatches: 4,
        keyOf: (item) => item.key,
        async write(trx, items) {
          writing += 1;
          most = Math.max(most, writing);
          try {
            return await insertEach(trx, items);
          } finally {
            writing -= 1;
          }
        },
      });
      await Promise.all(['a', 'b', 'c'].map((key) => w.submit({ key })));
      expect(most).toBe(1);
    });

    describe('with direct', () => {
      /** Inserts the items outside a transaction of the writer's when none has `fail`; declines or fails as told. */
      function direct(mode: 'write' | 'decline' | 'fail') {
        const seen: string[][] = [];
        const fn = async (db: Kysely<Database>, items: readonly Item[]) => {
          seen.push(items.map((i) => i.key));
          if (mode === 'decline') return undefined;
          if (mode === 'fail') throw new Error('the statement was rolled back');
          for (const item of items)
            await db.insertInto('settings').values({ key: item.key, value: 'direct' }).execute();
          return items.map((i) => `direct ${i.key}`);
        };
        return { fn, seen };
      }

      it('answers a batch that direct wrote with its results, without a transaction of its own', async () => {
        const d = direct('write');
        const w = writer({ direct: d.fn });
        const results = await Promise.all(['a', 'b'].map((key) => w.submit({ key })));
        expect(results).toEqual(['direct a', 'direct b']);
        expect(d.seen).toEqual([['a', 'b']]);
        expect(batches).toEqual([]);
        expect(counted.transactions()).toBe(0);
        expect(await rows()).toEqual(['a=direct', 'b=direct']);
      });

      it('writes the batch in a transaction when direct declines or fails', async () => {
        for (const mode of ['decline', 'fail'] as const) {
          batches = [];
          const d = direct(mode);
          const w = writer({ direct: d.fn });
          const keys = [`${mode}1`, `${mode}2`];
          const results = await Promise.all(keys.map((key) => w.submit({ key })));
          expect(results).toEqual(keys.map((k) => k.toUpperCase()));
          expect(d.seen).toEqual([keys]);
          expect(batches).toEqual([keys]);
        }
        expect(counted.transactions()).toBe(2);
        expect(await rows()).toEqual(['decline1=v', 'decline2=v', 'fail1=v', 'fail2=v']);
      });
    });

    it('flush waits for everything submitted, failures included', async () => {
      const w = writer();
      const late = w.submit({ key: 'late' });
      const failing = w.submit({ key: 'late', value: 'again' }).catch((err: unknown) => err);
      await w.flush();
      expect(await rows()).toEqual(['late=v']);
      await expect(late).resolves.toBe('LATE');
      expect(await failing).toBeInstanceOf(Error);
    });
  });
}
