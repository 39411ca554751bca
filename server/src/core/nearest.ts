/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours (`lnit` is one edit from `lint`). */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate closest to `name` (case-insensitive), with its distance; ties go to the earlier candidate. */
export function nearest(name: string, candidates: readonly string[]): { value: string; distance: number } | undefined {
  let best: { value: string; distance: number } | undefined;
  for (const value of candidates) {
    const distance = editDistance(name.toLowerCase(), value.toLowerCase());
    if (!best || distance < best.distance) best = { value, distance };
  }
  return best;
}

/**
 * The candidate `name` was probably meant to be: one within a third of its length in edits (at least one edit), so a
 * typo (`--fromat`, `lnit`, `StandrdV2`) finds its word and an unrelated name (`foo`) finds none.
 */
export function probablyMeant(name: string, candidates: readonly string[]): string | undefined {
  const best = nearest(name, candidates);
  return best && best.distance > 0 && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.value : undefined;
}
