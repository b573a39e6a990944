import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtServerState } from './built-server.js';

describe('builtServerState', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ipnhub-built-'));
    mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** Writes `path` under the checkout with its modification time `seconds` after the epoch. */
  function file(path: string, seconds: number): void {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, '');
    utimesSync(full, seconds, seconds);
  }

  it('is missing without the bundle entry', () => {
    file('src/lib/a.ts', 1_000);
    expect(builtServerState(root)).toBe('missing');
  });

  it('is current when the bundle is newer than every source file, in every folder', () => {
    file('src/lib/a.ts', 1_000);
    file('src/deep/er/b.ts', 1_500);
    file('dist/server/main.js', 2_000);
    expect(builtServerState(root)).toBe('current');
  });

  it('is stale once any source file is newer than the bundle, however deep', () => {
    file('src/lib/a.ts', 1_000);
    file('src/deep/er/b.ts', 2_500);
    file('dist/server/main.js', 2_000);
    expect(builtServerState(root)).toBe('stale');
  });

  it('does not count tests as sources', () => {
    file('src/lib/a.ts', 1_000);
    file('src/lib/a.test.ts', 3_000);
    file('src/web/page.test.tsx', 3_000);
    file('dist/server/main.js', 2_000);
    expect(builtServerState(root)).toBe('current');
  });
});
