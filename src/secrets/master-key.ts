/**
 * The master key that encrypts secrets at rest (docs/security.md). Configured with
 * `IPNHUB_MASTER_KEY`; on the embedded SQLite default a key is generated on first start and
 * kept beside the database, so `ipnhub serve` works with zero setup. Shared databases
 * (PostgreSQL) need the key configured: every process must use the same one, and a file on
 * one machine cannot guarantee that.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';
import type { Logger } from '../lib/logger.js';
import { makeDirectory } from '../lib/make-directory.js';
import { MASTER_KEY_BYTES, parseMasterKey } from './master-key-format.js';

export const MASTER_KEY_FILE = 'master.key';

function readKeyFile(file: string): Buffer {
  const key = parseMasterKey(readFileSync(file, 'utf8'));
  if (!key)
    throw new IpnhubError('CONFIG_INVALID', `masterKey (${file}): must be 32 bytes, base64 or hex`);
  return key;
}

/**
 * Writes a fresh key without ever exposing a half-written file: the key goes to a private
 * temporary file that is then hard-linked into place, which fails if another process won
 * the race — in that case its key is the one to use.
 */
function createKeyFile(dataDir: string, file: string): { key: Buffer; created: boolean } {
  makeDirectory(dataDir, 0o700);
  const key = randomBytes(MASTER_KEY_BYTES);
  const temp = join(
    dataDir,
    `.${MASTER_KEY_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  writeFileSync(temp, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temp, file);
    return { key, created: true };
  } catch (err) {
    if (errorCodeOf(err) !== 'EEXIST') throw err;
    return { key: readKeyFile(file), created: false };
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Resolves the 32-byte master key.
 * - `configured` (`IPNHUB_MASTER_KEY`): 32 bytes as base64 or 64 hex characters, else
 *   `IpnhubError('CONFIG_INVALID')` naming the field.
 * - Not configured, `embedded` (SQLite under `dataDir`): reads `<dataDir>/master.key`; when
 *   absent, generates one (file mode 0600, `dataDir` created as needed) and logs one warning
 *   saying where it is and that it must be backed up with the data. The key is never logged.
 * - Not configured, not embedded → `IpnhubError('MASTER_KEY_REQUIRED')`.
 */
export function resolveMasterKey(options: {
  configured?: string;
  dataDir: string;
  embedded: boolean;
  logger: Logger;
}): Buffer {
  const { configured, dataDir, embedded, logger } = options;
  if (configured !== undefined) {
    const key = parseMasterKey(configured);
    if (!key)
      throw new IpnhubError(
        'CONFIG_INVALID',
        'masterKey (IPNHUB_MASTER_KEY): must be 32 bytes, base64 or hex',
      );
    return key;
  }
  if (!embedded) throw new IpnhubError('MASTER_KEY_REQUIRED');
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return readKeyFile(file);
  } catch (err) {
    if (errorCodeOf(err) !== 'ENOENT') throw err;
  }
  const { key, created } = createKeyFile(dataDir, file);
  if (created) {
    logger.warn(
      { file },
      `generated a new master key at ${file}; back it up together with the data directory — without it the stored secrets cannot be decrypted (or set IPNHUB_MASTER_KEY)`,
    );
  }
  return key;
}
