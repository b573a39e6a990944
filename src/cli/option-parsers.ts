/**
 * Parsers for option values shared by several commands. A bad value throws commander's
 * `InvalidArgumentError`, which commander reports as a usage error naming the option.
 */
import { InvalidArgumentError } from 'commander';

/** For repeatable options: `--event payment --event refund` → ['payment', 'refund']. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** A whole number ≥ `min`. */
export function integerAtLeast(min: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number, got "${value}".`);
    const n = Number(value.trim());
    if (n < min) throw new InvalidArgumentError(`must be at least ${min}.`);
    return n;
  };
}

/** One of a fixed list of values. */
export function oneOf<const T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    const match = choices.find((c) => c === value);
    if (match === undefined) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got "${value}".`);
    return match;
  };
}

/** A repeatable option restricted to a fixed list of values. */
export function collectOneOf<const T extends string>(choices: readonly T[]): (value: string, previous: T[] | undefined) => T[] {
  const parse = oneOf(choices);
  return (value, previous) => [...(previous ?? []), parse(value)];
}
