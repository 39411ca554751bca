import * as path from 'node:path';
import { leavesFolder } from '../core/paths';

/**
 * The `ignore` patterns of a configuration file: paths under its folder that apim-mtls doesn't read (generated
 * output, vendored samples), in `.gitignore`'s spirit: `*` and `?` within a name, `**` across folders, a trailing `/`
 * for folders only; a pattern with a `/` before its end is anchored at the configuration's folder, one without matches
 * a name at any depth. An ignored folder is not walked.
 */
export interface IgnoreRules {
  /** The folder of the configuration file: patterns are relative to it. */
  dir: string;
  patterns: string[];
}

/** A pattern longer than this is refused: longer than a path may be (Linux's PATH_MAX), it is a mistake or no pattern at all. */
const MAX_PATTERN_LENGTH = 4096;

/** Why a pattern can't be used, or undefined. */
export function ignorePatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern';
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than a path may be (${MAX_PATTERN_LENGTH} characters)`;
  if (pattern.startsWith('!')) return 'negation (!) is not supported: leave the path out of the pattern instead';
  if (path.isAbsolute(pattern) && !pattern.startsWith('/')) return 'an absolute path: write it relative to the configuration file';
  return undefined;
}

/**
 * A pattern as steps: a character, `?` (one character of a name), `*` (any run within a name), `**` (anything) and
 * `**` before a `/` (any number of folders). Matched by `matchSteps` in time proportional to the pattern's length times the
 * path's: a regular expression of several `*` backtracks exponentially (`*a*a*a*a*b` against a long name of `a`s).
 */
type Step = { k: 'char'; c: string } | { k: 'one' } | { k: 'star' } | { k: 'all' } | { k: 'dirs' };
/** `memory`: what `matchSteps` works in, made once per pattern. */
type Matcher = { steps: Step[]; dirOnly: boolean; memory?: { mark: Int32Array; a: Int32Array; b: Int32Array } };
const compiled = new Map<string, Matcher>();
/** The compiled patterns kept at most. */
const MAX_COMPILED = 1000;

function compile(pattern: string): Matcher {
  let p = pattern.replace(/\\/g, '/');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  // A slash before the end anchors the pattern at the configuration's folder; otherwise it matches at any depth.
  const anchored = p.includes('/');
  p = p.replace(/^\//, '');
  const steps: Step[] = anchored ? [] : [{ k: 'dirs' }];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` any number of folders (none included); a trailing `**` everything below.
      if (p[i + 2] === '/') {
        steps.push({ k: 'dirs' });
        i += 2;
      } else {
        star(steps, 'all');
        i += 1;
      }
    } else if (c === '*') star(steps, 'star');
    else if (c === '?') steps.push({ k: 'one' });
    else steps.push({ k: 'char', c });
  }
  return { steps, dirOnly };
}

/** Adds a `*` or `**`: one after another they are one (`**` if either is), so thousands of them are matched as one. */
function star(steps: Step[], k: 'star' | 'all'): void {
  const last = steps[steps.length - 1];
  if (last?.k === 'star' || last?.k === 'all') steps[steps.length - 1] = { k: last.k === 'all' ? 'all' : k };
  else steps.push({ k });
}

/**
 * Does the whole of `s` match the steps? Read one character at a time, keeping the steps that may come next (each once):
 * no recursion, whose depth grew with the pattern (a pattern of 14,000 `*` overflowed the stack), and memory for the
 * pattern only (a table of pattern × path made a 1 MB pattern slow on every file).
 */
