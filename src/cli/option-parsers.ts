/**
 * Parsers for option values shared by several commands. A bad value throws commander's
 * `InvalidArgumentError`, which commander reports as a usage error naming the option.
 */
import { InvalidArgumentError } from 'commander';
import type * as z from 'zod';
import { parseMoney } from '../core/money.js';
import { isoInstant } from '../http/admin/common-schemas.js';
import { MAX_PAGE_LIMIT } from '../db/page.js';

/** For repeatable options: `--event payment --event refund` → ['payment', 'refund']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number ≥ `min`. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()))
      throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
    const n = Number(value.trim());
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}.`);
    return n;
  };
}

/** One of a fixed list of values. */
export function oneOf<const T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const match = choices.find((c) => c === value);
    if (match === undefined)
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}".`);
    return match;
  };
}

/** A repeatable option restricted to a fixed list of values. */
export function collectOneOf<const T extends string>(
  choices: readonly T[],
): (value: string, previous: T[] | undefined) => T[] {
  const parse = oneOf(choices);
  return (value, previous) => [...(previous ?? []), parse(value)];
}

/** A repeatable option restricted to a fixed list, each value also a comma list: `--status dead,failed`. */
export function collectListOf<const T extends string>(
  choices: readonly T[],
): (value: string, previous: T[] | undefined) => T[] {
  const parse = oneOf(choices);
  return (value, previous) => [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map(parse),
  ];
}

/** An absolute http:// or https:// URL. */
export function httpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an http:// or https:// URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new InvalidArgumentError('expected an http:// or https:// URL.');
  return url.toString();
}

/** A positive decimal amount such as `97.00`, kept as text. */
export function moneyAmount(value: string): string {
  if (parseMoney(value, 'EUR') === null || value.trim().startsWith('-'))
    throw new InvalidArgumentError(`expected a decimal amount like 97.00, got "${value}".`);
  return value.trim();
}

/** A three-letter ISO 4217 code, upper-cased. */
export function currencyCode(value: string): string {
  if (!/^[A-Za-z]{3}$/.test(value))
    throw new InvalidArgumentError(`expected a 3-letter ISO currency code, got "${value}".`);
  return value.toUpperCase();
}

/** Rows per page of a list command: a whole number ≥ 1, capped at the API's maximum page size. */
export function pageSize(value: string): number {
  return Math.min(integerAtLeast(1)(value), MAX_PAGE_LIMIT);
}

/** A value the admin API's schema for the same parameter accepts, as that schema normalises it. */
export function bySchema<T>(schema: z.ZodType<T>, expected: string): (value: string) => T {
  return (value) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new InvalidArgumentError(`expected ${expected}, got "${value}".`);
    return parsed.data;
  };
}

/** An ISO 8601 instant with a zone (`Z` or an offset), normalised to UTC as the API does. */
export const isoInstantOption: (value: string) => string = bySchema(
  isoInstant,
  'an ISO 8601 date and time with a zone, e.g. 2026-05-14T09:12:45Z',
);
