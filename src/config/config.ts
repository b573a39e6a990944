/**
 * The one configuration schema. Sources, later ones winning: defaults → an optional JSON file
 * (`IPNHUB_CONFIG=/path/to/ipnhub.json`, keys as below) → `IPNHUB_*` environment variables.
 * Nothing else in ipnhub reads `process.env`. A bad value stops the process with a message
 * naming the field. `docs/configuration.md` documents every key; a test keeps the two in sync.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { IpnhubError } from '../core/errors.js';
import { DEFAULT_RETRY_POLICY } from '../core/retry-policy.js';

const csv = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : value),
  z.array(z.string()),
);
const intFrom = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const flag = (def: boolean) => z.preprocess((v) => (typeof v === 'string' ? ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase()) : v), z.boolean()).default(def);

export const configSchema = z.object({
  port: intFrom(8080, 0).pipe(z.number().max(65535)),
  host: z.string().default('127.0.0.1'),
  dataDir: z.string().default('./data'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  adminToken: z.string().min(16, 'must be at least 16 characters').optional(),
  masterKey: z.string().optional(),
  smtpUrl: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  mailFrom: z.string().default('ipnhub <ipnhub@localhost>'),
  publicBaseUrl: z.string().url().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  trustProxy: flag(false),
  bodyLimitBytes: intFrom(256 * 1024, 1024),
  inboundRateLimitPerMinute: intFrom(3000, 0),
  outboundAllowList: csv.default([]),
  outboundTimeoutMs: intFrom(15000, 100),
  retrySchedule: z.preprocess(
    (value) => (typeof value === 'string' ? value.split(',').map((s) => Number(s.trim())) : value),
    z.array(z.number().int().min(0)),
  ).default([...DEFAULT_RETRY_POLICY.schedule]),
  retryJitter: z.coerce.number().min(0).max(1).default(DEFAULT_RETRY_POLICY.jitter),
  workerConcurrency: intFrom(8, 1),
  workerPollMs: intFrom(1000, 10),
  leaseSeconds: intFrom(120, 5),
  errorMailThrottleMinutes: intFrom(60, 0),
  failingAlertAfterAttempts: intFrom(4, 1),
  pgPoolSize: intFrom(10, 1),
  ingestWriterThread: flag(true),
  // HTTP server: slow clients, failed authentications, who may read /metrics.
  requestTimeoutMs: intFrom(30_000, 100),
  headersTimeoutMs: intFrom(10_000, 100),
  keepAliveTimeoutMs: intFrom(72_000, 100),
  adminAuthFailuresPerMinute: intFrom(20, 0),
  metricsToken: z.string().min(16, 'must be at least 16 characters').optional(),
});

export type Config = z.infer<typeof configSchema>;

/** Environment variable for each key: `dataDir` → `IPNHUB_DATA_DIR`. */
export function envName(key: string): string {
  return `IPNHUB_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
}

export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof Config)[];

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const fromFile: Record<string, unknown> = {};
  const file = env.IPNHUB_CONFIG;
  if (file) {
    try {
      Object.assign(fromFile, JSON.parse(readFileSync(resolve(file), 'utf8')) as Record<string, unknown>);
    } catch (err) {
      throw new IpnhubError('CONFIG_INVALID', `IPNHUB_CONFIG: cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  // DATABASE_URL is honoured as well, as most hosting platforms set it.
  if (fromEnv.databaseUrl === undefined && env.DATABASE_URL) fromEnv.databaseUrl = env.DATABASE_URL;
  const merged = { ...fromFile, ...fromEnv, ...stripUndefined(overrides) };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.join('.') ?? '?';
    const name = CONFIG_KEYS.includes(field as keyof Config) ? `${field} (${envName(field)})` : field;
    throw new IpnhubError('CONFIG_INVALID', `${name}: ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function stripUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
}