function matchSteps(matcher: Matcher, s: string): boolean {
  const { steps } = matcher;
  const n = steps.length;
  const memory = (matcher.memory ??= { mark: new Int32Array(2 * (n + 1)), a: new Int32Array(2 * (n + 1)), b: new Int32Array(2 * (n + 1)) });
  // The position at which each step was last reached (from 0) or a `**/` was last part-way through a folder (from n + 1).
  const mark = memory.mark.fill(-1);
  // The states before the character (`now`) and after it (`next`): steps, then `n + 1 + i` for a `**/` part-way.
  let now = memory.a;
  let next = memory.b;
  let count = 0;
  let nextCount = 0;
  // Step i at position j, with the steps after it that may match nothing (`*`, `**`, `**/`).
  const reach = (i: number, j: number): void => {
    for (; i <= n && mark[i] !== j; i++) {
      mark[i] = j;
      next[nextCount++] = i;
      const k = steps[i]?.k;
      if (k === 'dirs') enter(i, j);
      if (k !== 'star' && k !== 'all' && k !== 'dirs') return;
    }
  };
  const enter = (i: number, j: number): void => {
    if (mark[n + 1 + i] === j) return;
    mark[n + 1 + i] = j;
    next[nextCount++] = n + 1 + i;
  };
  reach(0, 0);
  for (let j = 0; j < s.length && nextCount > 0; j++) {
    [now, next] = [next, now];
    count = nextCount;
    nextCount = 0;
    const c = s[j]!;
    for (let q = 0; q < count; q++) {
      const i = now[q]!;
      if (i > n) {
        // `**/`: anything up to and including a '/'.
        enter(i - n - 1, j + 1);
        if (c === '/') reach(i - n, j + 1);
        continue;
      }
      const step = steps[i];
      if (!step) continue;
      if (step.k === 'char' ? c === step.c : step.k === 'one' && c !== '/') reach(i + 1, j + 1);
      else if (step.k === 'all' || (step.k === 'star' && c !== '/')) reach(i, j + 1);
    }
  }
  return mark[n] === s.length;
}

/** How many compiled patterns are kept (for tests: the cache is bounded). */
export function compiledPatternCount(): number {
  return compiled.size;
}

/**
 * Is the path (a folder when `isDir`) ignored by these rules, itself or through a folder it lies in? Paths outside the
 * rules' folder never are.
 */
export function isIgnored(rules: IgnoreRules, p: string, isDir: boolean): boolean {
  const rel = path.relative(rules.dir, p);
  if (rel === '' || leavesFolder(rel)) return false;
  const posix = rel.split(path.sep).join('/');
  // The folders it lies in first (a file named on the command line under an ignored folder), then itself.
  return folderIgnored(rules, parentOf(posix)) || matches(rules.patterns, posix, isDir);
}

/** The folders judged so far, by rules: each judged once (judging every folder above each path was cubic in the depth). */
const judged = new WeakMap<IgnoreRules, Map<string, boolean>>();

/** Is the folder (relative to the rules' folder, `/`-separated; `''` for that folder) ignored, itself or through one above it? */
function folderIgnored(rules: IgnoreRules, rel: string): boolean {
  let known = judged.get(rules);
  if (!known) judged.set(rules, (known = new Map()));
  // Up to the nearest folder already judged, then down again, judging each.
  const pending: string[] = [];
  let ignored = false;
  for (let f = rel; f !== ''; f = parentOf(f)) {
    const k = known.get(f);
    if (k !== undefined) {
      ignored = k;
      break;
    }
    pending.push(f);
  }
  for (let i = pending.length - 1; i >= 0; i--) {
    ignored ||= matches(rules.patterns, pending[i]!, true);
    known.set(pending[i]!, ignored);
  }
  return ignored;
}

function parentOf(posix: string): string {
  return posix.slice(0, Math.max(0, posix.lastIndexOf('/')));
}

/**
 * Each list's patterns compiled, kept as long as the list (a configuration's) is. The shared cache alone starts over
 * past `MAX_COMPILED`: a list longer than that compiled every pattern again for every path (20,000 patterns over 1,000
 * files: 29 s instead of 2 s).
 */
const compiledLists = new WeakMap<readonly string[], Matcher[]>();

function matchersOf(patterns: readonly string[]): Matcher[] {
  let list = compiledLists.get(patterns);
  if (!list) {
    list = [];
    for (const pattern of patterns) {
      let m = compiled.get(pattern);
      if (!m) {
        // Patterns of configurations edited again and again pile up (the language server lives long): the cache starts
        // over past a size no configuration needs, where it held every pattern ever seen (240 of 4 KB a save: 73 MB).
        if (compiled.size >= MAX_COMPILED) compiled.clear();
        compiled.set(pattern, (m = compile(pattern)));
      }
      list.push(m);
    }
    compiledLists.set(patterns, list);
  }
  return list;
}

function matches(patterns: readonly string[], posix: string, isDir: boolean): boolean {
  for (const m of matchersOf(patterns)) {
    if (m.dirOnly && !isDir) continue;
    if (matchSteps(m, posix)) return true;
  }
  return false;
}
