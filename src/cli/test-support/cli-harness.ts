/**
 * Runs the CLI in-process the way a user would, with captured output and an isolated data
 * directory, and a tiny HTTP target for connection and worker tests.
 *
 * The data directory holds a migrated database before the first command runs, as after a
 * user's first `ipnhub serve` (one-shot commands refuse to create one); pass
 * `{ database: 'none' }` to start from an empty directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCondition } from '../../../test/helpers/condition.js';
import type { Condition } from '../../../test/helpers/condition.js';
import { main } from '../program.js';
import type { CliIo } from '../cli-io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliEnv {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** Runs `ipnhub <argv>` to completion; `answer` is what a person types when asked a question (none: nobody can answer). */
  run(argv: string[], extraEnv?: NodeJS.ProcessEnv, answer?: string): Promise<CliRun>;
  /**
   * Starts a long-running command (`serve`, `worker`); `stop()` triggers its graceful
   * shutdown and resolves with its result. `output()` is what it printed so far.
   */
  start(argv: string[], extraEnv?: NodeJS.ProcessEnv): RunningCli;
  dispose(): void;
}

export interface RunningCli {
  output(): string;
  stop(): Promise<CliRun>;
  /**
   * Resolves with the first stdout text matching `pattern`; rejects when the command ends
   * without printing it. No deadline of its own: the test's timeout bounds the wait.
   */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
}

export interface CliEnvOptions {
  /** `migrated` (default): create the database first, as `ipnhub migrate` would; `none`: leave the data directory empty. */
  database?: 'migrated' | 'none';
}

export function createCliEnv(base: NodeJS.ProcessEnv = {}, options: CliEnvOptions = {}): CliEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'ipnhub-cli-'));
  const env: NodeJS.ProcessEnv = { IPNHUB_DATA_DIR: dataDir, IPNHUB_LOG_LEVEL: 'silent', ...base };
  const prepared = options.database === 'none' ? Promise.resolve() : migrate(env);
  // Reported by the first command that awaits it; a test that runs none must not crash the run.
  prepared.catch(() => undefined);

  function capture(
    extraEnv: NodeJS.ProcessEnv,
    shutdownSignal?: Promise<void>,
  ): { io: CliIo; out: string[]; err: string[]; printed: Condition } {
    const out: string[] = [];
    const err: string[] = [];
    const printed = createCondition();
    const io: CliIo = {
      stdout: (s) => {
        out.push(s);
        printed.notify();
      },
      stderr: (s) => err.push(s),
      env: { ...env, ...extraEnv },
      shutdownSignal,
    };
    return { io, out, err, printed };
  }

  return {
    env,
    dataDir,
    async run(argv, extraEnv = {}, answer) {
      await prepared;
      const { io, out, err } = capture(extraEnv);
      if (answer !== undefined)
        io.ask = async (question) => {
          err.push(question);
          return answer;
        };
      const code = await main(argv, io);
      return { code, stdout: out.join(''), stderr: err.join('') };
    },
    start(argv, extraEnv = {}) {
      let requestStop: () => void = () => undefined;
      const signal = new Promise<void>((resolve) => (requestStop = resolve));
      const { io, out, err, printed } = capture(extraEnv, signal);
      let finished = false;
      const done = prepared
        .then(() => main(argv, io))
        .finally(() => {
          finished = true;
          printed.notify();
        });
      return {
        output: () => out.join(''),
        async stop() {
          requestStop();
          const code = await done;
          return { code, stdout: out.join(''), stderr: err.join('') };
        },
        waitFor(pattern) {
          return printed.until(() => {
            const match = pattern.exec(out.join(''));
            if (!match && finished)
              throw new Error(`command ended before printing ${pattern}; stderr: ${err.join('')}`);
            return match;
          });
        },
      };
    },
    dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function migrate(env: NodeJS.ProcessEnv): Promise<void> {
  const out: string[] = [];
  const code = await main(['migrate'], {
    stdout: (s) => out.push(s),
    stderr: (s) => out.push(s),
    env,
  });
  if (code !== 0)
    throw new Error(
      `test setup: ipnhub migrate failed (pass { database: 'none' } to start without a database): ${out.join('')}`,
    );
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpTarget {
  url: string;
  requests: ReceivedRequest[];
  /** Status code for the following requests (default 200). */
  status: number;
  /** Resolves once `n` requests have arrived (no deadline of its own: the test's timeout bounds it). */
  waitForRequests(n: number): Promise<void>;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 that records requests and answers with `status`. */
export async function startHttpTarget(): Promise<HttpTarget> {
  const requests: ReceivedRequest[] = [];
  const arrived = createCondition();
  const target: HttpTarget = {
    url: '',
    requests,
    status: 200,
    async waitForRequests(n) {
      await arrived.until(() => requests.length >= n);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      arrived.notify();
      res
        .writeHead(target.status, { 'content-type': 'text/plain' })
        .end(target.status < 300 ? 'thanks' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return target;
}
