import { staysInFile, type Finding, type Fix, type TextEdit } from '../core/finding';

/**
 * The findings' automatic fixes (`Fix.autofix`) that stay within `file`, in document order, without overlaps: a fix
 * whose edits overlap an earlier one's waits for the next pass (after a re-lint), as in ESLint. A fix that creates
 * files or edits another file is never applied automatically.
 */
export function autofixes(findings: readonly Finding[], file: string): Fix[] {
  const candidates: Fix[] = [];
  for (const finding of findings) {
    for (const fix of finding.fixes) {
      if (fix.autofix && staysInFile(fix, file)) candidates.push(fix);
    }
  }
  const first = (fix: Fix): number => Math.min(...fix.edits.map((e) => e.span.start));
  candidates.sort((a, b) => first(a) - first(b));
  const taken: Fix[] = [];
  const edits: TextEdit[] = [];
  // Where the taken edits end, at most: a fix that starts after it overlaps none of them (in order, nearly every one;
  // comparing each fix with every edit taken was quadratic: 30,000 fixes in a policy took 3 s on each code action).
  let end = -1;
  for (const fix of candidates) {
    if (first(fix) <= end && fix.edits.some((e) => edits.some((t) => overlaps(e, t)))) continue;
    taken.push(fix);
    edits.push(...fix.edits);
    for (const e of fix.edits) end = Math.max(end, e.span.end);
  }
  return taken;
}

/** Two edits touch the same text: overlapping ranges, or an insertion at the other's start, end or inside it. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (a.span.start < b.span.end && b.span.start < a.span.end) return true;
  const point = (e: TextEdit, other: TextEdit): boolean => e.span.start === e.span.end && e.span.start >= other.span.start && e.span.start <= other.span.end;
  return point(a, b) || point(b, a);
}

/** Applies edits that don't overlap (offsets into `text`). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = '';
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.span.start - b.span.start)) {
    out += text.slice(at, e.span.start) + e.newText;
    at = e.span.end;
  }
  return out + text.slice(at);
}
