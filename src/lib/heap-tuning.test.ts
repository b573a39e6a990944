/**
 * The node options of a server process (SERVER_NODE_OPTIONS in heap-tuning.ts) reach V8 only on
 * the node command line, so every way the project starts `ipnhub serve` or `ipnhub worker` must
 * pass them, before the script; and they must do what they are there for.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_OPTIONS } from './heap-tuning.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function read(path: string): string {
  return readFileSync(`${REPO_ROOT}${path}`, 'utf8');
}

/** The words of `line` between `node` and the CLI's entry script (the node options). */
function nodeOptions(line: string): string[] {
  const words = line.trim().split(/\s+/);
  const node = words.findIndex((word) => /(^|\/)node$/.test(word));
  const script = words.findIndex((word) => word.includes('bin/ipnhub.js'));
  expect(node, `no node in ${line}`).toBeGreaterThanOrEqual(0);
  expect(script, `no bin/ipnhub.js in ${line}`).toBeGreaterThan(node);
  return words.slice(node + 1, script);
}

/** The one line of `text` that starts with `prefix`. */
function lineStarting(text: string, prefix: string): string {
  const lines = text.split('\n').filter((line) => line.startsWith(prefix));
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('the node options of a server process', () => {
  const packageJson: unknown = JSON.parse(read('package.json'));
  const startScript = String(
    Reflect.get(Reflect.get(Object(packageJson), 'scripts') ?? {}, 'start') ?? '',
  );

  it.each([
    ['npm start', startScript],
    ['the container entry point', lineStarting(read('deploy/docker-entrypoint.sh'), 'exec node')],
    ['the server unit', lineStarting(read('deploy/ipnhub.service'), 'ExecStart=')],
    ['the worker unit', lineStarting(read('deploy/ipnhub-worker.service'), 'ExecStart=')],
  ])('%s passes them before the script', (_path, line) => {
    expect(nodeOptions(line)).toEqual([...SERVER_NODE_OPTIONS]);
  });

  // A young generation that keeps growing while objects survive its collections: V8 grows the
  // semi-spaces until the cap, 16 MB each (32 MB) by default.
  const growYoungGeneration = `
    const { getHeapSpaceStatistics } = require('node:v8');
    let kept = [];
    for (let i = 0; i < 3e6; i++) { kept.push({ i }); if (kept.length > 300000) kept = []; }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    process.stdout.write(String(space.space_size));
  `;
  const youngGenerationBytes = (options: readonly string[]): number =>
    Number(
      execFileSync(process.execPath, [...options, '-e', growYoungGeneration], { encoding: 'utf8' }),
    );

  it('cap the young generation at 8 MB, where node alone lets it grow beyond', () => {
    const MIB = 1024 * 1024;
    expect(youngGenerationBytes(SERVER_NODE_OPTIONS)).toBeLessThanOrEqual(8 * MIB);
    expect(youngGenerationBytes([])).toBeGreaterThan(8 * MIB);
  });
});
