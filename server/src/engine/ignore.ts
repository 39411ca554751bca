import * as path from 'node:path';

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

type Matcher = { re: RegExp; dirOnly: boolean };
const compiled = new Map<string, Matcher>();

function compile(pattern: string): Matcher {
  let p = pattern.replace(/\\/g, '/');
  const dirOnly = p.endsWith('/');
  if (dirOnly) p = p.replace(/\/+$/, '');
  // A slash before the end anchors the pattern at the configuration's folder; otherwise it matches at any depth.
  const anchored = p.includes('/');
  p = p.replace(/^\//, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      // `**/` any number of folders (none included); a trailing `**` everything below.
      if (p[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return { re: new RegExp(`^${anchored ? '' : '(?:.*/)?'}${re}$`), dirOnly };
}

/**
 * Is the path (a folder when `isDir`) ignored by these rules, itself or through a folder it lies in? Paths outside the
 * rules' folder never are.
 */
export function isIgnored(rules: IgnoreRules, p: string, isDir: boolean): boolean {
  const rel = path.relative(rules.dir, p);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return false;
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
    if (m.re.test(posix)) return true;
  }
  return false;
}
