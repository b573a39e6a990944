import { IpnhubError } from '../../core/errors.js';

/** `value`, or `IpnhubError('NOT_FOUND')` naming what was looked for when a query found nothing. */
export function found<T>(value: T | null, what: string, id: string): T {
  if (value === null) throw new IpnhubError('NOT_FOUND', `No ${what} ${id}.`);
  return value;
}

/** Nothing (a 204 answer), or `IpnhubError('NOT_FOUND')` like {@link found} when a delete found nothing to delete. */
export function deleted(removed: boolean, what: string, id: string): undefined {
  found(removed ? true : null, what, id);
  return undefined;
}
