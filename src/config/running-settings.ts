/**
 * What a running `serve` or `worker` uses of the settings that CLI commands use too (the
 * outbound allow-list and timeout for `connection test`, the public URL printed by `source`,
 * the mail route), kept in the database's `settings` table while it runs. A CLI command started
 * from another terminal compares them with its own and says where they differ: settings given
 * as environment variables to the server only are the usual cause, and the settings file in the
 * data directory the fix. Secrets are never recorded; the SMTP URL only as its host.
 */
import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { errorCodeOf } from '../lib/error-code.js';
import type { Config, SettingOrigin } from './config.js';

export type ProcessRole = 'serve' | 'worker';

const SHARED_KEYS = [
  'outboundAllowList',
  'outboundTimeoutMs',
  'publicBaseUrl',
  'mail',
  'mailFrom',
] as const;
type SharedKey = (typeof SHARED_KEYS)[number];
type SharedValues = Record<SharedKey, string>;

interface RunningRecord {
  role: ProcessRole;
  pid: number;
  hostname: string;
  startedAt: string;
  values: SharedValues;
  origins: Partial<Record<SharedKey, SettingOrigin>>;
}

const settingKey = (role: ProcessRole): string => `running_settings:${role}`;

function mailRoute(config: Config): string {
  if (config.smtpUrl === undefined) return 'files in the data directory';
  try {
    return `SMTP server ${new URL(config.smtpUrl).host}`;
  } catch {
    return 'an SMTP server';
  }
}

function sharedValues(config: Config): SharedValues {
  return {
    outboundAllowList:
      config.outboundAllowList.length === 0 ? '(empty)' : config.outboundAllowList.join(','),
    outboundTimeoutMs: String(config.outboundTimeoutMs),
    publicBaseUrl: config.publicBaseUrl ?? '(not set)',
    mail: mailRoute(config),
    mailFrom: config.mailFrom,
  };
}

function sharedOrigins(
  origins: Readonly<Record<keyof Config, SettingOrigin>>,
): Partial<Record<SharedKey, SettingOrigin>> {
  return {
    outboundAllowList: origins.outboundAllowList,
    outboundTimeoutMs: origins.outboundTimeoutMs,
    publicBaseUrl: origins.publicBaseUrl,
    mail: origins.smtpUrl,
    mailFrom: origins.mailFrom,
  };
}

/**
 * Records this process's shared settings under its role (the last one started of a role wins)
 * and returns the function that removes the record again on a graceful stop, if it is still ours.
 */
export async function recordRunningSettings(
  db: Kysely<Database>,
  options: {
    role: ProcessRole;
    config: Config;
    origins: Readonly<Record<keyof Config, SettingOrigin>>;
    now: Date;
  },
): Promise<() => Promise<void>> {
  const record: RunningRecord = {
    role: options.role,
    pid: process.pid,
    hostname: hostname(),
    startedAt: options.now.toISOString(),
    values: sharedValues(options.config),
    origins: sharedOrigins(options.origins),
  };
  const key = settingKey(options.role);
  const value = JSON.stringify(record);
  await db
    .insertInto('settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  return async () => {
    await db.deleteFrom('settings').where('key', '=', key).where('value', '=', value).execute();
  };
}

function parseRecord(text: string): RunningRecord | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'values' in value && 'pid' in value
      ? (value as RunningRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A process on this machine that is gone left its record behind (killed, not stopped). */
function isGone(record: RunningRecord): boolean {
  if (record.hostname !== hostname()) return false;
  try {
    process.kill(record.pid, 0);
    return false;
  } catch (err) {
    return errorCodeOf(err) === 'ESRCH';
  }
}

/**
 * One line per shared setting in which a running `serve` or `worker` differs from `config`,
 * naming both values and where each came from. `settingsFile` is where to put them instead.
 */
export async function differencesFromRunning(
  db: Kysely<Database>,
  options: {
    config: Config;
    origins: Readonly<Record<keyof Config, SettingOrigin>>;
    settingsFile: string;
  },
): Promise<string[]> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', [settingKey('serve'), settingKey('worker')])
    .execute();
  const mine = sharedValues(options.config);
  const myOrigins = sharedOrigins(options.origins);
  const lines: string[] = [];
  for (const row of rows) {
    const record = parseRecord(row.value);
    if (record === undefined || isGone(record)) continue;
    for (const key of SHARED_KEYS) {
      const theirs = record.values[key];
      if (theirs === undefined || theirs === mine[key]) continue;
      lines.push(
        `ipnhub ${record.role} (pid ${record.pid} on ${record.hostname}, started ${record.startedAt}) runs with ${key} ${theirs} (${record.origins[key] ?? '?'}), ` +
          `this command with ${mine[key]} (${myOrigins[key] ?? '?'}). Put shared settings in ${options.settingsFile}, which every ipnhub process using this data directory reads.`,
      );
    }
  }
  return lines;
}
