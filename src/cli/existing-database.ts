/**
 * One-shot commands work on an existing database and never create one: run in the wrong
 * directory, they would otherwise make a new, empty `./data/ipnhub.db` there and report "no
 * sources" about it. Only `serve`, `worker` and `migrate` create the embedded database. A
 * PostgreSQL URL names its database explicitly, so there is nothing to guess.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Settings } from '../config/config.js';
import { IpnhubError } from '../core/errors.js';
import { dbTarget } from '../runtime.js';

function dataDirOrigin(settings: Settings): string {
  const origin = settings.origins.dataDir;
  if (origin === 'default') return `the default ./data of the current directory (${process.cwd()})`;
  if (origin === 'override') return 'given by the command';
  return origin.startsWith('IPNHUB_') ? `from ${origin}` : `from "dataDir" in ${origin}`;
}

export function requireExistingDatabase(settings: Settings): void {
  const target = dbTarget(settings.config);
  if (target.kind !== 'sqlite' || existsSync(target.file)) return;
  throw new IpnhubError(
    'DATABASE_NOT_FOUND',
    `${target.file} does not exist (data directory ${resolve(settings.config.dataDir)}, ${dataDirOrigin(settings)}). ` +
      'Run the command where the data directory is, or point it there with IPNHUB_DATA_DIR=/path/to/data (or at PostgreSQL with IPNHUB_DATABASE_URL); ' +
      '`ipnhub config show` prints what this command uses. `ipnhub serve` or `ipnhub migrate` creates a new database.',
  );
}
