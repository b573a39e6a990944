/**
 * Settings that cannot work end the real `ipnhub` process at once, with a code from the
 * catalogue that names the path, port or database and what to do: never a hang (Node's
 * recursive mkdir under /proc used to spin forever) and never `INTERNAL` ("a bug").
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort } from '../../test/helpers/closed-port.js';
import { runCliProcess } from '../../test/helpers/cli-process.js';

const TIMEOUT = 120_000;

describe('ipnhub exits with a clear error on settings that cannot work', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ipnhub-startup-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.runIf(process.platform === 'linux')(
    'a data directory the file system will not create (/proc/…): serve, worker and migrate exit 1 with DATA_DIR_UNUSABLE, other commands find no database',
    async () => {
      const env = { IPNHUB_DATA_DIR: '/proc/ipnhub-data', IPNHUB_PORT: '0' };
      const [serve, worker, migrate, list] = await Promise.all(
        [['serve'], ['worker'], ['migrate'], ['source', 'list']].map((args) =>
          runCliProcess(args, { env }),
        ),
      );
      for (const result of [serve, worker, migrate]) {
        expect(result?.code).toBe(1);
        expect(result?.stderr).toMatch(
          /^error DATA_DIR_UNUSABLE: The data directory cannot be used\. \/proc\/ipnhub-data: the file system does not allow creating a directory there\. Choose another directory with IPNHUB_DATA_DIR/m,
        );
      }
      expect(list?.code).toBe(1);
      expect(list?.stderr).toMatch(
        /^error DATABASE_NOT_FOUND: No ipnhub database where this command looks\. \/proc\/ipnhub-data\/ipnhub\.db does not exist \(data directory \/proc\/ipnhub-data, from IPNHUB_DATA_DIR\)/,
      );
    },
    TIMEOUT,
  );

  it(
    'a data directory that is a file: DATA_DIR_UNUSABLE naming it',
    async () => {
      const file = join(dir, 'data');
      writeFileSync(file, 'not a directory');
      const results = await Promise.all(
        [['serve'], ['migrate', '--json']].map((args) =>
          runCliProcess(args, { env: { IPNHUB_DATA_DIR: file, IPNHUB_PORT: '0' } }),
        ),
      );
      expect(results[0]).toMatchObject({ code: 1, stdout: '' });
      expect(results[0]?.stderr).toContain(
        `error DATA_DIR_UNUSABLE: The data directory cannot be used. ${file}: it is a file, not a directory.`,
      );
      expect(results[1]?.code).toBe(1);
      expect(JSON.parse(results[1]?.stderr ?? '')).toEqual({
        error: {
          code: 'DATA_DIR_UNUSABLE',
          message: expect.stringContaining(`${file}: it is a file, not a directory.`),
        },
      });
    },
    TIMEOUT,
  );

  describe('a port in use', () => {
    let blocker: Server;
    let port: number;
    beforeEach(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      port = (blocker.address() as AddressInfo).port;
    });
    afterEach(async () => {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    });

    it(
      'serve and dev fake-paypal exit 1 with PORT_IN_USE naming the address and the setting',
      async () => {
        const [serve, fake] = await Promise.all([
          runCliProcess(['serve'], {
            env: { IPNHUB_DATA_DIR: join(dir, 'data'), IPNHUB_PORT: String(port) },
          }),
          runCliProcess(['dev', 'fake-paypal', '--port', String(port)], { env: {} }),
        ]);
        expect(serve.code).toBe(1);
        expect(serve.stderr).toBe(
          `error PORT_IN_USE: The port is already in use. 127.0.0.1:${port}: another process already listens there (another ipnhub serve?). Stop it, or choose another port with IPNHUB_PORT.\n`,
        );
        expect(fake.code).toBe(1);
        expect(fake.stderr).toBe(
          `error PORT_IN_USE: The port is already in use. 127.0.0.1:${port}: another process already listens there (another ipnhub serve?). Stop it, or choose another port with --port.\n`,
        );
      },
      TIMEOUT,
    );
  });

  it(
    'a PostgreSQL server that does not answer: DATABASE_UNAVAILABLE naming it without the password',
    async () => {
      const pgPort = await closedPort();
      const result = await runCliProcess(['serve'], {
        env: {
          IPNHUB_DATA_DIR: join(dir, 'data'),
          IPNHUB_PORT: '0',
          IPNHUB_DATABASE_URL: `postgres://shop:pg-secret@127.0.0.1:${pgPort}/shop`,
          IPNHUB_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'),
        },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error DATABASE_UNAVAILABLE: The database cannot be opened. PostgreSQL at 127.0.0.1:${pgPort}/shop as user shop: nothing listens there (is PostgreSQL running?). Check IPNHUB_DATABASE_URL.\n`,
      );
    },
    TIMEOUT,
  );

  it(
    'a one-shot command in a directory without a database: DATABASE_NOT_FOUND, and nothing is created there',
    async () => {
      const results = await Promise.all(
        [
          ['source', 'list'],
          ['connection', 'test', 'con_01JAAAAAAAAAAAAAAAAAAAAAAA'],
          ['token', 'rotate'],
        ].map((args) => runCliProcess(args, { env: {}, cwd: dir })),
      );
      for (const result of results) {
        expect(result.code).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(
          `error DATABASE_NOT_FOUND: No ipnhub database where this command looks. ${join(dir, 'data', 'ipnhub.db')} does not exist (data directory ${join(dir, 'data')}, the default ./data of the current directory (${dir})). ` +
            'Run the command where the data directory is, or point it there with IPNHUB_DATA_DIR=/path/to/data (or at PostgreSQL with IPNHUB_DATABASE_URL); `ipnhub config show` prints what this command uses. `ipnhub serve` or `ipnhub migrate` creates a new database.\n',
        );
      }
      expect(readdirSync(dir)).toEqual([]);
    },
    TIMEOUT,
  );
});
