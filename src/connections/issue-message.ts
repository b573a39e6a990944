/**
 * Validation failures as one line for an error's detail: `<path>: <message>` per issue,
 * joined by `; `. Messages are scrubbed of given secret values, so a rejected config never
 * echoes a passphrase back to the client or into a log, whatever a schema's messages say.
 */
import type { z } from 'zod';

const REDACTED = '[redacted]';

function pathText(prefix: string | undefined, path: readonly PropertyKey[]): string {
  const parts = [...(prefix ? [prefix] : []), ...path.map((key) => String(key))];
  return parts.length > 0 ? parts.join('.') : '(root)';
}

/** Where an issue points: one unknown key is named by its own path (`filters.product`), not its object's. */
function issuePath(issue: z.core.$ZodIssue): readonly PropertyKey[] {
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) return [...issue.path, ...issue.keys];
  return issue.path;
}

/** `prefix` names the field the validated value sits in (`filters`); `redact` lists values to scrub. */
export function issueMessage(error: z.ZodError, options: { prefix?: string; redact?: readonly string[] } = {}): string {
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = [...(options.redact ?? [])].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  const scrub = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join(REDACTED), text);
  return error.issues.map((issue) => scrub(`${pathText(options.prefix, issuePath(issue))}: ${issue.message}`)).join('; ');
}
