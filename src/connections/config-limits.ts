/**
 * Size limits of a connection's config, checked when it is saved and before the connector's
 * schema sees it. Every delivery renders the whole config on the server's main thread (mappings
 * and templates, see connectors/template.ts), so its size is work per delivery: a 20,000-entry
 * mapping took ~50 ms per delivery and kept `/ipn` answers waiting, and a 520 KB mail template
 * wrote megabytes of mail per event. The limits leave ample room for real mappings and
 * templates (docs/connectors.md, "Limits") and bound that work.
 */
import { IpnhubError } from '../core/errors.js';

export interface ConfigLimits {
  /** The whole config as JSON, secrets included, in UTF-8 bytes. */
  maxBytes: number;
  /** Entries of any one object (a mapping, headers) or list (tags, recipients). */
  maxEntries: number;
  /** Characters of any one text (a template, a tag, a URL) and of any one key. */
  maxTextChars: number;
  /** Objects and lists inside each other; real configs nest a few levels. */
  maxDepth: number;
}

export const CONNECTION_CONFIG_LIMITS: ConfigLimits = {
  maxBytes: 65_536,
  maxEntries: 500,
  maxTextChars: 32_768,
  maxDepth: 32,
};

function pathOf(segments: readonly string[]): string {
  return segments.length === 0 ? '(root)' : segments.join('.');
}

/**
 * The refusal of one field: `problem` says what is wrong with the field at `path`, also as the
 * error's `fields` so a form can show it beside the field; `detail` names the field for people.
 */
function fieldTooLarge(
  path: readonly string[],
  problem: string,
  detail = `${pathOf(path)} ${problem}`,
): IpnhubError {
  return new IpnhubError('CONFIG_TOO_LARGE', detail, { fields: [{ path: pathOf(path), problem }] });
}

/**
 * Throws `IpnhubError('CONFIG_TOO_LARGE')` naming the first field over a limit and the limit;
 * returns when the config is within all of them. Names paths and sizes, never values.
 */
export function checkConfigLimits(
  config: unknown,
  limits: ConfigLimits = CONNECTION_CONFIG_LIMITS,
): void {
  // An explicit stack, and the depth bounded before the size is taken with JSON.stringify: a
  // deeply nested body must not exhaust the call stack.
  const stack: Array<{ value: unknown; path: string[] }> = [{ value: config, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (value.length > limits.maxTextChars) {
        throw fieldTooLarge(
          path,
          `is ${value.length} characters long; at most ${limits.maxTextChars} are allowed in one text.`,
        );
      }
    } else if (typeof value === 'object' && value !== null && path.length >= limits.maxDepth) {
      throw fieldTooLarge(path, `nests objects or lists deeper than ${limits.maxDepth} levels.`);
    } else if (Array.isArray(value)) {
      if (value.length > limits.maxEntries)
        throw fieldTooLarge(
          path,
          `has ${value.length} entries; at most ${limits.maxEntries} are allowed in one list.`,
        );
      // Pushed last to first, so the first offending field in document order is the one named.
      for (let index = value.length - 1; index >= 0; index--)
        stack.push({ value: value[index], path: [...path, String(index)] });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      if (entries.length > limits.maxEntries) {
        throw fieldTooLarge(
          path,
          `has ${entries.length} entries; at most ${limits.maxEntries} are allowed in one mapping or object.`,
        );
      }
      for (const [key] of entries) {
        if (key.length > limits.maxTextChars) {
          throw fieldTooLarge(
            path,
            `has a key ${key.length} characters long; at most ${limits.maxTextChars} are allowed.`,
            `a key in ${pathOf(path)} is ${key.length} characters long; at most ${limits.maxTextChars} are allowed.`,
          );
        }
      }
      for (const [key, item] of entries.toReversed())
        stack.push({ value: item, path: [...path, key] });
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(config ?? null), 'utf8');
  // The whole config: no one field to name.
  if (bytes > limits.maxBytes)
    throw new IpnhubError(
      'CONFIG_TOO_LARGE',
      `the config is ${bytes} bytes as JSON; at most ${limits.maxBytes} are allowed.`,
    );
}
