/** The two databases of the batch commit's tests (sqlite-batch-commit.test.ts, pg-batch-commit.test.ts). */
import { afterEach, beforeEach } from 'vitest';
import { createTestDb } from '../../../test/helpers/test-db.js';
import type { DialectName, TestDb } from '../../../test/helpers/test-db.js';
import { addConnection } from './batch-items.js';

/**
 * Two fresh databases of `dialect` per test, each with the webhook connection: one for the
 * batch, one for the same notifications written one by one.
 */
export function useBatchedAndAlone(dialect: DialectName): { batched(): TestDb; alone(): TestDb } {
  let batched: TestDb | undefined;
  let alone: TestDb | undefined;
  beforeEach(async () => {
    batched = await createTestDb(dialect);
    alone = await createTestDb(dialect);
    await addConnection(batched.db);
    await addConnection(alone.db);
  });
  afterEach(async () => {
    await batched?.dispose();
    await alone?.dispose();
  });
  const get = (db: TestDb | undefined): TestDb => {
    if (!db) throw new Error('the databases exist only inside a test');
    return db;
  };
  return { batched: () => get(batched), alone: () => get(alone) };
}
