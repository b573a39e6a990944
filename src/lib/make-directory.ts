/**
 * Creates a directory and its missing parents, one level at a time. Node's own
 * `mkdir(path, { recursive: true })` never returns when the kernel answers ENOENT for a
 * directory whose parent exists (as under /proc): it retries the parent forever at 100 % CPU.
 * Here every failure surfaces as the file system's error, with its `code` and `path`.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { errorCodeOf } from './error-code.js';

function notADirectory(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${path}'`), {
    code: 'ENOTDIR',
    syscall: 'mkdir',
    path,
  });
}

/**
 * Ensures `path` is a directory; throws the file system error (ENOTDIR when a file is in the
 * way). `mode` applies to `path` itself when this call creates it (the data directory is made
 * 0700: only ipnhub's user may read the database and the master key); parents it creates get
 * the usual mode.
 */
export function makeDirectory(path: string, mode?: number): void {
  const missing: string[] = [];
  for (let current = resolve(path); ; current = dirname(current)) {
    try {
      if (!statSync(current).isDirectory()) throw notADirectory(current);
      break;
    } catch (err) {
      if (errorCodeOf(err) !== 'ENOENT') throw err;
    }
    missing.push(current);
    if (dirname(current) === current) break;
  }
  const leaf = resolve(path);
  for (const directory of missing.reverse()) {
    try {
      mkdirSync(directory, directory === leaf && mode !== undefined ? { mode } : undefined);
    } catch (err) {
      // Another process may create it at the same time; a file in the way is caught by the caller's checks.
      if (errorCodeOf(err) !== 'EEXIST') throw err;
    }
  }
  if (!statSync(path).isDirectory()) throw notADirectory(resolve(path));
}
