/**
 * Runs `ipnhub` as a real process (from source, through tsx), for tests of what only a real
 * process shows: that it exits at all, its exit code, and what it printed. The wait is bounded:
 * a process still running after `exitWithinMs` is killed and the test fails saying so (a hang,
 * not a slow machine, is what that catches; the bound is generous).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
// Absolute, so the process may run in any working directory.
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCliProcess(args: readonly string[], options: { env: NodeJS.ProcessEnv; cwd?: string; exitWithinMs?: number }): Promise<CliProcessResult> {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY, ...args], {
    cwd: options.cwd,
    // Only what is given: the test runner's own IPNHUB_* variables must not leak in.
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const limit = options.exitWithinMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ipnhub ${args.join(' ')} did not exit within ${limit} ms; stdout: ${Buffer.concat(stdout).toString()}; stderr: ${Buffer.concat(stderr).toString()}`));
    }, limit);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
  });
}
