/**
 * Validation errors in the terms of the command line: the services name invalid fields by
 * path (`passphrase`, `filters.eventTypes.1`, `errorEmails.0`); a command knows which flag set
 * each, so `passphrase: is required (text)` reads `passphrase (--passphrase): is required
 * (text)`. Config fields without a flag of their own are set with `--set`, which the message
 * then shows. Commands that share flags (add, update) share one {@link FlagNames} table.
 */
import { joinFieldProblems } from '../connections/issue-message.js';
import { IpnhubError, isIpnhubError } from '../core/errors.js';
import type { FieldProblem } from '../core/errors.js';

/** Input path (or path prefix) → the flag that sets it, e.g. `{ passphrase: '--passphrase', 'filters.eventTypes': '--event' }`. */
export type FlagNames = Readonly<Record<string, string>>;

function flagFor(path: string, flags: FlagNames): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(flags)) {
    if (
      (path === key || path.startsWith(`${key}.`)) &&
      (best === undefined || key.length > best.length)
    )
      best = key;
  }
  return best === undefined ? undefined : flags[best];
}

/** `--set key=value` always gives text; a field that wanted a number, a yes/no or JSON needs `key:=value`. */
const TYPED_NOT_TEXT =
  /^must be (a number|a whole number|true or false|a list|an object), not text$/;

function labelled(field: FieldProblem, code: string, flags: FlagNames): FieldProblem {
  const flag = flagFor(field.path, flags);
  if (flag !== undefined) return { ...field, path: `${field.path} (${flag})` };
  // Only config validation (INVALID_CONFIG) reports paths inside the connector's or provider's config.
  if (code !== 'INVALID_CONFIG' || field.path === '(root)') return field;
  if (TYPED_NOT_TEXT.test(field.problem)) {
    return {
      path: `${field.path} (--set ${field.path}:=…)`,
      problem: `${field.problem} (--set ${field.path}=… always gives text; write ${field.path}:= followed by the JSON value, e.g. :=5000, :=true or :=["a","b"])`,
    };
  }
  return { ...field, path: `${field.path} (--set ${field.path}=…)` };
}

/** The same error with its fields named by their flags; anything else unchanged. */
export function withFlagNames(err: unknown, flags: FlagNames): unknown {
  if (!isIpnhubError(err) || err.fields === undefined) return err;
  const fields = err.fields.map((field) => labelled(field, err.code, flags));
  return new IpnhubError(err.code, joinFieldProblems(fields), { fields: err.fields, cause: err });
}

/** Runs `work`, naming flags in a validation error it throws. */
export async function namingFlags<T>(flags: FlagNames, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw withFlagNames(err, flags);
  }
}
