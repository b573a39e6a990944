/**
 * The parent's handle on one scenario process (`bench/server.ts`): spawns it, waits for its
 * `READY` line, sends commands on stdin and reads the `<TAG> {json}` answers from stdout. The
 * child's stderr (its warn-level logs) passes through to ours.
 *
 * The servers run as compiled JavaScript on plain node, as `ipnhub serve` does in production:
 * under tsx the same process holds ~55 MB more (the loader and its transform cache), which
 * would be charged to ipnhub's RSS. {@link buildServer} bundles `bench/server.ts` and the
 * sources it imports as the shipped build is bundled, into the OS temp dir, so the repository
 * stays untouched.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod';
import { withServerEnvironment } from '../src/lib/server-environment.js';
import { bundleServer } from '../scripts/server-bundle.js';
import { readySchema } from './protocol.js';
import type { Ready, ServerOptions } from './protocol.js';

const SERVER_SOURCE = fileURLToPath(new URL('./server.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** How to start the server: compiled JavaScript on plain node, or the TypeScript source under tsx. */
export type ServerEntry = { kind: 'compiled'; script: string } | { kind: 'tsx'; script: string };

export function tsxEntry(): ServerEntry {
  return { kind: 'tsx', script: SERVER_SOURCE };
}

export async function buildServer(): Promise<ServerEntry> {
  return { kind: 'compiled', script: await compileForBench(SERVER_SOURCE, 'build') };
}

/**
 * Bundles `source` (a file under `bench/`) as `npm run build` bundles the CLI
 * (scripts/server-bundle.ts), with the thread entries and the delivery sink's own process
 * (bench/sink-process.ts) beside it, into `<tmp>/ipnhub-bench/build-<checkout>/<name>/dist/server`;
 * answers the bundled script's path. A `node_modules` link above it lets the bundle load the
 * packages it leaves outside, and a package.json in `<name>` makes the files ES modules and is
 * where the server looks for its version (src/lib/package-root.ts).
 */
export async function compileForBench(source: string, name: string): Promise<string> {
  // One directory per checkout: two checkouts (git worktrees) on one machine must neither
  // overwrite each other's build nor resolve packages from each other's node_modules.
  const checkout = createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 12);
  const root = join(tmpdir(), 'ipnhub-bench', `build-${checkout}`);
  const packageDir = join(root, name);
  rmSync(packageDir, { recursive: true, force: true });
  mkdirSync(packageDir, { recursive: true });
  const link = join(root, 'node_modules');
  if (!existsSync(link)) symlinkSync(join(REPO_ROOT, 'node_modules'), link, 'dir');
  writeFileSync(join(packageDir, 'package.json'), '{ "type": "module" }\n');
  const outDir = join(packageDir, 'dist', 'server');
  const entry = basename(source).replace(/\.ts$/, '');
  await bundleServer(
    REPO_ROOT,
    { [entry]: source, 'sink-process': join(REPO_ROOT, 'bench', 'sink-process.ts') },
    outDir,
  );
  return join(outDir, `${entry}.js`);
}

export interface ChildOptions {
  /** Extra node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`. */
  nodeFlags?: readonly string[];
  /** How long to wait for any one answer. */
  timeoutMs?: number;
}

export interface ScenarioChild {
  ready: Ready;
  /** Sends `command` and resolves with the JSON of the next line tagged `tag`, parsed by `schema`. */
  ask<T>(command: string, tag: string, schema: z.ZodType<T>): Promise<T>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Ends the process (by its pid) if it is still running. */
  kill(): void;
}

interface Line {
  tag: string;
  json: string;
}

export async function startScenarioChild(
  entry: ServerEntry,
  options: ServerOptions,
  childOptions: ChildOptions = {},
): Promise<ScenarioChild> {
  const timeoutMs = childOptions.timeoutMs ?? 180_000;
  const loader = entry.kind === 'tsx' ? ['--import', 'tsx'] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...(childOptions.nodeFlags ?? []), ...loader, entry.script, JSON.stringify(options)],
    {
      cwd: REPO_ROOT,
      // An ipnhub scenario runs with the environment every start path of `ipnhub serve` sets
      // (src/lib/server-environment.ts); the baseline is bare node.
      env: options.scenario === 'baseline' ? process.env : withServerEnvironment(process.env),
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const waiting: Array<{
    tag: string;
    resolve: (line: Line) => void;
    reject: (err: Error) => void;
  }> = [];
  const stdout = child.stdout;
  const stdin = child.stdin;
  if (stdout === null || stdin === null) throw new Error('the scenario child has no stdio pipes');

  createInterface({ input: stdout }).on('line', (text) => {
    const match = /^([A-Z]+) (.*)$/.exec(text);
    if (!match) return;
    const line = { tag: match[1] ?? '', json: match[2] ?? '' };
    if (line.tag === 'ERROR') {
      for (const w of waiting.splice(0)) w.reject(new Error(`${options.scenario}: ${line.json}`));
      return;
    }
    const index = waiting.findIndex((w) => w.tag === line.tag);
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(line);
  });
  void exited.then((code) => {
    for (const w of waiting.splice(0))
      w.reject(
        new Error(
          `${options.scenario}: the process exited (code ${code}) before answering ${w.tag}`,
        ),
      );
  });

  function next(tag: string): Promise<Line> {
    return new Promise<Line>((resolve, reject) => {
      const waiter = {
        tag,
        resolve: (line: Line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const index = waiting.indexOf(waiter);
        if (index >= 0) waiting.splice(index, 1);
        reject(new Error(`${options.scenario}: no ${tag} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.push(waiter);
    });
  }

  function kill(): void {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  try {
    const readyLine = await next('READY');
    const ready = readySchema.parse(JSON.parse(readyLine.json));
    return {
      ready,
      exited,
      kill,
      async ask(command, tag, schema) {
        const answer = next(tag);
        stdin.write(`${command}\n`);
        return schema.parse(JSON.parse((await answer).json));
      },
    };
  } catch (err) {
    kill();
    throw err;
  }
}
