/**
 * The delivery target of the benchmarks: a plain node:http server that reads each request and
 * answers 204, counting them; in the calling process (`startSink`) or in a process of its own
 * (`startSinkProcess`, bench/sink-process.ts).
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { isRecord } from '../src/lib/is-record.js';

export interface Sink {
  url: string;
  requests(): number;
  close(): Promise<void>;
}

/** Starts a target on 127.0.0.1 (a free port). */
export async function startSink(): Promise<Sink> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the sink has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A sink in another process: its count is asked for over IPC. */
export interface RemoteSink {
  url: string;
  requests(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts bench/sink-process.ts as a child process (compiled beside this file, or from source
 * under tsx when this file runs as TypeScript) and answers once it listens.
 */
export async function startSinkProcess(): Promise<RemoteSink> {
  const fromSource = import.meta.url.endsWith('.ts');
  const script = new URL(`./sink-process.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  // Not the server's own flags (a CPU profile, --expose-gc): the sink is not what is measured.
  const child = fork(script, [], { execArgv: fromSource ? ['--import', 'tsx'] : [] });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`the sink process ended (exit code ${code})`));
      child.once('exit', onExit);
      child.once('message', (message: unknown) => {
        child.off('exit', onExit);
        resolve(isRecord(message) ? message : {});
      });
    });
  const ready = await next();
  if (typeof ready.url !== 'string') throw new Error('the sink process sent no URL');
  return {
    url: ready.url,
    async requests() {
      const answer = next();
      child.send('count');
      const { requests } = await answer;
      return typeof requests === 'number' ? requests : 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send('close');
      }),
  };
}
