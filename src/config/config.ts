/**
 * The one configuration schema. Sources, later ones winning: defaults → the settings file
 * (`IPNHUB_CONFIG`, or else `ipnhub.json` in the data directory; see settings-file.ts) →
 * `IPNHUB_*` environment variables. Nothing else in ipnhub reads `process.env`.
 *
 * Settings are strict: an unknown key in the file or a value that does not parse stops the
 * process with `CONFIG_INVALID`, naming where the value came from, what was expected and, for
 * a misspelt name, the closest valid one. An unknown `IPNHUB_*` variable is only a warning (the
 * environment holds other programs' variables too, and may be shared between versions).
 * `docs/configuration.md` documents every key; a test keeps the two in sync.
 */
import * as z from 'zod';
import { IpnhubError } from '../core/errors.js';
import { DEFAULT_RETRY_POLICY } from '../core/retry-policy.js';
import { didYouMean } from '../lib/closest-name.js';
import { DEFAULT_SMTP_MAX_CONNECTIONS } from '../lib/mailer.js';
import { parseMasterKey } from '../secrets/master-key-format.js';
import { isValidAllowEntry } from '../lib/ssrf-guard.js';
import { readSecretFile } from './secret-files.js';
import { readSettingsFile, SETTINGS_FILE_NAME, settingsFileIn } from './settings-file.js';
import type { SettingsFile } from './settings-file.js';

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const FLAG_WORDS: Readonly<Record<string, boolean>> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

/** Text (from the environment or the file) that is exactly a number becomes one; anything else stays and fails the number check. */
const numeric =
  (pattern: RegExp) =>
  (value: unknown): unknown =>
    typeof value === 'string' && pattern.test(value.trim()) ? Number(value.trim()) : value;
const integer = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(numeric(INTEGER), z.number().int().min(min).max(max));
const flag = z.preprocess(
  (value) =>
    typeof value === 'string' ? (FLAG_WORDS[value.trim().toLowerCase()] ?? value) : value,
  z.boolean(),
);
const commaList = (value: unknown): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : value;
const text = z.string().trim().min(1);

const allowList = z.preprocess(
  commaList,
  z.array(z.string()).superRefine((entries, ctx) => {
    const bad = entries.filter((entry) => !isValidAllowEntry(entry));
    if (bad.length > 0)
      ctx.addIssue({
        code: 'custom',
        message: `${bad.map((e) => `"${e}"`).join(', ')}: not a CIDR, IP address or host name`,
      });
  }),
);

/**
 * The public address, normalised so that `<publicBaseUrl>/ipn/<id>` is right whatever the
 * operator typed: lower-case host, default port dropped, trailing slashes removed
 * (`https://ipn.example.com/hub/` would otherwise print `…/hub//ipn/…`, which answers 404).
 */
const publicBaseUrl = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  const url = URL.canParse(trimmed) ? new URL(trimmed) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    ctx.addIssue({ code: 'custom', message: 'not an https:// URL' });
    return z.NEVER;
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      message: 'must not contain a query (?…), a fragment (#…) or credentials',
    });
    return z.NEVER;
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
});

