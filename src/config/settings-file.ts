/**
 * The settings file: a JSON object with the keys of config.ts (`{"port": 9000}`). ipnhub reads
 * the file named by `IPNHUB_CONFIG`, or else `ipnhub.json` in the data directory, so `serve`,
 * `worker` and every CLI command that use one data directory read the same settings whatever
 * their environment and working directory.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { IpnhubError } from '../core/errors.js';
import { errorCodeOf } from '../lib/error-code.js';

export const SETTINGS_FILE_NAME = 'ipnhub.json';

export interface SettingsFile {
  /** Absolute path. */
  path: string;
  values: Readonly<Record<string, unknown>>;
}

export function settingsFileIn(dataDir: string): string {
  return resolve(dataDir, SETTINGS_FILE_NAME);
}

const READ_PROBLEMS: Readonly<Record<string, string>> = {
  ENOENT: 'the file does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
};

/** Why a file given in the settings could not be read, for people ("permission denied"). */
export function fileReadProblem(err: unknown): string {
  const code = errorCodeOf(err);
  return (
    (code !== undefined ? READ_PROBLEMS[code] : undefined) ??
    (err instanceof Error ? err.message : String(err))
  );
}

/**
 * Reads and parses a settings file. `namedBy` is the variable that names it (`IPNHUB_CONFIG`):
 * then a missing file is an error; without it (the data directory's own file) a missing file
 * means "no settings file" and undefined is returned.
 */
export function readSettingsFile(
  file: string,
  namedBy: string | undefined,
): SettingsFile | undefined {
  const path = resolve(file);
  const where = namedBy === undefined ? path : `${namedBy}=${file}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = errorCodeOf(err);
    if (namedBy === undefined && (code === 'ENOENT' || code === 'ENOTDIR')) return undefined;
    throw new IpnhubError(
      'CONFIG_INVALID',
      `${where}: cannot read the settings file: ${fileReadProblem(err)}.`,
      { cause: err },
    );
  }
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    throw new IpnhubError(
      'CONFIG_INVALID',
      `${where}: not valid JSON (${err instanceof Error ? err.message : String(err)}).`,
      { cause: err },
    );
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new IpnhubError(
      'CONFIG_INVALID',
      `${where}: must hold one JSON object of settings, e.g. {"port": 9000}.`,
    );
  }
  return { path, values: values as Record<string, unknown> };
}
