/**
 * Builds a provider or connector config object from the command line: `--config '<json>'`
 * as the base, then each `--set` on top. `--set key=value` sets a string; `--set key:=json`
 * sets a typed value (`timeoutMs:=5000`, `tags:=["a","b"]`); dotted keys build nested objects
 * (`headers.x-api-key=abc`). The result is validated later by the provider's or connector's
 * own schema; here only the syntax is checked.
 */
import { IpnhubError } from '../core/errors.js';
import { isRecord } from '../lib/is-record.js';

export function buildConfigInput(options: {
  json?: string;
  sets?: readonly string[];
}): Record<string, unknown> {
  const config = options.json === undefined ? {} : parseJsonObject(options.json);
  for (const assignment of options.sets ?? []) applySet(config, assignment);
  return config;
}

function parseJsonObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new IpnhubError(
      'VALIDATION_FAILED',
      `--config: not valid JSON (${(err as Error).message}).`,
    );
  }
  if (!isRecord(value))
    throw new IpnhubError('VALIDATION_FAILED', '--config: must be a JSON object.');
  return value;
}

function applySet(config: Record<string, unknown>, assignment: string): void {
  const match = /^([^=:]+?)(:?=)(.*)$/s.exec(assignment);
  if (!match)
    throw new IpnhubError(
      'VALIDATION_FAILED',
      '--set: expected key=value or key:=json (an argument without = was given).',
    );
  const [, key = '', operator, raw = ''] = match;
  let value: unknown = raw;
  if (operator === ':=') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new IpnhubError('VALIDATION_FAILED', `--set ${key}: the value after := must be JSON.`);
    }
  }
  const path = key.split('.');
  if (
    path.some(
      (part) =>
        part.length === 0 || part === '__proto__' || part === 'constructor' || part === 'prototype',
    )
  ) {
    throw new IpnhubError('VALIDATION_FAILED', `--set ${key}: not a valid key.`);
  }
  let target = config;
  for (const part of path.slice(0, -1)) {
    const next = target[part];
    if (isRecord(next)) target = next;
    else {
      const created: Record<string, unknown> = {};
      target[part] = created;
      target = created;
    }
  }
  target[path[path.length - 1] ?? key] = value;
}
