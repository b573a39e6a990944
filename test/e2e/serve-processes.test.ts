/**
 * `ipnhub serve --processes 2` as users run it (the build): a real primary with two real server processes
 * on one port and one PostgreSQL database. Both children start and the port answers; a child
 * killed from outside is replaced, the other one answering meanwhile, and then the new one and
 * the surviving one answer alone in turn; SIGTERM stops everything with exit code 0. On SQLite
 * the option is refused with its code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { restartDelayMs } from '../../src/cli/serve-cluster.js';
import { runCliProcess, startCliProcess } from '../helpers/cli-process.js';
import type { CliProcess } from '../helpers/cli-process.js';
import { createTestTarget, enabledDialects } from '../helpers/test-db.js';

const TIMEOUT = 180_000;

interface LogLine {
  msg: string;
  pid?: number;
  url?: string;
}

function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The environment a running process was started with (Linux). */
const environOf = (pid: number | undefined): string[] =>
  readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

/**
 * `/healthz`'s status over a connection of its own. A pooled one (global `fetch`'s) may lead to
 * a process killed a moment ago, whose end this process has not read yet: the request then
 * fails on the dead socket ("other side closed") although the port answers.
 */
async function healthStatus(url: string): Promise<number> {
  const client = new Client(url);
  try {
    const res = await client.request({ method: 'GET', path: '/healthz' });
    await res.body.dump();
    return res.statusCode;
  } finally {
    await client.close();
  }
}

const childrenListening = (stdout: string): number[] =>
  logLines(stdout)
    .filter((l) => l.msg === 'server process listening')
    .flatMap((l) => (l.pid === undefined ? [] : [l.pid]));

describe('serve --processes', () => {
  let dataDir: string;
  let serve: CliProcess | null = null;
  let drop: () => Promise<void> = async () => undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-serve-procs-'));
  });
  afterEach(async () => {
    serve?.kill();
    serve = null;
    await drop();
    drop = async () => undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('restarts a crashed child after a pause that doubles, up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });

  it(
    'is refused on SQLite with PROCESSES_NEED_POSTGRES',
    async () => {
      const result = await runCliProcess(['serve', '--processes', '2'], {
        build: true,
        env: { IPNHUB_DATA_DIR: dataDir, IPNHUB_PORT: '0' },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error PROCESSES_NEED_POSTGRES: Several server processes \(serve --processes\) need a PostgreSQL database\./m,
      );
    },
    TIMEOUT,
  );

  describe.skipIf(!enabledDialects().includes('postgres'))('on PostgreSQL', () => {
    it(
      'runs two server processes on one port, replaces a killed one and stops them all on SIGTERM',
      async () => {
        const created = await createTestTarget('postgres');
        drop = created.drop;
        if (created.target.kind !== 'postgres') throw new Error('expected PostgreSQL');
        const env = {
          IPNHUB_DATA_DIR: dataDir,
          IPNHUB_DATABASE_URL: created.target.url,
          IPNHUB_MASTER_KEY: Buffer.alloc(32, 9).toString('hex'),
          IPNHUB_ADMIN_TOKEN: 'serve-processes-admin-token',
          IPNHUB_PORT: '0',
          IPNHUB_LOG_LEVEL: 'info',
        };
        const proc = startCliProcess(['serve', '--processes', '2', '--no-worker'], {
          env,
          build: true,
        });
        serve = proc;
        await proc.waitForOutput((out) => childrenListening(out).length === 2);
        const [first, second] = childrenListening(proc.stdout());
        // The primary was started without MALLOC_ARENA_MAX; it forks its children with it
        // (src/lib/server-environment.ts).
        if (process.platform === 'linux') {
          expect(environOf(proc.pid)).not.toContain('MALLOC_ARENA_MAX=2');
          for (const pid of [first, second]) expect(environOf(pid)).toContain('MALLOC_ARENA_MAX=2');
        }
        const urls = new Set(
          logLines(proc.stdout())
            .filter((l) => l.msg.startsWith('ipnhub listening on'))
            .map((l) => l.url),
        );
        // Port 0: the primary chose one port, and both children listen on it.
        expect(urls.size).toBe(1);
        const [url] = [...urls];
        const healthy = (): Promise<number> => healthStatus(url ?? '');
        expect(await healthy()).toBe(200);

        // Kill one: the other one answers while the primary starts a replacement.
        process.kill(first ?? 0, 'SIGKILL');
        await proc.waitForOutput((out) =>
          logLines(out).some((l) => l.msg === 'server process ended; starting a new one'),
        );
        expect(await healthy()).toBe(200);
        await proc.waitForOutput((out) => childrenListening(out).length === 3);
        const replacement = childrenListening(proc.stdout())[2];
        expect(replacement).not.toBe(first);

        // Kill the other original: now only the replacement can answer, and it does.
        process.kill(second ?? 0, 'SIGKILL');
        await proc.waitForOutput(
          (out) =>
            logLines(out).filter((l) => l.msg === 'server process ended; starting a new one')
              .length === 2,
        );
        expect(await healthy()).toBe(200);
        await proc.waitForOutput((out) => childrenListening(out).length === 4);

        const result = await proc.stop();
        expect(result.code).toBe(0);
        const lines = logLines(result.stdout);
        expect(lines.filter((l) => l.msg === 'stopped').length).toBeGreaterThanOrEqual(3);
        expect(lines.at(-1)?.msg).toBe('stopped');
      },
      TIMEOUT,
    );
  });
});
