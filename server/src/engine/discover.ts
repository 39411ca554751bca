import * as fs from 'node:fs';
import * as path from 'node:path';
import { isCandidate } from './files';

const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * A file found (`named`: given itself as a path, not found in a folder; `ignored`: named, but a configuration's
 * `ignore` matches it), or a path that can't be read.
 */
export type Discovered = { file: string; named?: boolean; ignored?: boolean } | { file: string; error: string };

/**
 * Walks the given files and folders (recursively, skipping node_modules and .git, not following directory links)
 * and yields every policy, Bicep and certificate candidate as soon as it is found.
 * A path that can't be read is yielded with its error, never thrown.
 * Synchronous: a `readdir` is a fraction of a millisecond, while awaiting one through the thread pool left the CLI idle
 * ≈ 0.25 s over 4,000 files. Callers that must stay responsive (the server) yield between slices of their own.
 */
export function* discoverFiles(
  roots: string[],
  onDirectory?: (dir: string, entries: readonly fs.Dirent[]) => void,
  ignored?: (p: string, isDir: boolean) => boolean,
): Generator<Discovered> {
  const seen = new Set<string>();
  for (const root of roots) {
    const abs = path.resolve(root);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (e) {
      yield { file: abs, error: describeFsError(e) };
      continue;
    }
    if (stat.isFile()) {
      if (!seen.has(abs)) {
        seen.add(abs);
        yield ignored?.(abs, false) ? { file: abs, named: true, ignored: true } : { file: abs, named: true };
      }
      continue;
    }
    if (!stat.isDirectory()) {
      // A FIFO, socket or device named as a path: said, not listed as a folder (which said "not a directory").
      if (!seen.has(abs)) {
        seen.add(abs);
        yield { file: abs, error: 'not a regular file' };
      }
      continue;
    }
    if (ignored?.(abs, true)) {
      // A folder named as a path that an `ignore` pattern matches: said once, as a named file is.
      if (!seen.has(abs)) {
        seen.add(abs);
        yield { file: abs, named: true, ignored: true };
      }
      continue;
    }
    const stack = [abs];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        yield { file: dir, error: describeFsError(e) };
        continue;
      }
      onDirectory?.(dir, entries);
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
      // `dir` is absolute and normalised (path.resolve, then names from readdir): joining by hand is path.join's result.
      const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
      for (const entry of entries) {
        const p = prefix + entry.name;
        if (entry.isDirectory()) {
          if (!SKIPPED_DIRS.has(entry.name) && !ignored?.(p, true)) stack.push(p);
        } else if (isCandidate(p) && !seen.has(p) && !ignored?.(p, false)) {
          seen.add(p);
          // A FIFO, socket or device named like a policy, Bicep or certificate file: read, it says it isn't a regular
          // file (a line in the report, not skipped without a word).
          yield { file: p };
        }
      }
    }
  }
}

/**
 * Node.js decodes file names as UTF-8: a name that isn't valid UTF-8 comes back with U+FFFD in place of the bad bytes,
 * and that name opens nothing.
 */
export const NOT_UTF8_NAME = 'its name is not valid UTF-8, which Node.js cannot open: rename it';

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return typeof err.path === 'string' && err.path.includes('\uFFFD') ? NOT_UTF8_NAME : 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.message ?? String(e);
  }
}
