import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { OutputFile } from './generate';

/** A file written by `writeOutputs`. */
export interface WrittenFile {
  path: string;
  thumbprint: string;
  secret: boolean;
}

/** Thrown before anything is written when files exist and `overwrite` is off. */
export class FilesExistError extends Error {
  constructor(readonly existing: string[]) {
    const shown = existing.slice(0, 3).join(', ') + (existing.length > 3 ? ` and ${existing.length - 3} more` : '');
    super(`refusing to overwrite existing file(s): ${shown}; nothing was written (use --force to replace them)`);
  }
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the files into `dir` (created if needed). Files with keys are created with mode 0600 (set at open,
 * never chmod-ed later). Without `overwrite`, fails before writing anything when any file already exists.
 * With `overwrite`, an existing file is removed first so the new one gets the right mode.
 */
export async function writeOutputs(dir: string, files: OutputFile[], options: { overwrite?: boolean } = {}): Promise<WrittenFile[]> {
  const bad = files.filter((f) => !SAFE_NAME.test(f.name)).map((f) => f.name);
  if (bad.length > 0) throw new Error(`invalid output file name(s): ${bad.join(', ')}`);
  const targets = files.map((f) => ({ file: f, path: path.join(dir, f.name) }));
  const existing: string[] = [];
  for (const t of targets) if (await exists(t.path)) existing.push(t.path);
  if (existing.length > 0 && !options.overwrite) throw new FilesExistError(existing);
  await fs.mkdir(dir, { recursive: true });
  const written: WrittenFile[] = [];
  for (const { file, path: target } of targets) {
    if (options.overwrite) await fs.rm(target, { force: true });
    const handle = await fs.open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, file.secret ? 0o600 : 0o644);
    try {
      await handle.writeFile(file.data);
    } finally {
      await handle.close();
    }
    written.push({ path: target, thumbprint: file.thumbprint, secret: file.secret });
  }
  return written;
}
