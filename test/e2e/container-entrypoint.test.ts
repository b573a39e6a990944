/**
 * The container image (Dockerfile, compose.yaml, docs/deployment.md). The CI machine has no
 * Docker today, so the image build below is skipped there; what CI always exercises is the
 * image's own entry point script and health check, run outside Docker with the environment
 * the image sets: the server starts through the script, takes its admin token from a file (as
 * compose.yaml hands over secrets), answers the health check, and stops cleanly on the SIGTERM
 * `docker stop` sends. The script runs the built CLI (bin/ipnhub.js → dist/server/), as in the image:
 * `npm ci` builds it (the `prepare` script); after changing the server, `npm run build` first.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuildCurrent } from '../helpers/cli-process.js';
import { closedPort } from '../helpers/closed-port.js';
import { createCondition } from '../helpers/condition.js';
import { pollUntil } from '../helpers/poll-until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRYPOINT = join(ROOT, 'deploy', 'docker-entrypoint.sh');
const HEALTHCHECK = join(ROOT, 'deploy', 'healthcheck.js');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const TOKEN = 'container-admin-token-0123456789';

const hasDocker = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;

/** Runs a program to its end and resolves with its exit code. */
function exitCode(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

describe('container image', () => {
  it('names the entry point script and the health check that the next test runs', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["\/app\/deploy\/docker-entrypoint\.sh"\]$/m);
    expect(dockerfile).toMatch(/^ {2}CMD \["node", "\/app\/deploy\/healthcheck\.js"\]$/m);
    expect(dockerfile).toMatch(/^CMD \["serve"\]$/m);
    expect(dockerfile).toMatch(/^USER ipnhub$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toContain('IPNHUB_DATA_DIR=/data');
  });

  describe('entry point outside Docker', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'ipnhub-container-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('starts serve, reads the admin token from its file, answers the health check and stops on SIGTERM', async () => {
      assertBuildCurrent();
      const port = await closedPort();
      mkdirSync(join(dir, 'secrets'), { mode: 0o700 });
      writeFileSync(join(dir, 'secrets', 'admin_token'), `${TOKEN}\n`, { mode: 0o600 });
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        IPNHUB_DATA_DIR: join(dir, 'data'),
        IPNHUB_HOST: '127.0.0.1',
        IPNHUB_PORT: String(port),
        IPNHUB_ADMIN_TOKEN_FILE: join(dir, 'secrets', 'admin_token'),
        IPNHUB_LOG_LEVEL: 'warn',
      };
      const health = { PATH: process.env.PATH, IPNHUB_PORT: String(port) };

      // Nothing listens yet: the check fails.
      expect(await exitCode(process.execPath, [HEALTHCHECK], health)).toBe(1);

      // No arguments: the script runs `serve`, as the image's CMD does.
      const server = spawn(ENTRYPOINT, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      const stderr: Buffer[] = [];
      server.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const ended = createCondition();
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      server.on('close', (code, signal) => {
        exit = { code, signal };
        ended.notify();
      });
      try {
        await pollUntil(
          async () => {
            if (exit !== undefined)
              throw new Error(
                `the entry point ended (${exit.code ?? exit.signal}) before it was healthy: ${Buffer.concat(stderr).toString()}`,
              );
            return exitCode(process.execPath, [HEALTHCHECK], health);
          },
          (code) => code === 0,
          100,
        );
        // The script sets glibc's arena limit for node (`exec`: the same process), as the
        // environment above does not (src/lib/server-environment.ts).
        if (process.platform === 'linux')
          expect(readFileSync(`/proc/${server.pid}/environ`, 'utf8').split('\0')).toContain(
            'MALLOC_ARENA_MAX=2',
          );

        const base = `http://127.0.0.1:${port}/api/v1/system`;
        const authorised = await request(base, { headers: { authorization: `Bearer ${TOKEN}` } });
        await authorised.body.dump();
        expect(authorised.statusCode).toBe(200);
        const refused = await request(base, {
          headers: { authorization: 'Bearer not-the-token-from-the-file' },
        });
        await refused.body.dump();
        expect(refused.statusCode).toBe(401);
      } finally {
        server.kill('SIGTERM');
        await ended.until(() => exit !== undefined);
      }
      expect(exit).toEqual({ code: 0, signal: null });
    }, 120_000);
  });

  // Only where Docker runs (not on the CI machine today; see the comment at the top).
  it.runIf(hasDocker)(
    'builds the image, whose entry point runs the CLI',
    () => {
      const tag = 'ipnhub:test';
      const build = spawnSync('docker', ['build', '--tag', tag, ROOT], { encoding: 'utf8' });
      expect(build.status, build.stderr).toBe(0);
      const version = spawnSync('docker', ['run', '--rm', tag, '--version'], {
        encoding: 'utf8',
      });
      expect(version.status, version.stderr).toBe(0);
      expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    },
    15 * 60_000,
  );
});
