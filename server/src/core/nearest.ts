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

/** Three rows of the table `editDistanceWithin` fills, reused from call to call (grown when a word is longer). */
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * `editDistance(a, b)` when it is at most `max`, else `max + 1`: only the cells within `max` of the diagonal are
 * computed, in rows reused from call to call, and a row whose every cell is over `max` ends it (a fraction of the full
 * table for the short distances a typo search allows).
 */
export function editDistanceWithin(a: string, b: string, max: number): number {
  const over = max + 1;
  if (Math.abs(a.length - b.length) > max) return over;
  const width = b.length + 2;
  if (rows[0]!.length < width) rows = [new Int32Array(width * 2), new Int32Array(width * 2), new Int32Array(width * 2)];
  let [before, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) previous[j] = j <= max ? j : over;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(b.length, i + max);
    current[0] = i <= max ? i : over;
    // The cells next to the band read as "over" (the rows are reused: they hold older rows' values).
    if (lo > 1) current[lo - 1] = over;
    let rowMin = current[0];
    for (let j = lo; j <= hi; j++) {
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      if (d > over) d = over;
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (hi + 1 <= b.length) current[hi + 1] = over;
    if (rowMin > max) return over;
    const spare = before;
    before = previous;
    previous = current;
    current = spare;
  }
  return Math.min(previous[b.length]!, over);
}

/**
 * The candidate closest to `name` (case-insensitive) when it is within `max` edits, ties to the earlier candidate; only
 * distances up to `max` are worked out, so a typo search over thousands of candidates stays cheap.
 */
export function nearestWithin(name: string, candidates: readonly string[], max: number): string | undefined {
  const lower = name.toLowerCase();
  let best: { value: string; distance: number } | undefined;
  for (const value of candidates) {
    const distance = editDistanceWithin(lower, value.toLowerCase(), best ? Math.min(max, best.distance) : max);
    if (distance <= max && (!best || distance < best.distance)) best = { value, distance };
    if (best?.distance === 0) break;
  }
  return best?.value;
}

/** The candidate closest to `name` (case-insensitive), with its distance; ties go to the earlier candidate. */
export function nearest(name: string, candidates: readonly string[]): { value: string; distance: number } | undefined {
  const lower = name.toLowerCase();
  let best: { value: string; distance: number } | undefined;
  for (const value of candidates) {
    const other = value.toLowerCase();
    // Only what can beat the best so far is worked out, in reused rows: a 1 MB rule id in a configuration took 8 s
    // (a whole table per candidate, a new row per character). Exact below the bound, so the best's distance is exact.
    const bound = best ? best.distance - 1 : lower.length + other.length;
    if (bound < 0) break;
    const distance = editDistanceWithin(lower, other, bound);
    if (distance <= bound) best = { value, distance };
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
