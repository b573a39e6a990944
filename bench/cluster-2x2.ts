/**
 * The `ipnhub-postgres-2x2` scenario's processes: two server processes on one port (node:cluster,
 * as `ipnhub serve --processes 2 --no-worker` runs them) and, for the delivery phase, two worker
 * processes (as `ipnhub worker` runs), all on one PostgreSQL database.
 *
 * The scenario child (bench/server.ts) is the cluster's primary: it sets the database up (source,
 * connection to its local sink), forks the two servers, answers the parent's commands and, for
 * `deliver`, forks the two workers and waits until nothing is pending. Its children report their
 * CPU time when asked, so the parent can show where the time goes per process.
 */
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import * as z from 'zod';
import type { Runtime } from '../src/runtime.js';
import type { ProcessCpu, ServerOptions } from './protocol.js';

type Role = 'serve' | 'worker';

const childMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), port: z.number().int() }),
  z.object({ type: z.literal('cpu'), cpuMs: z.number() }),
  z.object({ type: z.literal('started') }),
]);
type ChildMessage = z.infer<typeof childMessageSchema>;

export interface ClusterSettings {
  options: ServerOptions;
  dataDir: string;
  masterKey: string;
}

/** The runtime every process of the scenario opens: the same settings, like one deployment's. */
export async function openRuntime(settings: ClusterSettings, smtpUrl?: string): Promise<Runtime> {
  const [{ loadConfig }, { createLogger }, { createRuntime }] = await Promise.all([
    import('../src/config/config.js'),
    import('../src/lib/logger.js'),
    import('../src/runtime.js'),
  ]);
  const config = loadConfig(
    {},
    {
      dataDir: settings.dataDir,
      databaseUrl: settings.options.databaseUrl,
      masterKey: settings.masterKey,
      logLevel: 'warn',
      inboundRateLimitPerMinute: 0,
      outboundAllowList: ['127.0.0.1'],
      workerConcurrency: settings.options.workerConcurrency,
      smtpUrl,
    },
  );
  return createRuntime(config, {
    logger: createLogger('warn', process.stderr),
    skipAdminToken: true,
  });
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** In a forked child: opens the runtime, listens (server) or waits for `start` (worker), answers `cpu`, ends on `stop`. */
export async function runClusterChild(): Promise<void> {
  const role = process.env.BENCH_ROLE as Role;
  const settings = JSON.parse(process.env.BENCH_CLUSTER ?? '{}') as ClusterSettings;
  const { tuneHeapForServer } = await import('../src/lib/heap-tuning.js');
  tuneHeapForServer();
  const runtime = await openRuntime(settings);
  const reply = (message: ChildMessage): void => {
    process.send?.(message);
  };
  let close = async (): Promise<void> => {
    await runtime.worker.stop();
    await runtime.close();
  };
  if (role === 'serve') {
    const app = await runtime.buildApp();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    reply({ type: 'ready', port: typeof address === 'object' && address ? address.port : 0 });
    const closeRuntime = close;
    close = async () => {
      await app.close();
      await closeRuntime();
    };
  } else reply({ type: 'ready', port: 0 });
  process.on('message', (message: unknown) => {
    if (message === 'cpu') reply({ type: 'cpu', cpuMs: cpuMs() });
    else if (message === 'start')
      void runtime.worker.start().then(() => reply({ type: 'started' }));
    else if (message === 'stop')
      void close().then(() => {
        reply({ type: 'cpu', cpuMs: cpuMs() });
        cluster.worker?.disconnect();
      });
  });
}

interface Child {
  role: Role;
  worker: Worker;
  /** CPU at its last report (its final one once it has stopped). */
  cpuMs: number;
}

function next(child: Child, type: ChildMessage['type']): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const onMessage = (raw: unknown): void => {
      const message = childMessageSchema.parse(raw);
      if (message.type !== type) return;
      child.worker.off('message', onMessage);
      child.worker.off('exit', onExit);
      resolve(message);
    };
    const onExit = (code: number): void => {
      child.worker.off('message', onMessage);
      reject(new Error(`${child.role} process ended with code ${code} before answering ${type}`));
    };
    child.worker.on('message', onMessage);
    child.worker.once('exit', onExit);
  });
}

export interface Cluster2x2 {
  settings: ClusterSettings;
  /** The servers' shared port. */
  port: number;
  /** Starts the two worker processes and resolves once both have started their workers. */
  startWorkers(): Promise<void>;
  /** Stops the worker processes (their last CPU figures are kept). */
  stopWorkers(): Promise<void>;
  /** CPU time of every child so far, asking the running ones. */
  cpu(): Promise<ProcessCpu[]>;
  close(): Promise<void>;
}

async function fork(role: Role, settings: ClusterSettings): Promise<Child & { port: number }> {
  const worker = cluster.fork({ BENCH_ROLE: role, BENCH_CLUSTER: JSON.stringify(settings) });
  const child: Child = { role, worker, cpuMs: 0 };
  const ready = await next(child, 'ready');
  return { ...child, port: ready.type === 'ready' ? ready.port : 0 };
}

/** Forks the two server processes (one after the other: the first applies migrations). */
export async function startCluster2x2(settings: ClusterSettings): Promise<Cluster2x2> {
  const children: Child[] = [];
  const first = await fork('serve', settings);
  children.push(first);
  children.push(await fork('serve', settings));
  const running = (c: Child): boolean => !c.worker.isDead() && c.worker.isConnected();
  const stop = async (list: Child[]): Promise<void> => {
    await Promise.all(
      list.filter(running).map(async (child) => {
        const exited = new Promise<void>((resolve) => child.worker.once('exit', () => resolve()));
        const last = next(child, 'cpu').catch(() => null);
        child.worker.send('stop');
        const message = await last;
        if (message?.type === 'cpu') child.cpuMs = message.cpuMs;
        await exited;
      }),
    );
  };
  return {
    settings,
    port: first.port,
    async startWorkers() {
      const workers = [await fork('worker', settings), await fork('worker', settings)];
      children.push(...workers);
      await Promise.all(
        workers.map((w) => {
          const started = next(w, 'started');
          w.worker.send('start');
          return started;
        }),
      );
    },
    stopWorkers: () => stop(children.filter((c) => c.role === 'worker')),
    async cpu() {
      await Promise.all(
        children.filter(running).map(async (child) => {
          const answer = next(child, 'cpu');
          child.worker.send('cpu');
          const message = await answer;
          if (message.type === 'cpu') child.cpuMs = message.cpuMs;
        }),
      );
      return children.map((c) => ({
        role: c.role,
        pid: c.worker.process.pid ?? 0,
        cpuMs: c.cpuMs,
      }));
    },
    close: () => stop(children),
  };
}
