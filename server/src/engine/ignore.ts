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

/** Why a pattern can't be used, or undefined. */
export function ignorePatternProblem(pattern: string): string | undefined {
  if (pattern.trim() === '') return 'an empty pattern';
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
type Matcher = { steps: Step[]; dirOnly: boolean };
const compiled = new Map<string, Matcher>();

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
        steps.push({ k: 'all' });
        i += 1;
      }
    } else if (c === '*') steps.push({ k: 'star' });
    else if (c === '?') steps.push({ k: 'one' });
    else steps.push({ k: 'char', c });
  }
  return { steps, dirOnly };
}

/** Does the whole of `s` match the steps? Each (step, position) pair is judged once. */
function matchSteps(steps: readonly Step[], s: string): boolean {
  const width = s.length + 1;
  // 0: not judged yet, 1: matches, 2: doesn't.
  const memo = new Uint8Array((steps.length + 1) * width);
  const go = (i: number, j: number): boolean => {
    const key = i * width + j;
    if (memo[key] !== 0) return memo[key] === 1;
    let ok: boolean;
    const step = steps[i];
    if (!step) ok = j === s.length;
    else if (step.k === 'char') ok = s[j] === step.c && go(i + 1, j + 1);
    else if (step.k === 'one') ok = j < s.length && s[j] !== '/' && go(i + 1, j + 1);
    else if (step.k === 'star') ok = go(i + 1, j) || (j < s.length && s[j] !== '/' && go(i, j + 1));
    else if (step.k === 'all') ok = go(i + 1, j) || (j < s.length && go(i, j + 1));
    else {
      // Nothing, or anything up to and including a '/'.
      ok = go(i + 1, j);
      for (let q = s.indexOf('/', j); !ok && q >= 0; q = s.indexOf('/', q + 1)) ok = go(i + 1, q + 1);
    }
    memo[key] = ok ? 1 : 2;
    return ok;
  };
  return go(0, 0);
}

/**
 * Is the path (a folder when `isDir`) ignored by these rules, itself or through a folder it lies in? Paths outside the
 * rules' folder never are.
 */
export function isIgnored(rules: IgnoreRules, p: string, isDir: boolean): boolean {
  const rel = path.relative(rules.dir, p);
  if (rel === '' || leavesFolder(rel)) return false;
  const parts = rel.split(path.sep);
  // The folders it lies in first (a file named on the command line under an ignored folder), then itself.
  for (let n = 1; n <= parts.length; n++) {
    if (matches(rules.patterns, parts.slice(0, n).join('/'), n < parts.length || isDir)) return true;
  }
  return false;
}

function matches(patterns: readonly string[], posix: string, isDir: boolean): boolean {
  for (const pattern of patterns) {
    let m = compiled.get(pattern);
    if (!m) compiled.set(pattern, (m = compile(pattern)));
    if (m.dirOnly && !isDir) continue;
    if (matchSteps(m.steps, posix)) return true;
  }
  return false;
}
