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

/** Discovers and reads files into the workspace, a few at a time; returns the files it put there. */
export async function loadFromDisk(ws: Workspace, roots: string[], options: LoadOptions = {}): Promise<string[]> {
  const loaded: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let count = 0;
  for await (const found of discoverFiles(roots)) {
    if (options.isCancelled?.()) break;
    if ('error' in found) {
      ws.set(found.file, { problem: `cannot read: ${found.error}` });
      loaded.push(found.file);
      continue;
    }
    if (options.skip?.(found.file)) continue;
    const task = readOne(found.file).then((content) => {
      if (ws.set(found.file, content) !== 'other') loaded.push(found.file);
      count++;
      if (count % 200 === 0) options.onProgress?.(count);
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= 32) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  options.onProgress?.(count);
  return loaded;
}

async function readOne(file: string): Promise<{ bytes: Uint8Array } | { problem: string }> {
  try {
    const stat = await fs.promises.stat(file);
    if (!stat.isFile()) return { problem: 'not a regular file' };
    if (stat.size > MAX_FILE_BYTES) return { problem: tooLargeMessage(stat.size) };
    return { bytes: await fs.promises.readFile(file) };
  } catch (e) {
    return { problem: `cannot read: ${describeFsError(e)}` };
  }
}
