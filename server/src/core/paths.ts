import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/**
 * A temporary name beside `file` that no one can guess (`.name.3f9a…c1.tmp`): created with O_EXCL, a link planted in
 * advance can't redirect the write; renamed over `file` once written.
 */
export function tempPathBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file).slice(0, 100)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** `/.` (a `.` or `..` segment) or `//`: what path.resolve would change in an absolute POSIX path. */
const NOT_NORMAL = /\/\.{1,2}(?:\/|$)|\/\/|.\/$/;

/**
 * `path.resolve(p)`, without its cost for the common case: on POSIX an absolute path without `.`/`..` segments,
 * doubled or trailing slashes is returned as it is (path.resolve would return it unchanged). The model looks paths up
 * once per policy and rule, and path.resolve was ≈ 2 % of a workspace lint.
 */
export function resolvePath(p: string): string {
  if (path.sep === '/' && p.charCodeAt(0) === 0x2f && !NOT_NORMAL.test(p)) return p;
  return path.resolve(p);
}

/**
 * Does `path.relative(from, to)`'s result lead out of `from`? `..` or `../…`, or absolute (another drive on Windows);
 * not a name that merely begins with two dots (`..hidden.policy.xml` lies inside).
 */
export function leavesFolder(rel: string): boolean {
  return rel === '..' || rel.startsWith('..' + path.sep) || (path.sep === '\\' && rel.startsWith('../')) || path.isAbsolute(rel);
}

/** `p` is `dir` or lies under it (`dir` may end in a separator, as a drive root does). */
export function isWithin(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}
