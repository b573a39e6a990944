/**
 * Settings a schema does not know (a misspelt `timeoutMS`, `tagFeild`). Config schemas are
 * strict objects at every depth, so such keys are issues of their own (`unrecognized_keys`):
 * - when a config is saved they are refused, each named with the closest valid key
 *   ({@link unknownSettingsErrorMap}); nothing the user typed is silently dropped;
 * - when a stored config is loaded (one saved before the schemas were strict, or by a version
 *   that knew a key this one no longer has) they are left out and reported
 *   ({@link withoutUnknownSettings}), so a delivery never fails over a key that never did
 *   anything.
 */
import type * as z from 'zod';
import { didYouMean } from '../lib/closest-name.js';
import { isRecord } from '../lib/is-record.js';

type RawIssue = z.core.$ZodRawIssue;

function knownKeys(issue: RawIssue): string[] {
  const shape = (issue.inst?._zod.def as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function named(
  key: string,
  known: readonly string[],
): { key: string; suggestion: string; suggested: boolean } {
  const suggestion = didYouMean(key, known);
  return { key, suggestion, suggested: suggestion !== '' };
}

/**
 * Parse-time error map (pass as `safeParse(value, { error })`): an unknown key's message names
 * the closest valid key, or lists the valid keys when none is close. One unknown key is shown
 * at its own path by `issueMessage` (`timeoutMS: unknown setting (did you mean "timeoutMs"?)`);
 * several are named in the message. Other issues keep Zod's own messages, which
 * `issue-message.ts` words for people (a misspelt choice gets the closest valid one there).
 */
export const unknownSettingsErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code !== 'unrecognized_keys') return undefined;
  const known = knownKeys(issue);
  const keys = (issue as RawIssue & { keys: string[] }).keys.map((key) => named(key, known));
  const list =
    known.length > 0 && !keys.every((key) => key.suggested)
      ? `; the settings here are: ${known.join(', ')}`
      : '';
  if (keys.length === 1) return `unknown setting${keys[0]?.suggestion ?? ''}${list}`;
  return `unknown settings ${keys.map((key) => `"${key.key}"${key.suggestion}`).join(', ')}${list}`;
};

/** A deep copy of `config` without the unknown keys `issues` name, and their dot paths. */
export function withoutUnknownSettings(
  config: unknown,
  issues: readonly z.core.$ZodIssue[],
): { config: unknown; dropped: string[] } {
  const copy = JSON.parse(JSON.stringify(config ?? null)) as unknown;
  const dropped: string[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    let node: unknown = copy;
    for (const key of issue.path)
      node =
        isRecord(node) || Array.isArray(node)
          ? (node as Record<PropertyKey, unknown>)[key]
          : undefined;
    if (!isRecord(node)) continue;
    for (const key of issue.keys) {
      if (!Object.hasOwn(node, key)) continue;
      delete node[key];
      dropped.push([...issue.path.map(String), key].join('.'));
    }
  }
  return { config: copy, dropped };
}