export const configSchema = z
  .object({
    port: integer(0, 65535).default(8080),
    host: text.default('127.0.0.1'),
    dataDir: text.default('./data'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/./)
      .refine((v) => URL.canParse(v))
      .optional(),
    adminToken: z.string().min(16).optional(),
    masterKey: z
      .string()
      .refine((value) => parseMasterKey(value) !== undefined)
      .optional(),
    smtpUrl: z
      .string()
      .regex(/^smtps?:\/\/./)
      .refine((v) => URL.canParse(v))
      .optional(),
    mailFrom: text.default('ipnhub <ipnhub@localhost>'),
    operatorEmail: z.string().trim().pipe(z.email()).optional(),
    smtpMaxConnections: integer(1, 50).default(DEFAULT_SMTP_MAX_CONNECTIONS),
    publicBaseUrl: publicBaseUrl.optional(),
    logLevel: z.enum(LOG_LEVELS).default('info'),
    logFormat: z.enum(LOG_FORMATS).default('json'),
    trustProxy: flag.default(false),
    bodyLimitBytes: integer(1024).default(256 * 1024),
    inboundRateLimitPerMinute: integer(0).default(3000),
    outboundAllowList: allowList.default([]),
    outboundTimeoutMs: integer(100).default(15000),
    retrySchedule: z
      .preprocess(
        (value) => {
          const list = commaList(value);
          return Array.isArray(list) ? list.map(numeric(INTEGER)) : list;
        },
        z.array(z.number().int().min(0)),
      )
      .default([...DEFAULT_RETRY_POLICY.schedule]),
    retryJitter: z
      .preprocess(numeric(DECIMAL), z.number().min(0).max(1))
      .default(DEFAULT_RETRY_POLICY.jitter),
    workerConcurrency: integer(1).default(8),
    workerPollMs: integer(10).default(1000),
    leaseSeconds: integer(5).default(120),
    backfillPerSecond: integer(1, 10_000).default(20),
    errorMailThrottleMinutes: integer(0).default(60),
    failingAlertAfterAttempts: integer(1).default(4),
    autoDisableAfterDays: integer(0, 365).default(5),
    pgPoolSize: integer(1).default(10),
    ingestWriterThread: flag.default(true),
    // HTTP server: slow clients, failed authentications, who may read /metrics.
    requestTimeoutMs: integer(100).default(30_000),
    headersTimeoutMs: integer(100).default(10_000),
    keepAliveTimeoutMs: integer(100).default(72_000),
    adminAuthFailuresPerMinute: integer(0).default(20),
    metricsToken: z.string().min(16).optional(),
    // Sign-in sessions of the web UI (secrets/admin-sessions.ts).
    sessionIdleMinutes: integer(1, 60 * 24 * 30).default(12 * 60),
    sessionMaxDays: integer(1, 365).default(7),
    // Retention (src/retention/prune.ts, docs/retention.md): days, 0 keeps forever.
    rawBodyRetentionDays: integer(0, 36_500).default(90),
    attemptBodyRetentionDays: integer(0, 36_500).default(30),
    rejectedRequestRetentionDays: integer(0, 36_500).default(30),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
type Key = keyof Config;

/** What a valid value looks like, for error messages (and a compile-time check that every key has one). */
const EXPECTED: Readonly<Record<Key, string>> = {
  port: 'a port number from 0 to 65535',
  host: 'an address to listen on, e.g. 127.0.0.1 or 0.0.0.0',
  dataDir: 'a directory path',
  databaseUrl: 'a postgres:// URL, e.g. postgres://user:password@host:5432/ipnhub',
  adminToken: 'a token of at least 16 characters',
  masterKey: '32 bytes as base64 or as 64 hex characters',
  smtpUrl: 'an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587',
  mailFrom: 'a sender address, e.g. ipnhub <ipnhub@example.com>',
  operatorEmail: 'one e-mail address, e.g. ops@example.com',
  smtpMaxConnections: 'a whole number of connections from 1 to 50',
  publicBaseUrl: 'the public https:// address of this ipnhub, e.g. https://ipn.example.com',
  logLevel: `one of ${LOG_LEVELS.join(', ')}`,
  logFormat: `one of ${LOG_FORMATS.join(', ')}`,
  trustProxy: 'true or false (also 1/0, yes/no, on/off)',
  bodyLimitBytes: 'a whole number of bytes, at least 1024',
  inboundRateLimitPerMinute: 'a whole number of requests (0 turns the limit off)',
  outboundAllowList:
    'comma-separated CIDRs, IP addresses or host names, e.g. 10.0.0.0/8,crm.internal',
  outboundTimeoutMs: 'a whole number of milliseconds, at least 100',
  retrySchedule: 'comma-separated whole numbers of seconds, e.g. 5,300,1800',
  retryJitter: 'a number from 0 to 1, e.g. 0.2',
  workerConcurrency: 'a whole number, at least 1',
  workerPollMs: 'a whole number of milliseconds, at least 10',
  leaseSeconds: 'a whole number of seconds, at least 5',
  backfillPerSecond: 'a whole number from 1 to 10000',
  errorMailThrottleMinutes: 'a whole number of minutes (0 sends every alert)',
  failingAlertAfterAttempts: 'a whole number, at least 1',
  autoDisableAfterDays: 'a whole number of days from 0 to 365 (0 never switches a connection off)',
  pgPoolSize: 'a whole number, at least 1',
  ingestWriterThread: 'true or false (also 1/0, yes/no, on/off)',
  requestTimeoutMs: 'a whole number of milliseconds, at least 100',
  headersTimeoutMs: 'a whole number of milliseconds, at least 100',
  keepAliveTimeoutMs: 'a whole number of milliseconds, at least 100',
  adminAuthFailuresPerMinute: 'a whole number of failed authentications (0 turns the limit off)',
  metricsToken: 'a token of at least 16 characters',
  sessionIdleMinutes: 'a whole number of minutes from 1 to 43200 (30 days)',
  sessionMaxDays: 'a whole number of days from 1 to 365',
  rawBodyRetentionDays: 'a whole number of days from 0 to 36500 (0 keeps them forever)',
  attemptBodyRetentionDays: 'a whole number of days from 0 to 36500 (0 keeps them forever)',
  rejectedRequestRetentionDays: 'a whole number of days from 0 to 36500 (0 keeps them forever)',
};

/** Values never repeated in messages or `ipnhub config` (URLs carry passwords). */
export const SECRET_KEYS: ReadonlySet<Key> = new Set<Key>([
  'adminToken',
  'masterKey',
  'databaseUrl',
  'smtpUrl',
  'metricsToken',
]);

export const CONFIG_KEYS = Object.keys(configSchema.shape) as Key[];

/** Environment variable for each key: `dataDir` → `IPNHUB_DATA_DIR`. */
export function envName(key: string): string {
  return `IPNHUB_${key.replace(/([A-Z])/g, '_$1').toUpperCase()}`;
}

const ENV_NAMES = new Map<string, Key>(CONFIG_KEYS.map((key) => [envName(key), key]));
/** `IPNHUB_ADMIN_TOKEN_FILE` → `adminToken`: the secret settings may be read from a file (secret-files.ts). */
const FILE_ENV_NAMES = new Map<string, Key>(
  [...SECRET_KEYS].map((key) => [`${envName(key)}_FILE`, key]),
);
/** `IPNHUB_*` variables that are not settings but are still ipnhub's own. */
const OTHER_ENV_NAMES = ['IPNHUB_CONFIG'];

/** Where a value came from: `default`, `override` (a caller such as a test), an environment variable's name, or a file path. */
export type SettingOrigin = string;

export interface Settings {
  config: Config;
  origins: Readonly<Record<Key, SettingOrigin>>;
  /** The settings file that was read, if any. */
  file: string | undefined;
  /** Problems that do not stop the process (unknown variables, a plain-http public URL); callers print them. */
  warnings: string[];
}

type Overrides = Partial<Record<Key, unknown>>;

function readEnvironment(
  env: NodeJS.ProcessEnv,
  warnings: string[],
  problems: string[],
): { values: Overrides; origins: Partial<Record<Key, string>> } {
  const values: Overrides = {};
  const origins: Partial<Record<Key, string>> = {};
  const files: [Key, string, string][] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('IPNHUB_') || OTHER_ENV_NAMES.includes(name)) continue;
    const key = ENV_NAMES.get(name);
    const fileKey = FILE_ENV_NAMES.get(name);
    if (fileKey !== undefined) {
      if (value !== undefined && value !== '') files.push([fileKey, name, value]);
    } else if (key === undefined) {
      warnings.push(
        `unknown setting ${name} is ignored${didYouMean(name, [...ENV_NAMES.keys(), ...FILE_ENV_NAMES.keys(), ...OTHER_ENV_NAMES], (n) => n)}`,
      );
    } else if (value !== undefined && value !== '') {
      values[key] = value;
      origins[key] = name;
    }
  }
  for (const [key, name, path] of files) {
    if (values[key] !== undefined) {
      problems.push(`${key}: both ${envName(key)} and ${name} are set; set only one of them`);
      continue;
    }
    const read = readSecretFile(path);
    if (!read.ok) problems.push(`${key} (${name}=${path}): ${read.problem}`);
    else {
      values[key] = read.value;
      origins[key] = `${name}=${path}`;
    }
  }
  // DATABASE_URL is honoured as well, as most hosting platforms set it.
  if (values.databaseUrl === undefined && env.DATABASE_URL) {
    values.databaseUrl = env.DATABASE_URL;
    origins.databaseUrl = 'DATABASE_URL';
  }
  return { values, origins };
}

