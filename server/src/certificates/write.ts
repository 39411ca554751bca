import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { makeDirectory } from '../core/mkdir';
import { tempPathBeside } from '../core/paths';
import type { OutputFile } from './generate';
import { errorMessage } from '../core/errors';

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
 * Every file is written under a temporary name first, and put in place only once all are written: a full disk or an
 * interrupted run leaves the old files as they were (with `overwrite`, a CA's old key is never lost half-way), not a
 * mix of old and new certificates that no longer chain. A file put in place replaces a link at its name, never the
 * link's target.
 */
export async function writeOutputs(dir: string, files: OutputFile[], options: { overwrite?: boolean } = {}): Promise<WrittenFile[]> {
  const bad = files.filter((f) => !SAFE_NAME.test(f.name)).map((f) => f.name);
  if (bad.length > 0) throw new Error(`invalid output file name(s): ${bad.join(', ')}`);
  const targets = files.map((f) => ({ file: f, path: path.join(dir, f.name), tmp: tempPathBeside(path.join(dir, f.name)) }));
  const existing: string[] = [];
  for (const t of targets) if (await exists(t.path)) existing.push(t.path);
  if (existing.length > 0 && !options.overwrite) throw new FilesExistError(existing);
  makeDirectory(dir, 0o755);
  const created: string[] = [];
  try {
    for (const { file, tmp } of targets) {
      // O_EXCL under a name no one can guess: a link planted there can't redirect the write.
      const handle = await fs.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, file.secret ? 0o600 : 0o644);
      created.push(tmp);
      try {
        await handle.writeFile(file.data);
      } finally {
        await handle.close();
      }
    }
  } catch (e) {
    await Promise.all(created.map((t) => fs.rm(t, { force: true })));
    throw new Error(`${errorMessage(e)}; nothing was written${existing.length > 0 ? ' or replaced' : ''}`);
  }
  const written: WrittenFile[] = [];
  try {
    for (const { file, path: target, tmp } of targets) {
      if (options.overwrite) await fs.rename(tmp, target);
      else {
        // A hard link fails if a file appeared at the name since the check: never replaced without --force. A file
        // system without hard links (FAT) gets a rename after one more check.
        try {
          await fs.link(tmp, target);
          await fs.rm(tmp);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EEXIST' || (await exists(target))) throw new FilesExistError([target]);
          await fs.rename(tmp, target);
        }
      }
      written.push({ path: target, thumbprint: file.thumbprint, secret: file.secret });
    }
  } catch (e) {
    await Promise.all(targets.map((t) => fs.rm(t.tmp, { force: true })));
    const done = written.map((w) => path.basename(w.path));
    throw new Error(`${errorMessage(e)}; ${done.length > 0 ? `only ${done.join(', ')} ${done.length === 1 ? 'was' : 'were'} put in place` : 'nothing was put in place'}`);
  }
  return written;
}
