/**
 * The environment of a server process (SERVER_ENVIRONMENT in server-environment.ts) is read by
 * the C library when the process starts, so every way the project starts `ipnhub serve` or
 * `ipnhub worker` must set it before node runs, and `serve --processes` must fork its children
 * with it. The container entry point is run for real in test/e2e/container-entrypoint.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_ENVIRONMENT, withServerEnvironment } from './server-environment.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function read(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, 'utf8');
}

/** The value `sh` gives `name` after running `script` in an environment without it, or with `preset`. */
function shellValue(script: string, name: string, preset?: string): string {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (preset !== undefined) env[name] = preset;
  return execFileSync('sh', ['-c', `${script}\nprintf %s "\${${name}-unset}"`], {
    env,
    encoding: 'utf8',
  });
}

describe('the environment of a server process', () => {
  it('keeps glibc to two malloc arenas', () => {
    expect(SERVER_ENVIRONMENT).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it('is added to an environment without it, leaving the rest and the argument as they were', () => {
    const env = { PATH: '/bin', IPNHUB_PORT: '8080' };
    expect(withServerEnvironment(env)).toEqual({ ...env, MALLOC_ARENA_MAX: '2' });
    expect(env).toEqual({ PATH: '/bin', IPNHUB_PORT: '8080' });
    expect(withServerEnvironment({ MALLOC_ARENA_MAX: '' })).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it("keeps the operator's own value", () => {
    expect(withServerEnvironment({ MALLOC_ARENA_MAX: '4' })).toEqual({ MALLOC_ARENA_MAX: '4' });
  });

  describe.each(Object.entries(SERVER_ENVIRONMENT))('%s', (name, value) => {
    const packageJson: unknown = JSON.parse(read('package.json'));
    const startScript = String(
      Reflect.get(Reflect.get(Object(packageJson), 'scripts') ?? {}, 'start') ?? '',
    );

    it('npm start sets it on the command that starts node, unless it is set', () => {
      const assignment = startScript.slice(0, startScript.indexOf(' node '));
      expect(startScript).toMatch(/ node bin\/ipnhub\.js serve$/);
      expect(shellValue(`export ${assignment}`, name)).toBe(value);
      expect(shellValue(`export ${assignment}`, name, '7')).toBe('7');
    });

    it('the container entry point exports it before it starts node, unless it is set', () => {
      const script = read('deploy/docker-entrypoint.sh');
      const line = script.split('\n').find((l) => l.startsWith(`export ${name}=`));
      expect(line, `no export of ${name}`).toBeDefined();
      expect(script.indexOf(line ?? '')).toBeLessThan(script.indexOf('exec node'));
      expect(shellValue(line ?? '', name)).toBe(value);
      expect(shellValue(line ?? '', name, '7')).toBe('7');
    });

    it.each([
      ['the server unit', 'deploy/ipnhub.service'],
      ['the worker unit', 'deploy/ipnhub-worker.service'],
    ])('%s sets it for the service', (_unit, path) => {
      const lines = read(path).split('\n');
      expect(lines).toContain(`Environment=${name}=${value}`);
    });
  });
});
