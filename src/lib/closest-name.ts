/**
 * "Did you mean …?" for names a person typed: a misspelt setting, config key or option. The
 * distance is optimal string alignment (Levenshtein plus swapping two neighbours, the most
 * common typo), compared case-insensitively, so `timeoutMS`, `tagFeild` and `publicBaseURL`
 * all find their intended name.
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** `warning` for `warn`, `err` for `error`: one name is the start of the other (at least 3 characters). */
function isPrefixOf(a: string, b: string): boolean {
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= 3 && longer.startsWith(shorter);
}

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a plausible
 * typo (at most a third of the longer name and at most 3 edits, or one name the start of the
 * other; case is ignored). Ties go to the earlier candidate, so callers list the likelier names
 * first.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const lower = name.toLowerCase();
    const distance = editDistance(wanted, lower);
    const limit = Math.min(3, Math.floor(Math.max(wanted.length, name.length) / 3));
    const plausible = distance <= limit || isPrefixOf(wanted, lower);
    if (plausible && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** ` (did you mean "<name>"?)` when a close candidate exists, else an empty string. */
export function didYouMean(
  input: string,
  candidates: Iterable<string>,
  quote: (name: string) => string = (name) => `"${name}"`,
): string {
  const name = closestName(input, candidates);
  return name === undefined ? '' : ` (did you mean ${quote(name)}?)`;
}
