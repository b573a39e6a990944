import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKlickTippFake } from '../test/fakes/klicktipp-fake.js';
import type { KlickTippFake } from '../test/fakes/klicktipp-fake.js';
import { createTestRuntime } from '../test/helpers/test-runtime.js';
import type { TestRuntime } from '../test/helpers/test-runtime.js';
import { sharedRateLimiter } from './connectors/rate-limiter.js';

const USER = 'demo-account';
const PASSWORD = 'correct horse battery staple';

/** A Klick-Tipp connection in `runtime`'s own database, pointing at `fake`. */
async function klickTippConnection(runtime: TestRuntime, fake: KlickTippFake): Promise<string> {
  const { connection } = await runtime.connections.create({
    connector: 'klicktipp',
    name: 'Klick-Tipp',
    config: {
      baseUrl: fake.url,
      auth: { username: USER, password: PASSWORD },
      requestsPerSecond: 100,
    },
  });
  return connection.id;
}

describe('caches of providers and connectors belong to one runtime', () => {
  let fake: KlickTippFake;
  let first: TestRuntime;
  let second: TestRuntime;
  beforeAll(async () => {
    fake = await startKlickTippFake({ username: USER, password: PASSWORD });
    first = await createTestRuntime('sqlite');
    second = await createTestRuntime('sqlite');
  });
  afterAll(async () => {
    await first.dispose();
    await second.dispose();
    await fake.close();
  });

  it('shares a login between the calls of one runtime, never between two runtimes in one process', async () => {
    const inFirst = await klickTippConnection(first, fake);
    const inSecond = await klickTippConnection(second, fake);

    expect(await first.admin.testConnection(inFirst)).toMatchObject({ ok: true });
    expect(await first.admin.testConnection(inFirst)).toMatchObject({ ok: true });
    expect(fake.logins).toBe(1);

    // The same account and credentials in another runtime: its own login, not the first one's session.
    expect(await second.admin.testConnection(inSecond)).toMatchObject({ ok: true });
    expect(fake.logins).toBe(2);
    expect(await second.admin.testConnection(inSecond)).toMatchObject({ ok: true });
    expect(fake.logins).toBe(2);
  });

  it('gives each runtime its own rate budget per account', () => {
    const key = 'https://account.example.com';
    expect(sharedRateLimiter(first.caches, key, 5)).toBe(sharedRateLimiter(first.caches, key, 5));
    expect(sharedRateLimiter(first.caches, key, 5)).not.toBe(
      sharedRateLimiter(second.caches, key, 5),
    );
  });
});
