import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, enabledDialects } from '../../test/helpers/test-db.js';
import type { TestDb } from '../../test/helpers/test-db.js';
import { loadSettings } from './config.js';
import type { Settings } from './config.js';
import { differencesFromRunning, recordRunningSettings } from './running-settings.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const FILE = '/srv/ipnhub/data/ipnhub.json';

function settings(env: NodeJS.ProcessEnv): Settings {
  return loadSettings({ IPNHUB_DATA_DIR: '/nonexistent/ipnhub-running-settings', ...env });
}

for (const dialect of enabledDialects()) {
  describe(`running settings on ${dialect}`, () => {
    let handle: TestDb;
    beforeEach(async () => {
      handle = await createTestDb(dialect);
    });
    afterEach(async () => handle.dispose());

    const differences = (s: Settings) =>
      differencesFromRunning(handle.db, {
        config: s.config,
        origins: s.origins,
        settingsFile: FILE,
      });

    it('finds nothing while no server runs, or when the server uses the same shared settings', async () => {
      const same = settings({ IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1' });
      expect(await differences(same)).toEqual([]);
      await recordRunningSettings(handle.db, {
        role: 'serve',
        config: same.config,
        origins: same.origins,
        now: NOW,
      });
      // Settings a CLI command does not share (port, log level) may differ.
      expect(
        await differences(
          settings({
            IPNHUB_OUTBOUND_ALLOW_LIST: '127.0.0.1',
            IPNHUB_PORT: '9999',
            IPNHUB_LOG_LEVEL: 'debug',
          }),
        ),
      ).toEqual([]);
    });

    it('names each differing shared setting of each running role, never a secret', async () => {
      const server = settings({
        IPNHUB_OUTBOUND_ALLOW_LIST: '10.0.0.0/8',
        IPNHUB_SMTP_URL: 'smtp://user:smtp-secret@mail.example.com:587',
      });
      await recordRunningSettings(handle.db, {
        role: 'serve',
        config: server.config,
        origins: server.origins,
        now: NOW,
      });
      const worker = settings({ IPNHUB_OUTBOUND_TIMEOUT_MS: '5000' });
      await recordRunningSettings(handle.db, {
        role: 'worker',
        config: worker.config,
        origins: worker.origins,
        now: NOW,
      });
      const stored = await handle.db.selectFrom('settings').select('value').execute();
      expect(JSON.stringify(stored)).not.toContain('smtp-secret');

      const lines = await differences(settings({}));
      const who = (role: string) =>
        `ipnhub ${role} (pid ${process.pid} on ${hostname()}, started 2026-03-01T10:00:00.000Z) runs with`;
      expect(lines.sort()).toEqual(
        [
          `${who('serve')} outboundAllowList 10.0.0.0/8 (IPNHUB_OUTBOUND_ALLOW_LIST), this command with (empty) (default). Put shared settings in ${FILE}, which every ipnhub process using this data directory reads.`,
          `${who('serve')} mail SMTP server mail.example.com:587 (IPNHUB_SMTP_URL), this command with files in the data directory (default). Put shared settings in ${FILE}, which every ipnhub process using this data directory reads.`,
          `${who('worker')} outboundTimeoutMs 5000 (IPNHUB_OUTBOUND_TIMEOUT_MS), this command with 15000 (default). Put shared settings in ${FILE}, which every ipnhub process using this data directory reads.`,
        ].sort(),
      );
    });

    it('forgets its own record on stop, but not one a newer process of the same role wrote', async () => {
      const first = settings({ IPNHUB_OUTBOUND_ALLOW_LIST: '10.0.0.1' });
      const forgetFirst = await recordRunningSettings(handle.db, {
        role: 'serve',
        config: first.config,
        origins: first.origins,
        now: NOW,
      });
      const second = settings({ IPNHUB_OUTBOUND_ALLOW_LIST: '10.0.0.2' });
      const forgetSecond = await recordRunningSettings(handle.db, {
        role: 'serve',
        config: second.config,
        origins: second.origins,
        now: new Date(NOW.getTime() + 1000),
      });
      await forgetFirst();
      expect(await differences(settings({}))).toEqual([
        expect.stringContaining('outboundAllowList 10.0.0.2'),
      ]);
      await forgetSecond();
      expect(await differences(settings({}))).toEqual([]);
    });

    it('ignores the record of a process on this machine that is gone', async () => {
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const stale = {
        role: 'serve',
        pid: gone,
        hostname: hostname(),
        startedAt: NOW.toISOString(),
        values: { outboundAllowList: '10.0.0.0/8' },
        origins: {},
      };
      await handle.db
        .insertInto('settings')
        .values({ key: 'running_settings:serve', value: JSON.stringify(stale) })
        .execute();
      expect(await differences(settings({}))).toEqual([]);
      // On another machine (PostgreSQL shared by several) liveness cannot be checked: it counts.
      const remote = { ...stale, hostname: 'another-machine.invalid' };
      await handle.db
        .updateTable('settings')
        .set({ value: JSON.stringify(remote) })
        .where('key', '=', 'running_settings:serve')
        .execute();
      expect(await differences(settings({}))).toEqual([
        expect.stringContaining('on another-machine.invalid'),
      ]);
    });
  });
}
