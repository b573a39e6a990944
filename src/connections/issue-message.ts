/**
 * Validation failures for people: one `{ path, problem }` per issue, the problem in plain words
 * with the expected value ("is required (text)", "must be one of live, sandbox (did you mean
 * "live"?)", "must be at least 16 characters") instead of Zod's generic texts ("Invalid input:
 * expected string, received undefined"). A schema's own message is kept: it already says what
 * it means. Problems are scrubbed of given secret values, so a rejected config never echoes a
 * passphrase back to the client or into a log, whatever a schema's messages say.
 *
 * `issueMessage` joins them as `<path>: <problem>; …` for an error's detail; the structured
 * list travels on the `IpnhubError` as `fields`, so the CLI can name its flags instead of paths.
 */
import type * as z from 'zod';
import { didYouMean } from '../lib/closest-name.js';
import { IpnhubError } from '../core/errors.js';
import type { ErrorCode, FieldProblem } from '../core/errors.js';

const REDACTED = '[redacted]';
/** How Zod's own messages begin; any other message was written by a schema's author. */
const GENERIC_MESSAGE = /^(Invalid|Too small|Too big|Unrecognized key)/;

type Issue = z.core.$ZodIssue;

function pathText(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((key) => String(key))];
  return parts.length > 0 ? parts.join('.') : '(root)';
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  date: 'a date',
  bigint: 'a whole number',
};

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a whole number' : 'a number';
  if (typeof value === 'boolean') return 'true or false';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

const FORMAT_NAMES: Readonly<Record<string, string>> = {
  email: 'an e-mail address',
  url: 'a URL',
  uuid: 'a UUID',
  datetime: 'an ISO 8601 date and time',
};

function formatProblem(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  const detail = issue as { prefix?: string; suffix?: string; includes?: string; pattern?: string };
  if (issue.format === 'starts_with' && detail.prefix !== undefined)
    return `must start with "${detail.prefix}"`;
  if (issue.format === 'ends_with' && detail.suffix !== undefined)
    return `must end with "${detail.suffix}"`;
  if (issue.format === 'includes' && detail.includes !== undefined)
    return `must contain "${detail.includes}"`;
  if (issue.format === 'regex' && detail.pattern !== undefined)
    return `must match the pattern ${detail.pattern}`;
  return `is not ${FORMAT_NAMES[issue.format] ?? `a valid ${issue.format}`}`;
}

function sizeProblem(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const bound = Number(small ? issue.minimum : issue.maximum);
  const exclusive = issue.inclusive === false;
  if (issue.origin === 'string') {
    if (small && bound <= 1) return 'must not be empty';
    return `must be ${small ? 'at least' : 'at most'} ${exclusive ? bound + (small ? 1 : -1) : bound} characters`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    if (small && bound <= 1) return 'needs at least one entry';
    return `must have ${small ? 'at least' : 'at most'} ${bound} entries`;
  }
  return `must be ${small ? (exclusive ? 'more than' : 'at least') : exclusive ? 'less than' : 'at most'} ${bound}`;
}

/** Zod names what it received at the end of its own type message: `…, received undefined`. */
function receivedKind(issue: Issue): string | undefined {
  const received = /received (\w+)$/.exec(issue.message)?.[1];
  return received === undefined
    ? undefined
    : received === 'undefined'
      ? 'missing'
      : typeName(received);
}

/** The problem one issue describes, in plain words; `given` holds what was validated at its path, when known. */
export function describeIssue(issue: Issue, given?: { value: unknown }): string {
  const generic = GENERIC_MESSAGE.test(issue.message);
  if (issue.code === 'invalid_type' && given !== undefined && given.value === undefined) {
    // A schema's own message ("must be an https:// URL") applies to a missing value too; say that it is missing first.
    return generic ? `is required (${typeName(issue.expected)})` : `is required: ${issue.message}`;
  }
  if (!generic) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const received = given !== undefined ? kindOf(given.value) : receivedKind(issue);
      if (received === 'missing') return `is required (${typeName(issue.expected)})`;
      return `must be ${typeName(issue.expected)}${received === undefined ? '' : `, not ${received}`}`;
    }
    case 'too_small':
    case 'too_big':
      return sizeProblem(issue);
    case 'invalid_format':
      return formatProblem(issue);
    case 'invalid_value': {
      const choices = issue.values.map((v) => String(v));
      const value = given?.value;
      const hint = typeof value === 'string' ? didYouMean(value, choices) : '';
      return choices.length === 1
        ? `must be ${choices[0]}`
        : `must be one of ${choices.join(', ')}${hint}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return 'does not match any of the allowed forms';
    default:
      return issue.message;
  }
}

export interface IssueOptions {
  /** Names the field the validated value sits in (`filters`). */
  prefix?: string;
  /** Values to scrub from the problems. */
  redact?: readonly string[];
  /** What was validated: tells a missing field from one of the wrong type. */
  input?: unknown;
}

/** Where an issue points: one unknown key is named by its own path (`filters.product`), not its object's. */
function issuePath(issue: Issue): readonly PropertyKey[] {
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1)
    return [...issue.path, ...issue.keys];
  return issue.path;
}

/** One entry per issue: the field's dotted path (with `prefix`) and its problem, scrubbed. */
export function fieldProblems(error: z.ZodError, options: IssueOptions = {}): FieldProblem[] {
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...(options.redact ?? [])]
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string): string =>
    secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  return error.issues.map((issue) => {
    const given = 'input' in options ? { value: valueAt(options.input, issue.path) } : undefined;
    return {
      path: pathText(options.prefix, issuePath(issue)),
      problem: scrub(describeIssue(issue, given)),
    };
  });
}

/** `path: problem; path: problem` for an error's detail. */
export function joinFieldProblems(fields: readonly FieldProblem[]): string {
  return fields.map((f) => `${f.path}: ${f.problem}`).join('; ');
}

/** The `IpnhubError` for a failed validation: the problems joined as its detail, and as its `fields`. */
export function validationError(
  code: ErrorCode,
  error: z.ZodError,
  options: IssueOptions = {},
): IpnhubError {
  const fields = fieldProblems(error, options);
  return new IpnhubError(code, joinFieldProblems(fields), { fields });
}

/** {@link fieldProblems} joined as one line. */
export function issueMessage(error: z.ZodError, options: IssueOptions = {}): string {
  return joinFieldProblems(fieldProblems(error, options));
}
