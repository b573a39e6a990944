/**
 * What the benchmark parent and a scenario child (`bench/server.ts`) say to each other: the
 * child's options (one JSON argument) and the JSON of its `READY`, `STATS`, `DELIVERED`,
 * `MEMORY` and `DONE` lines. Both sides parse with these schemas, so a changed field fails loudly.
 */
import * as z from 'zod';

/**
 * `ipnhub-sqlite-invoicing` is `ipnhub-sqlite` with a seller profile that has invoicing on
 * attached to the source before the ingest phase, so every payment's commit also queues a
 * document job. `ipnhub-postgres-2x2` is `ipnhub-postgres` with two server processes on one port
 * and, for the delivery phase, two worker processes (bench/cluster-2x2.ts).
 */
export const SCENARIOS = [
  'baseline',
  'ipnhub-sqlite',
  'ipnhub-sqlite-invoicing',
  'ipnhub-postgres',
  'ipnhub-postgres-2x2',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const serverOptionsSchema = z.object({
  scenario: z.enum(SCENARIOS),
  passphrase: z.string().min(1),
  /** PostgreSQL database URL, for `ipnhub-postgres` only. */
  databaseUrl: z.string().optional(),
  workerConcurrency: z.number().int().min(1).default(16),
  /** Longest wait for the delivery queue to drain. */
  deliveryTimeoutMs: z.number().int().min(1000).default(90_000),
  /** `false`: SQLite writes on the main thread (comparison runs); the configuration default otherwise. */
  ingestWriterThread: z.boolean().optional(),
});
export type ServerOptions = z.infer<typeof serverOptionsSchema>;

/** `peakRssKiB`: the peak RSS once the server listens, before any load. */
/** `cpuMs`: CPU time (user + system, all threads) the process has used so far, here and in STATS. */
export const readySchema = z.object({
  scenario: z.enum(SCENARIOS),
  port: z.number().int(),
  path: z.string(),
  pid: z.number().int(),
  peakRssKiB: z.number(),
  cpuMs: z.number(),
});
export type Ready = z.infer<typeof readySchema>;

/** Rows stored so far (ipnhub scenarios; the baseline stores nothing) and the peak RSS until now. */
export const statsSchema = z.object({
  inboundRequests: z.number().int().optional(),
  events: z.number().int().optional(),
  deliveries: z.number().int().optional(),
  /** Document jobs queued by the ingest commits (none unless the source's profile has invoicing on). */
  documentJobs: z.number().int().optional(),
  peakRssKiB: z.number(),
  cpuMs: z.number(),
});
export type Stats = z.infer<typeof statsSchema>;

export const deliveredSchema = z.object({
  /** Deliveries pending when the worker started. */
  queued: z.number().int(),
  delivered: z.number().int(),
  /** Deliveries in any other status when the phase ended. */
  notDelivered: z.number().int(),
  sinkRequests: z.number().int(),
  /** False when the queue was not empty after the phase's time limit. */
  drained: z.boolean(),
  /** From `worker.start()` until the last recorded outcome. */
  seconds: z.number(),
  perSecond: z.number(),
  /** CPU time of the server process (all threads, the sink not included) per delivery made. */
  cpuMsPerDelivery: z.number(),
  /**
   * Time the main thread's event loop was busy (not waiting) per delivery made, where the worker
   * runs: JavaScript, synchronous SQLite with its fsyncs, collections. Null in the 2x2 scenario,
   * whose worker processes deliver, and when nothing was delivered.
   */
  mainThreadBusyMsPerDelivery: z.number().nullable(),
  /** The part of the phase the main thread's event loop was busy, 0–1; null as above. */
  mainThreadBusyShare: z.number().nullable(),
  /** Main-thread garbage collection per delivery made (ms); null as above. */
  gcMsPerDelivery: z.number().nullable(),
  peakRssKiB: z.number(),
});
export type Delivered = z.infer<typeof deliveredSchema>;

/**
 * The documents phase (`documents <n>`): document jobs for `n` stored payments, then the
 * worker issues, renders (the real PDF renderer) and mails them (buyer and seller) to a local
 * SMTP sink.
 */
export const documentsSchema = z.object({
  /** Stored payments given a document job. */
  queued: z.number().int(),
  issued: z.number().int(),
  rendered: z.number().int(),
  mailsSent: z.number().int(),
  /** Mails not sent when the phase ended (failed or still pending). */
  mailsNotSent: z.number().int(),
  smtpMessages: z.number().int(),
  /** Mean size of a message at the SMTP sink (PDF attached, base64). */
  smtpKiBPerMessage: z.number(),
  /** False when jobs, renders or mails were left after the phase's time limit. */
  drained: z.boolean(),
  /** From the first worker round until the last mail was recorded as sent. */
  seconds: z.number(),
  /** Documents issued, rendered and mailed per second. */
  perSecond: z.number(),
  peakRssKiB: z.number(),
});
export type DocumentsDone = z.infer<typeof documentsSchema>;

/**
 * The process's memory in MiB (`process.memoryUsage()`), and whether a full garbage collection
 * ran just before (only when the child runs with `--expose-gc`).
 */
export const memorySchema = z.object({
  collected: z.boolean(),
  rssMiB: z.number(),
  heapUsedMiB: z.number(),
  heapTotalMiB: z.number(),
  externalMiB: z.number(),
  arrayBuffersMiB: z.number(),
});
export type Memory = z.infer<typeof memorySchema>;

/** `rssSource`: `VmHWM` (Linux, this process image only) or `maxRSS` (elsewhere; includes the parent's peak). */
export const doneSchema = z.object({
  peakRssKiB: z.number(),
  rssSource: z.enum(['VmHWM', 'maxRSS']),
});
export type Done = z.infer<typeof doneSchema>;

/** CPU time one process of a scenario used until now (or until it ended), in ms. */
export const processCpuSchema = z.object({
  role: z.string(),
  pid: z.number().int(),
  cpuMs: z.number(),
});
export type ProcessCpu = z.infer<typeof processCpuSchema>;

/** `breakdown` → `BREAKDOWN`: the CPU of each process of the scenario (the 2x2 scenario's children). */
export const breakdownSchema = z.object({ processes: z.array(processCpuSchema) });
export type Breakdown = z.infer<typeof breakdownSchema>;
