import * as fs from 'node:fs';
import { tempPathBeside } from '../core/paths';

/**
 * Replaces `file` with `data` all at once: written to a new file beside it, then renamed over it. A failure (a full
 * disk, a kill) leaves the old file as it was, never cut short; a reader never sees half a file. The new file is
 * created with O_EXCL under a name no one can guess, so a link planted at a temporary name can't redirect the write
 * (the rename replaces a link at `file` itself, never its target). `like`: the file's old mode and owner, kept.
 * Throws what the file system says.
 */
export function replaceFile(file: string, data: string | Uint8Array, like?: fs.Stats): void {
  const tmp = tempPathBeside(file);
  const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, like ? like.mode & 0o7777 : 0o644);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (like) {
        // The mode asked at open went through the umask; as root the new file is root's: both as the old one had.
        fs.fchmodSync(fd, like.mode & 0o7777);
        if (process.getuid?.() === 0 && (like.uid !== 0 || like.gid !== 0)) fs.fchownSync(fd, like.uid, like.gid);
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}
