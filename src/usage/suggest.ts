/*
 * "Did you mean …?" for mistyped words: the closest known word by edit distance, when it is close
 * enough to be a typo rather than a different word. Pure.
 */

/**
 * The candidate nearest to `word` (case-insensitive), if within 1 edit for words of up to four
 * letters and 2 for longer ones; ties go to the earlier candidate.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  if (!w) return undefined;
  const limit = w.length <= 4 ? 1 : 2;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(w, candidate.toLowerCase());
    // A word at the limit from a short candidate is as far from it as from anything else.
    if (distance > limit || distance >= candidate.length) continue;
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * Levenshtein distance counting a swap of two neighbours as one edit (optimal string alignment),
 * since "tpo" for "top" is the commonest typo.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(d, i - 1, j) + 1, at(d, i, j - 1) + 1, at(d, i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, at(d, i - 2, j - 2) + 1);
      }
      set(d, i, j, value);
    }
  }
  return at(d, a.length, b.length);
}

function at(d: number[][], i: number, j: number): number {
  return d[i]?.[j] ?? Number.POSITIVE_INFINITY;
}

function set(d: number[][], i: number, j: number, value: number): void {
  const row = d[i];
  if (row) row[j] = value;
}
