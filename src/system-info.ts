/**
 * What the admin UI's settings page shows about this installation (`GET /api/v1/system`):
 * version, database kind and applied migrations, the public base URL and how mail goes out.
 * Never a secret: no database URL, SMTP URL, token or key.
 */
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from './config/config.js';
import type { DbAdapter } from './db/dialect-adapter.js';
import { appliedMigrations } from './db/migrations.js';
import type { Database } from './db/schema.js';
import { packageVersion } from './lib/package-version.js';

export interface SystemInfo {
  version: string;
  database: 'sqlite' | 'postgres';
  /** Applied migrations, oldest first. */
  migrations: string[];
  /** The configured public address, or null (inbound URLs are then paths only). */
  publicBaseUrl: string | null;
  /** `smtp` with an SMTP URL; `files`: mails are written as .eml files into the data directory. */
  mail: 'smtp' | 'files';
  /** Who gets the alerts about sources and connections (`operatorEmail`), or null. */
  operatorEmail: string | null;
  /** The data directory (absolute), where the SQLite database lives; absent on PostgreSQL. */
  dataDir?: string;
}

export async function systemInfo(deps: {
  db: Kysely<Database>;
  adapter: DbAdapter;
  config: Config;
}): Promise<SystemInfo> {
  const { config } = deps;
  const sqlite = config.databaseUrl === undefined;
  return {
    version: packageVersion(),
    database: sqlite ? 'sqlite' : 'postgres',
    migrations: await appliedMigrations(deps.db, deps.adapter),
    publicBaseUrl: config.publicBaseUrl ?? null,
    mail: config.smtpUrl === undefined ? 'files' : 'smtp',
    operatorEmail: config.operatorEmail ?? null,
    ...(sqlite ? { dataDir: resolve(config.dataDir) } : {}),
  };
}
