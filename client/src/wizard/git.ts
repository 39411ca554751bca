import { execFile } from 'node:child_process';
import * as path from 'node:path';

/** Files that hold a private key: the .pfx (password-protected) and, with "export key", the unencrypted .key. */
const KEY_FILE = /\.(pfx|p12|key)$/i;

function git(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 10_000, windowsHide: true }, (error, stdout) => {
      // A non-zero exit gives its code; git missing (ENOENT) or killed gives -1.
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: stdout.toString().trim() });
    });
  });
}

/**
 * The key files among `files` that git would commit: inside a repository's work tree and not ignored. Undefined when
 * there are none (or git isn't there, or the folder isn't in a repository): nothing to warn about.
 */
export async function keyFilesGitWouldCommit(files: readonly string[]): Promise<{ root: string; files: string[] } | undefined> {
  const keys = files.filter((f) => KEY_FILE.test(f));
  if (keys.length === 0) return undefined;
  const dir = path.dirname(keys[0]!);
  const top = await git(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0 || !top.out) return undefined;
  const tracked: string[] = [];
  for (const file of keys) {
    // Exit code 1: not ignored (0: ignored, 128: an error).
    if ((await git(['check-ignore', '-q', '--', file], dir)).code === 1) tracked.push(file);
  }
  return tracked.length > 0 ? { root: top.out, files: tracked } : undefined;
}

/** The `.gitignore` lines that keep key files out of the repository. */
export const KEY_IGNORE_LINES = ['*.pfx', '*.p12', '*.key'];
