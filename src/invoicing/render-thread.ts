/**
 * The renderer the runtime uses unless one is passed in: documents are rendered and their
 * e-invoices embedded in a worker thread, one request at a time. The thread is started by the
 * first request and ended once no request came for `idleMs`, so React, react-pdf, the parsed
 * fonts and the e-invoice library (together ~100 MB while they work; docs/benchmarks.md) are
 * held only while documents are being made, never by a server that is only taking in
 * notifications, and the thread's heap is bounded (`resourceLimits`) so a document that needs
 * more fails on its own instead of growing the process. A failure of any kind — the renderer
 * throws, the thread runs out of memory or dies — rejects that request, as the in-process
 * renderer would, so the worker keeps the document's number and tries again; the next request
 * starts a new thread. The thread runs the same code as an in-process render, so a document
 * gives the same bytes either way.
 */
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { IpnhubError } from '../core/errors.js';
import type { ErrorCode } from '../core/errors.js';
import { ERROR_CATALOGUE } from '../core/errors.js';
import type { Logger } from '../lib/logger.js';
import { startModuleThread } from '../lib/module-thread.js';
import type { DocumentRenderer, EInvoiceEmbedder } from './document-jobs.js';
import type { RenderFailure, RenderReply, RenderRequest } from './render-protocol.js';

/** How long the thread stays after its last request. */
export const RENDER_THREAD_IDLE_MS = 30_000;

/**
 * Measured (docs/benchmarks.md, "Renderer memory"): rendering alone, also a 200-line document,
 * works within 64 MB of old space; embedding the e-invoice of a 200-line document fails at 64
 * and 80 MB and works at 96 MB (the e-invoice library compiles a large JSON schema per call), so
 * 128 MB leaves room. The young space matters more for the thread's size than the old space's
 * limit: 42 documents peak at ~157 MB of process RSS with 8 MB, ~150 MB with 4 MB and ~139 MB
 * with 2 MB (more scavenges).
 */
export const RENDER_THREAD_LIMITS: ResourceLimits = {
  maxOldGenerationSizeMb: 128,
  maxYoungGenerationSizeMb: 4,
};

export interface RenderThreadOptions {
  logger: Logger;
  idleMs?: number;
  resourceLimits?: ResourceLimits;
}

export interface RenderThread {
  render: DocumentRenderer;
  embedEInvoice: EInvoiceEmbedder;
  /** Whether a thread is running now. */
  running(): boolean;
  /** Ends the thread; requests made before and not answered yet are rejected. A later request starts a new thread. */
  close(): Promise<void>;
}

type Job = RenderRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never;

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/** The thread's error as the caller would have got it in-process: an IpnhubError keeps its code, detail and fields. */
function rebuilt(error: RenderFailure): Error {
  if (error.code !== null && isErrorCode(error.code)) {
    return new IpnhubError(
      error.code,
      error.detail ?? undefined,
      error.fields === null ? undefined : { fields: error.fields },
    );
  }
  return new Error(error.message);
}

export function createRenderThread(options: RenderThreadOptions): RenderThread {
  const idleMs = options.idleMs ?? RENDER_THREAD_IDLE_MS;
  let thread: Worker | null = null;
  let idle: NodeJS.Timeout | null = null;
  let nextId = 1;
  // Counts close() calls: a request made before a close is not started after it.
  let closes = 0;
  // Requests run one after the other: each waits for the one before it to end.
  let queue: Promise<unknown> = Promise.resolve();
  let current: {
    id: number;
    on: Worker;
    resolve: (pdf: Uint8Array) => void;
    reject: (err: Error) => void;
  } | null = null;

  /** Rejects the request in flight, when it runs on `on` (a thread ended for idling may report its exit after the next one started). */
  function fail(on: Worker | null, err: Error): void {
    if (current === null || (on !== null && current.on !== on)) return;
    const job = current;
    current = null;
    job.reject(err);
  }

  function spawn(): Worker {
    const started = startModuleThread(import.meta.url, 'render-thread-entry', {
      resourceLimits: options.resourceLimits ?? RENDER_THREAD_LIMITS,
      data: {},
    });
    started.on('message', (reply: RenderReply) => {
      if (current === null || current.id !== reply.id) return;
      const job = current;
      current = null;
      if (reply.ok) job.resolve(reply.pdf);
      else job.reject(rebuilt(reply.error));
    });
    started.on('error', (err) => {
      options.logger.error({ err }, 'render thread failed; the document is rendered again later');
      fail(started, new Error(`the render thread failed: ${err.message}`, { cause: err }));
    });
    started.on('exit', (code) => {
      if (thread === started) thread = null;
      fail(started, new Error(`the render thread stopped (exit code ${code})`));
    });
    return started;
  }

  function stopWhenIdle(): void {
    if (idle !== null) clearTimeout(idle);
    idle = setTimeout(() => {
      idle = null;
      const ending = thread;
      thread = null;
      void ending?.terminate();
    }, idleMs);
    idle.unref();
  }

  function run(job: Job): Promise<Uint8Array> {
    const madeAt = closes;
    const result = queue.then(
      () =>
        new Promise<Uint8Array>((resolve, reject) => {
          if (madeAt !== closes) return reject(new Error('the render thread was closed'));
          if (idle !== null) clearTimeout(idle);
          idle = null;
          thread ??= spawn();
          const on = thread;
          const id = nextId++;
          current = { id, on, resolve, reject };
          on.postMessage({ ...job, id } satisfies RenderRequest);
        }),
    );
    queue = result.then(stopWhenIdle, stopWhenIdle);
    return result;
  }

  return {
    render: (snapshot) => run({ op: 'render', snapshot }),
    embedEInvoice: (pdf, snapshot) => run({ op: 'embed', pdf, snapshot }),
    running: () => thread !== null,
    async close() {
      closes += 1;
      if (idle !== null) clearTimeout(idle);
      idle = null;
      const ending = thread;
      thread = null;
      fail(null, new Error('the render thread was closed'));
      await ending?.terminate();
    },
  };
}