/** `port (IPNHUB_PORT=eighty)`, `port (in /etc/ipnhub.json: "eighty")`, `adminToken (IPNHUB_ADMIN_TOKEN, value not shown)`. */
function describeValue(key: Key, origin: SettingOrigin, value: unknown): string {
  const secret = SECRET_KEYS.has(key);
  if (origin === 'override' || origin === 'default') return key;
  if (origin.startsWith('IPNHUB_') || origin === 'DATABASE_URL')
    return secret ? `${key} (${origin}, value not shown)` : `${key} (${origin}=${String(value)})`;
  return secret
    ? `${key} (in ${origin}, value not shown)`
    : `${key} (in ${origin}: ${JSON.stringify(value)})`;
}

function problemWith(key: Key, origin: SettingOrigin, value: unknown, error: z.ZodError): string {
  // Our own checks say precisely what is wrong; the generic ones only that it does not parse.
  const custom = error.issues.find(
    (issue) => issue.code === 'custom' && issue.message !== 'Invalid input',
  );
  const names = key === 'logLevel' ? LOG_LEVELS : key === 'logFormat' ? LOG_FORMATS : undefined;
  const hint = names !== undefined && typeof value === 'string' ? didYouMean(value, names) : '';
  const what =
    custom !== undefined
      ? `${custom.message}; expected ${EXPECTED[key]}`
      : `expected ${EXPECTED[key]}${hint}`;
  return `${describeValue(key, origin, value)}: ${what}`;
}

