import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `mkdir -p`: makes `dir` and the folders missing above it, one by one. Node's own `mkdir(…, { recursive: true })`
 * never returns for a path under /proc (it retries the folder the kernel refuses with "no entry" forever); here the
 * first folder that can't be made ends it with that error, which names it. A path whose existing part holds a file
 * fails with ENOTDIR (as Node's would), and a folder someone else makes meanwhile is fine.
 */
export function makeDirectory(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; ) {
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (stat) {
      if (!stat.isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}' (${p} is a file)`), { code: 'ENOTDIR', path: p });
      break;
    }
    missing.push(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || !fs.statSync(d, { throwIfNoEntry: false })?.isDirectory()) throw e;
    }
  }
}
