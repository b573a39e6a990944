/**
 * `/readyz` is public (load balancers probe it without a token), so a failing check must not
 * hand an anonymous caller the database's error text, which can name hosts, ports and users.
 * The operator finds the cause in the log.
 */
import { describe, expect, it } from 'vitest';
import { captureLogger } from '../../test/helpers/capture-logger.js';
import { createTestRuntime } from '../../test/helpers/test-runtime.js';

describe('/readyz', () => {
  it('answers ready with the database reachable, and only "unavailable" without it, logging the cause', async () => {
    const captured = captureLogger('info');
    const runtime = await createTestRuntime('sqlite', { logger: captured.logger });
    const app = await runtime.buildApp();
    try {
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect([ready.statusCode, ready.json()]).toEqual([
        200,
        { status: 'ready', checks: { database: 'ok' } },
      ]);

      await runtime.dbHandle.db.destroy();
      const down = await app.inject({ method: 'GET', url: '/readyz' });
      expect([down.statusCode, down.json()]).toEqual([
        503,
        { status: 'not ready', checks: { database: 'unavailable' } },
      ]);
      const logged = captured.lines().find((line) => line['msg'] === 'readiness check failed');
      expect(logged?.['err']).toMatchObject({ message: expect.stringMatching(/.+/) });
    } finally {
      await app.close();
      await runtime.dispose().catch(() => undefined);
    }
  });
});
