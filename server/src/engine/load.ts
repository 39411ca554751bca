import * as fs from 'node:fs';
import { describeFsError, discoverFiles } from './discover';
import { MAX_FILE_BYTES, tooLargeMessage } from './files';
import type { Workspace } from './workspace';

export interface LoadOptions {
  /** Files already known from elsewhere (open editors): not read from disk. */
  skip?: (file: string) => boolean;
  onProgress?: (filesRead: number) => void;
  /** Stop early (the server is shutting down, a new index started). */
  isCancelled?: () => boolean;
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
  for await (const found of discoverFiles(roots)) {
    if (options.isCancelled?.()) break;
    if ('error' in found) {
      ws.set(found.file, { problem: `cannot read: ${found.error}` });
      loaded.push(found.file);
      continue;
    }
    if (options.skip?.(found.file)) continue;
    if (ws.set(found.file, readOne(found.file)) !== 'other') loaded.push(found.file);
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

/** Reads one file for the workspace: bytes, or why it can't be read. Never throws. */
export function readOne(file: string): { bytes: Uint8Array } | { problem: string } {
  try {
    // stat before open: opening a FIFO or device named like a policy would block.
    const stat = fs.statSync(file);
    if (!stat.isFile()) return { problem: 'not a regular file' };
    if (stat.size > MAX_FILE_BYTES) return { problem: tooLargeMessage(stat.size) };
    const bytes = fs.readFileSync(file);
    if (bytes.length > MAX_FILE_BYTES) return { problem: tooLargeMessage(bytes.length) };
    return { bytes };
  } catch (e) {
    return { problem: `cannot read: ${describeFsError(e)}` };
  }
}
