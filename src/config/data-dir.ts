/**
 * The data directory (`dataDir`, `IPNHUB_DATA_DIR`) checked before anything is written there:
 * created if missing, and proven writable by creating and removing a probe file (the only test
 * that also holds for root, read-only mounts and pseudo file systems such as /proc and /sys).
 * A failure is `DATA_DIR_UNUSABLE` naming the path, what is wrong and how to fix it, instead of
 * a driver error (or, with Node's recursive mkdir under /proc, a loop that never ends).
 */
import { randomBytes } from 'node:crypto';
import { statSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';
import { makeDirectory } from '../lib/make-directory.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'the file system does not allow creating a directory there',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'one of its parent directories is a file',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

function whoAmI(): string {
  return typeof process.getuid === 'function' ? ` (user id ${process.getuid()})` : '';
}

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function unusable(dir: string, err: unknown): IpnhubError {
  const code = errorCodeOf(err);
  const itself = code === 'ENOTDIR' && isFile(dir);
  const reason = itself
    ? 'it is a file, not a directory'
    : ((code !== undefined ? REASONS[code] : undefined) ??
      (err instanceof Error ? err.message : String(err)));
  const fix =
    code === 'EACCES' || code === 'EPERM'
      ? `Make it writable for the user ipnhub runs as${whoAmI()}, or choose another directory`
      : 'Choose another directory';
  return new IpnhubError(
    'DATA_DIR_UNUSABLE',
    `${dir}: ${reason}. ${fix} with IPNHUB_DATA_DIR (or "dataDir" in the settings file).`,
    { cause: err },
  );
}

/** Readable by its owner only: it holds the database, the master key and unsent mails. */
export const DATA_DIR_MODE = 0o700;

/**
 * Creates `dataDir` if needed (mode 0700) and checks that ipnhub can write there; returns its
 * absolute path. An existing directory keeps its mode: the operator chose it.
 */
export function prepareDataDir(dataDir: string): string {
  const dir = resolve(dataDir);
  try {
    makeDirectory(dir, DATA_DIR_MODE);
    const probe = resolve(
      dir,
      `.ipnhub-write-test-${process.pid}-${randomBytes(4).toString('hex')}`,
    );
    writeFileSync(probe, '', { flag: 'wx', mode: 0o600 });
    unlinkSync(probe);
  } catch (err) {
    throw unusable(dir, err);
  }
  return dir;
}