/**
 * A worker's lease must outlast one attempt's wait for the target: otherwise another worker
 * takes the delivery over while the first still waits, and the target gets it twice.
 */
function leaseConflict(
  config: Config,
  origins: Readonly<Record<Key, SettingOrigin>>,
): string | undefined {
  if (config.leaseSeconds * 1000 > config.outboundTimeoutMs) return undefined;
  return (
    `${describeValue('leaseSeconds', origins.leaseSeconds, config.leaseSeconds)} must be longer than ` +
    `${describeValue('outboundTimeoutMs', origins.outboundTimeoutMs, config.outboundTimeoutMs)} ` +
    `(${config.outboundTimeoutMs / 1000} s): a delivery still waiting for its target would be taken over by another worker and sent twice`
  );
}

/** `https://…` is what providers call; plain http works only for local tests. */
function publicUrlWarnings(config: Config, origin: SettingOrigin): string[] {
  if (config.publicBaseUrl === undefined || !config.publicBaseUrl.startsWith('http:')) return [];
  return [
    `publicBaseUrl (${origin}) is a plain http:// address (${config.publicBaseUrl}): Digistore24 refuses http URLs and PayPal webhooks need https; use the https:// address of your TLS reverse proxy`,
  ];
}

/**
 * Reads the configuration. `overrides` win over everything (tests and commands that set a
 * value themselves). Throws `IpnhubError('CONFIG_INVALID')` listing every unknown key and every
 * value that does not parse.
 */
