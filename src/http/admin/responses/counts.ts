import * as z from 'zod';

/** `{ <key>: n }` with every key present (0 when none), e.g. counts by verdict. */
export function countsBy<const K extends readonly string[]>(keys: K) {
  const shape = Object.fromEntries(keys.map((key) => [key, z.number().int().min(0)])) as {
    [P in K[number]]: z.ZodNumber;
  };
  return z.strictObject(shape);
}
