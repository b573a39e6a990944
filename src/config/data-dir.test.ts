import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IpnhubError } from '../core/errors.js';
import { prepareDataDir } from './data-dir.js';

function refusal(dir: string): IpnhubError {
  try {
    prepareDataDir(dir);
  } catch (err) {
    if (err instanceof IpnhubError) return err;
    throw err;
  }
  throw new Error(`expected ${dir} to be refused`);
}

describe('prepareDataDir', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ipnhub-datadir-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates a missing directory with its parents, leaves no probe file and returns the absolute path', () => {
    const dir = join(root, 'a', 'b', 'data');
    expect(prepareDataDir(dir)).toBe(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(prepareDataDir(dir)).toBe(dir);
  });

  it('creates the data directory readable by its owner only, and leaves an existing one as it is', () => {
    const dir = join(root, 'parent', 'data');
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    // Parents it had to create get the usual mode: they may hold more than ipnhub's data.
    expect(statSync(join(root, 'parent')).mode & 0o777).toBe(0o777 & ~process.umask());
    const chosen = join(root, 'chosen');
    mkdirSync(chosen, { mode: 0o750 });
    prepareDataDir(chosen);
    expect(statSync(chosen).mode & 0o777).toBe(0o750 & ~process.umask());
  });

  it('refuses a path that is a file, naming it and the setting to change', () => {
    const file = join(root, 'data');
    writeFileSync(file, 'x');
    const err = refusal(file);
    expect(err.code).toBe('DATA_DIR_UNUSABLE');
    expect(err.message).toBe(
      `The data directory cannot be used. ${file}: it is a file, not a directory. Choose another directory with IPNHUB_DATA_DIR (or "dataDir" in the settings file).`,
    );
  });

  it('refuses a path below a file', () => {
    writeFileSync(join(root, 'file'), 'x');
    const err = refusal(join(root, 'file', 'data'));
    expect(err.code).toBe('DATA_DIR_UNUSABLE');
    expect(err.message).toContain(
      `${join(root, 'file', 'data')}: one of its parent directories is a file.`,
    );
  });

  // /proc refuses new directories with ENOENT although the parent exists: Node's recursive
  // mkdir retries that forever at 100 % CPU; this must return at once with an error.
  it.runIf(process.platform === 'linux')(
    'refuses a directory the file system will not create (/proc)',
    () => {
      const err = refusal('/proc/ipnhub-data');
      expect(err.code).toBe('DATA_DIR_UNUSABLE');
      expect(err.message).toContain(
        '/proc/ipnhub-data: the file system does not allow creating a directory there.',
      );
      expect(existsSync('/proc/ipnhub-data')).toBe(false);
    },
  );

  // sysfs refuses writes even to root (EPERM or EACCES, EROFS when mounted read-only).
  it.runIf(process.platform === 'linux')(
    'refuses a directory it may not write, naming the user',
    () => {
      const err = refusal('/sys/ipnhub-data');
      expect(err.code).toBe('DATA_DIR_UNUSABLE');
      expect(err.message).toMatch(
        /^The data directory cannot be used\. \/sys\/ipnhub-data: (permission denied\. Make it writable for the user ipnhub runs as \(user id \d+\), or choose|the file system is read-only\. Choose) another directory with IPNHUB_DATA_DIR/,
      );
    },
  );
});
