import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The version in package.json, which sits two levels above this file in src/lib/ (tsx) and dist/lib/ (built). */
export function packageVersion(): string {
  // A path rather than `new URL('../../package.json', import.meta.url)`, which bundlers (and
  // vitest's DOM environment, where the web UI's tests run a server) rewrite to a web address.
  const text = readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json'),
    'utf8',
  );
  const parsed: unknown = JSON.parse(text);
  const version =
    typeof parsed === 'object' && parsed !== null && 'version' in parsed
      ? parsed.version
      : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}