export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Overrides = {},
): Settings {
  const warnings: string[] = [];
  const problems: string[] = [];
  const given = stripUndefined(overrides);
  const fromEnv = readEnvironment(env, warnings, problems);

  const explicit =
    env.IPNHUB_CONFIG !== undefined && env.IPNHUB_CONFIG !== ''
      ? readSettingsFile(env.IPNHUB_CONFIG, 'IPNHUB_CONFIG')
      : undefined;
  const dataDir =
    given.dataDir ??
    fromEnv.values.dataDir ??
    explicit?.values.dataDir ??
    configSchema.shape.dataDir.parse(undefined);
  const inDataDir = typeof dataDir === 'string' ? settingsFileIn(dataDir) : undefined;
  let file: SettingsFile | undefined = explicit;
  if (explicit === undefined && inDataDir !== undefined) {
    file = readSettingsFile(inDataDir, undefined);
    if (file !== undefined && 'dataDir' in file.values) {
      throw new IpnhubError(
        'CONFIG_INVALID',
        `dataDir (in ${file.path}): the data directory's own ${SETTINGS_FILE_NAME} cannot move it; set IPNHUB_DATA_DIR, or name a settings file elsewhere with IPNHUB_CONFIG.`,
      );
    }
  } else if (
    explicit !== undefined &&
    inDataDir !== undefined &&
    inDataDir !== explicit.path &&
    readSettingsFile(inDataDir, undefined) !== undefined
  ) {
    warnings.push(`${inDataDir} is not read, because IPNHUB_CONFIG names ${explicit.path}`);
  }

  const merged: Record<string, unknown> = {};
  const origins = {} as Record<Key, SettingOrigin>;
  for (const name of Object.keys(file?.values ?? {})) {
    if (CONFIG_KEYS.includes(name as Key)) continue;
    const asVariable = ENV_NAMES.get(name);
    const hint =
      asVariable !== undefined
        ? ` (write "${asVariable}": the file takes keys, not variable names)`
        : didYouMean(name, CONFIG_KEYS);
    problems.push(`unknown setting "${name}" in ${file?.path ?? '?'}${hint}`);
  }
  for (const name of Object.keys(given)) {
    if (!CONFIG_KEYS.includes(name as Key))
      problems.push(`unknown setting "${name}"${didYouMean(name, CONFIG_KEYS)}`);
  }
  for (const key of CONFIG_KEYS) {
    const [value, origin] =
      given[key] !== undefined
        ? [given[key], 'override']
        : fromEnv.values[key] !== undefined
          ? [fromEnv.values[key], fromEnv.origins[key] ?? envName(key)]
          : file?.values[key] !== undefined
            ? [file.values[key], file.path]
            : [undefined, 'default'];
    origins[key] = origin;
    if (value === undefined) continue;
    merged[key] = value;
    const parsed = configSchema.shape[key].safeParse(value);
    if (!parsed.success) problems.push(problemWith(key, origin, value, parsed.error));
  }
  if (problems.length > 0)
    throw new IpnhubError('CONFIG_INVALID', `${problems.join('; ')}. See docs/configuration.md.`);

  const config = configSchema.parse(merged);
  const conflict = leaseConflict(config, origins);
  if (conflict !== undefined)
    throw new IpnhubError('CONFIG_INVALID', `${conflict}. See docs/configuration.md.`);
  warnings.push(...publicUrlWarnings(config, origins.publicBaseUrl));
  return { config, origins, file: file?.path, warnings };
}

/** {@link loadSettings} for callers that need only the values. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Overrides = {},
): Config {
  return loadSettings(env, overrides).config;
}

function stripUndefined(values: Overrides): Overrides {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Overrides;
}
