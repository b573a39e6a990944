/**
 * Runs `ipnhub` as a real process, for tests of what only a real process shows: that it exits at
 * all, its exit code, and what it printed. By default the sources as they are: bin/ipnhub.js when
 * the bundle in dist/server/ (scripts/server-bundle.ts) is newer than every source file
 * (src/lib/built-server.ts; `npm test` builds it first), else the sources through tsx, which
 * take seconds more to start. With `build: true`, the way users run it: bin/ipnhub.js, and the
 * test fails when the bundle is missing or older than the sources. The wait is bounded: a
 * process still running after `exitWithinMs` is killed and the test fails saying so (a hang, not
 * a slow machine, is what that catches; the bound is generous). `startCliProcess` starts a
 * long-running command (`worker`, `serve`) that the test ends itself.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUILT_SERVER_DIR, builtServerState } from '../../src/lib/built-server.js';
import { createCondition } from './condition.js';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
// Absolute, so the process may run in any working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'ipnhub.js');
const BUNDLE = join(BUILT_SERVER_DIR, 'main.js');

export interface CliProcessOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run bin/ipnhub.js (the bundle), and fail when it is not current, instead of the fastest current form. */
  build?: boolean;
  /** Close the reading end of its standard output at once, as `ipnhub … | head` does in time. */
  closeStdout?: boolean;
}

/** Fails unless dist/server/ holds a bundle of the sources as they are now. */
export function assertBuildCurrent(): void {
  const state = builtServerState();
  if (state === 'missing')
    throw new Error(`${BUNDLE} is missing: run \`npm run build\` (npm ci does it)`);
  if (state === 'stale') throw new Error(`${BUNDLE} is older than src/: run \`npm run build\``);
}

export interface CliProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function spawnCli(
  args: readonly string[],
  options: CliProcessOptions,
): ChildProcessByStdio<null, Readable, Readable> {
  if (options.build) assertBuildCurrent();
  const built = options.build === true || builtServerState() === 'current';
  const command = built ? [BIN, ...args] : ['--import', TSX, ENTRY, ...args];
  const child = spawn(process.execPath, command, {
    cwd: options.cwd,
    // Only what is given: the test runner's own IPNHUB_* variables must not leak in.
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Before the process can have written anything: its first write finds no reader.
  if (options.closeStdout) child.stdout.destroy();
  return child;
}

export interface CliProcess {
  pid: number | undefined;
  /** What it printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once its output so far satisfies `ready`; rejects if the process ends first. */
  waitForOutput(ready: (stdout: string) => boolean): Promise<void>;
  /** Sends SIGTERM and resolves with how it ended (SIGKILL after `exitWithinMs`, and the promise rejects). */
  stop(exitWithinMs?: number): Promise<CliProcessResult>;
  /** Ends it at once (for cleanup after a failed test). */
  kill(): void;
}

export function startCliProcess(args: readonly string[], options: CliProcessOptions): CliProcess {
  const child = spawnCli(args, options);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const changed = createCondition();
  let ended: CliProcessResult | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    changed.notify();
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString();
  const exited = new Promise<CliProcessResult>((resolve) => {
    child.on('close', (code, signal) => {
      ended = { code, signal, stdout: text(stdout), stderr: text(stderr) };
      changed.notify();
      resolve(ended);
    });
  });
  return {
    pid: child.pid,
    stdout: () => text(stdout),
    stderr: () => text(stderr),
    async waitForOutput(ready) {
      await changed.until(() => {
        if (ready(text(stdout))) return true;
        if (ended)
          throw new Error(
            `ipnhub ${args.join(' ')} ended (code ${ended.code}) before the output expected; stdout: ${ended.stdout}; stderr: ${ended.stderr}`,
          );
        return false;
      });
    },
    async stop(exitWithinMs = 60_000) {
      if (!ended) child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(
            new Error(
              `ipnhub ${args.join(' ')} did not exit within ${exitWithinMs} ms of SIGTERM; stderr: ${text(stderr)}`,
            ),
          );
        }, exitWithinMs);
      });
      try {
        return await Promise.race([exited, late]);
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      if (!ended) child.kill('SIGKILL');
    },
  };
}

export function runCliProcess(
  args: readonly string[],
  options: CliProcessOptions & { exitWithinMs?: number },
): Promise<CliProcessResult> {
  const child = spawnCli(args, options);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const limit = options.exitWithinMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `ipnhub ${args.join(' ')} did not exit within ${limit} ms; stdout: ${Buffer.concat(stdout).toString()}; stderr: ${Buffer.concat(stderr).toString()}`,
        ),
      );
    }, limit);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
  });
}
