/** Names of sources and connections: what lists and logs show, so short and never blank. */
import { IpnhubError } from '../core/errors.js';

export const MAX_NAME_LENGTH = 200;

/** The trimmed name; anything else than 1–200 characters → `IpnhubError('VALIDATION_FAILED')`. */
export function parseDisplayName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new IpnhubError(
      'VALIDATION_FAILED',
      `name: must be a non-empty text of at most ${MAX_NAME_LENGTH} characters`,
    );
  }
  return name;
}
