import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGroupCommitter } from './group-commit.js';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';

for (const dialect of enabledDialects()) {
  describe(`group commit on ${dialect}`, () => {
    let h: TestDb;
    beforeEach(async () => {
      h = await createTestDb(dialect);
    });
    afterEach(async () => h.dispose());

    const keys = async () =>
      (await h.db.selectFrom('settings').select('key').orderBy('key').execute()).map((r) => r.key);

    it('commits concurrent units and resolves each with its own result', async () => {
      const committer = createGroupCommitter(h.db, h.adapter);
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          committer.submit(async (trx) => {
            await trx
              .insertInto('settings')
              .values({ key: `k${String(i).padStart(2, '0')}`, value: 'v' })
              .execute();
            return i * 2;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
      expect(await keys()).toHaveLength(30);
    });

    it('isolates a failing unit: it is rejected, the others of its batch still commit', async () => {
      const committer = createGroupCommitter(h.db, h.adapter);
      const ok = (key: string) =>
        committer.submit(async (trx) =>
          trx.insertInto('settings').values({ key, value: 'v' }).execute(),
        );
      const bad = committer.submit(async (trx) => {
        await trx.insertInto('settings').values({ key: 'bad', value: 'v' }).execute();
        throw new Error('boom');
      });
      const settled = await Promise.allSettled([ok('a'), bad, ok('b'), ok('c')]);
      expect(settled.map((s) => s.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      expect(await keys()).toEqual(['a', 'b', 'c']);
    });

    it('flush waits for everything submitted', async () => {
      const committer = createGroupCommitter(h.db, h.adapter);
      void committer.submit(async (trx) =>
        trx.insertInto('settings').values({ key: 'late', value: 'v' }).execute(),
      );
      await committer.flush();
      expect(await keys()).toEqual(['late']);
    });
  });
}
