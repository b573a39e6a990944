/**
 * "Did you mean …?" for names a person typed: a settings key, a template path segment. The
 * distance is Damerau–Levenshtein (an adjacent swap such as `Feild` → `Field` counts once),
 * compared ignoring case, so `timeoutMS` finds `timeoutMs` and `tagFeild` finds `tagField`.
 */

function distance(a: string, b: string): number {
  const cols = b.length + 1;
  // One flat row-major table; `at` reads it (cells outside the filled part are never read).
  const d = new Array<number>((a.length + 1) * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i <= a.length; i++) d[i * cols] = i;
  for (let j = 0; j <= b.length; j++) d[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `name`, or undefined when none is close enough to be a likely typo:
 * at most a third of the longer name may differ (at least one edit is always allowed). Ties go
 * to the earlier candidate.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(wanted, candidate.toLowerCase());
    const allowed = Math.max(1, Math.floor(Math.max(wanted.length, candidate.length) / 3));
    if (score <= allowed && (best === undefined || score < best.score)) best = { candidate, score };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` when a candidate is close to `name`, else the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const match = closestName(name, candidates);
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
