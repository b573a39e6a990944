/**
 * Secrets from files: `IPNHUB_ADMIN_TOKEN_FILE=/run/secrets/admin_token` instead of the secret
 * itself in `IPNHUB_ADMIN_TOKEN`, as Docker and Compose secrets, Kubernetes secret volumes and
 * systemd credentials (`LoadCredential=`) hand them over. A variable's value is visible to
 * every process that can read `/proc/<pid>/environ` and in `docker inspect`; a file can be
 * readable by ipnhub's user alone. Only the secret settings have a `_FILE` variant
 * (config.ts, `SECRET_KEYS`); docs/configuration.md describes them.
 */
import { readFileSync } from 'node:fs';
import { fileReadProblem } from './settings-file.js';

export type SecretFileRead = { ok: true; value: string } | { ok: false; problem: string };

/**
 * The secret in `path`: its text without the surrounding white space (files written with
 * `echo` or an editor end with a newline that is not part of the secret). A file that cannot be
 * read, or holds nothing, is a problem for the caller to report; the secret is never in it.
 */
export function readSecretFile(path: string): SecretFileRead {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, problem: `cannot read the file: ${fileReadProblem(err)}` };
  }
  const value = text.trim();
  return value === '' ? { ok: false, problem: 'the file is empty' } : { ok: true, value };
}
