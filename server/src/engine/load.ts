import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFsError, discoverFiles } from './discover';
import { MAX_FILE_BYTES, classify, tooLargeMessage, type FileKind } from './files';
import { closedFile, openedFile } from './watchdog';
import type { Workspace } from './workspace';

export interface LoadOptions {
  /** Files already known from elsewhere (open editors): not read from disk. */
  skip?: (file: string) => boolean;
  onProgress?: (filesRead: number) => void;
  /** Each folder listed, with its entries (the CLI tells its config resolver which folders hold a config file). */
  onDirectory?: (dir: string, entries: readonly fs.Dirent[]) => void;
  /** A path that can't be listed or read goes here instead of into the workspace (as a file with a problem). */
  onError?: (file: string, error: string) => void;
  /**
   * Files named as roots (not found in a folder) are policies when their root element says so, whatever their name,
   * and one that is no kind of file apim-mtls reads goes into the workspace with the problem `NOT_LINTED`.
   */
  namedByContent?: boolean;
  /** Paths a configuration's `ignore` matches: not read; a file named as a path is a "not linted" line instead. */
  ignored?: (p: string, isDir: boolean) => boolean;
}

/** Milliseconds of synchronous reading before yielding to the event loop (the server keeps answering). */
const READ_SLICE_MS = 8;

/**
 * Discovers and reads files into the workspace; returns the files it put there.
 * Files are read synchronously in short slices: for thousands of small files that is several times faster than
 * one promise per file (open, stat, read, close each through the thread pool), and between slices the event loop runs.
 */
export async function loadFromDisk(ws: Workspace, roots: string[], options: LoadOptions = {}): Promise<string[]> {
  const loaded: string[] = [];
  let count = 0;
  let sliceStart = Date.now();
  for (const found of discoverFiles(roots, options.onDirectory, options.ignored)) {
    if ('error' in found) {
      if (options.onError) {
        options.onError(found.file, found.error);
        continue;
      }
      ws.set(found.file, { problem: `cannot read: ${found.error}` });
      loaded.push(found.file);
      continue;
    }
    if (options.skip?.(found.file)) continue;
    if ('ignored' in found && found.ignored) {
      // Asked for by name, but ignored: said, as ESLint says it, not linted.
      if (options.namedByContent) {
        ws.set(found.file, { problem: IGNORED });
        loaded.push(found.file);
      }
      continue;
    }
    const named = options.namedByContent === true && 'named' in found && found.named === true;
    if (ws.set(found.file, readOne(found.file), 0, named) !== 'other') loaded.push(found.file);
    else if (named) {
      // Named on the command line but neither kind of file: said in the report, not dropped without a word.
      ws.set(found.file, { problem: NOT_LINTED });
      loaded.push(found.file);
    }
    count++;
    if (count % 200 === 0) options.onProgress?.(count);
    if (Date.now() - sliceStart >= READ_SLICE_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = Date.now();
    }
  }
  options.onProgress?.(count);
  return loaded;
}

/**
 * Reads the Bicep (with parameters files) and certificate files under `roots` that the workspace doesn't hold yet: the
 * context of the files being linted (their tier, the policies deployed with them, the certificates they pin), which is
 * not linted itself. Policies are not read: those the Bicep loads come in with `loadReferencedFiles`. Returns the
 * files added, sorted; a root that can't be read is passed to `onProblem`. In slices, as `loadFromDisk`: the server
 * keeps answering while a large context folder is read.
 */
export async function loadContextFromDisk(ws: Workspace, roots: string[], onProblem: (file: string, error: string) => void): Promise<string[]> {
  const skip = (file: string): boolean => ws.has(file) || !CONTEXT_KINDS.has(classify(file));
  const bounded = roots.filter((root) => {
    const why = unboundedContext(root);
    if (why) onProblem(root, why);
    return !why;
  });
  return (await loadFromDisk(ws, bounded, { skip, onError: onProblem })).sort();
}

/** How many problems with context paths are said one by one; the rest are counted. */
export const MAX_CONTEXT_PROBLEMS = 20;

/**
 * `loadContextFromDisk` saying at most `MAX_CONTEXT_PROBLEMS` problems through `onProblem`, then how many more there
 * were through `onMore` (20,000 missing "context" paths printed 20,000 lines).
 */
export async function loadContextQuietly(
  ws: Workspace,
  roots: string[],
  onProblem: (file: string, error: string) => void,
  onMore: (more: number) => void,
): Promise<string[]> {
  let problems = 0;
  const files = await loadContextFromDisk(ws, roots, (file, error) => {
    if (++problems <= MAX_CONTEXT_PROBLEMS) onProblem(file, error);
  });
  if (problems > MAX_CONTEXT_PROBLEMS) onMore(problems - MAX_CONTEXT_PROBLEMS);
  return files;
}

/** Is the path the root of its file system (`/`, `C:\\`)? */
export function isFileSystemRoot(p: string): boolean {
  const abs = realOrResolved(p);
  return abs === path.parse(abs).root;
}

/** The path as the file system resolves it (links followed: `everything -> /` is `/`), or as written when it isn't there. */
export function realOrResolved(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * A context path that would have the whole disk (or a home folder) read, every time: refused with the reason. A context
 * path is read in full, so it should name the folder that holds the Bicep.
 */
export function unboundedContext(root: string): string | undefined {
  const abs = realOrResolved(root);
  if (isFileSystemRoot(abs)) return 'is the root of the file system, which would be read in full on every run: name the folder that holds the Bicep';
  if (abs === realOrResolved(os.homedir())) return 'is the home folder, which would be read in full on every run: name the folder that holds the Bicep';
  return undefined;
}

const CONTEXT_KINDS: ReadonlySet<FileKind> = new Set(['bicep', 'certificate']);

/** For a file named as a path that a configuration's `ignore` matches. */
const IGNORED = 'not linted: an "ignore" pattern of .apim-mtls.json matches it';

/** For a file named as a path that is no kind of file apim-mtls reads. */
const NOT_LINTED =
  'not linted: not a policy (its root element is not <policies> or <fragment>), Bicep, Bicep parameters or certificate file';

/**
 * Opening with O_NONBLOCK: a FIFO or device named like a policy must not block the open (fstat then turns it away);
 * on a regular file the flag changes nothing. Windows has no such flag (nor FIFOs in the file system).
 */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Reads one file for the workspace: bytes, or why it can't be read. Never throws.
 * open + fstat + read + close: the size is checked before reading, without a separate stat of the path.
 */
export function readOne(file: string, maxBytes = MAX_FILE_BYTES, tooLarge: (bytes: number) => string = tooLargeMessage): { bytes: Uint8Array } | { problem: string } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
    openedFile(fd);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { problem: `cannot read: ${stat.isDirectory() ? 'is a directory' : 'not a regular file'}` };
    if (stat.size > maxBytes) return { problem: tooLarge(stat.size) };
    // One byte more than the size: a file that grew since fstat is read on (up to the limit), not cut.
    let buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (;;) {
      const wanted = buffer.length - length;
      const n = fs.readSync(fd, buffer, length, wanted, null);
      if (n === 0) break;
      length += n;
      // A regular file read short of what was asked is at its end: no second read to see 0 (one system call less
      // per file; with thousands of files, that shows).
      if (n < wanted && length === stat.size) break;
      if (length > maxBytes) return { problem: tooLarge(length) };
      if (length === buffer.length) {
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
    }
    return { bytes: buffer.subarray(0, length) };
  } catch (e) {
    return { problem: `cannot read: ${describeFsError(e)}` };
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing to do: the bytes are read
      }
      closedFile(fd);
    }
  }
}
