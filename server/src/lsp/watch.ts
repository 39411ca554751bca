import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType } from 'vscode-languageserver/node';
import { errorMessage } from '../core/errors';
import { isWithin } from '../core/paths';

const SKIPPED_SEGMENTS = /(^|[\\/])(node_modules|\.git)([\\/]|$)/;

/**
 * Watches the workspace folders on disk itself, for clients that don't watch files for the server (no dynamic
 * registration of `workspace/didChangeWatchedFiles`: Neovim 0.7, many other editors). Without it, a file changed outside
 * the editor (a `git pull`, a SKU edited elsewhere) would keep its old findings until the server restarts.
 * Events are debounced per path, then reported as created/changed or deleted after a stat, like an LSP client would.
 */
export class DiskWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly onChange: (file: string, type: FileChangeType) => void,
    private readonly log: (message: string) => void,
    private readonly delayMs = 100,
  ) {}

  /** Starts watching a folder (recursively by default); false (and a log line) when the platform or a limit refuses. */
  watch(root: string, recursive = true): boolean {
    this.unwatch(root);
    // Linux has no recursive watch of its own: Node's emulation follows links to folders (a link to / has it walk the
    // disk) and stops without a word at a link loop. There, each folder of the tree is watched, links not followed.
    if (recursive && process.platform === 'linux') return this.watchTree(root);
    try {
      const watcher = fs.watch(root, { recursive, persistent: false }, (_event, name) => {
        if (name) this.changed(path.join(root, name.toString()));
      });
      watcher.on('error', (e) => this.log(`apim-mtls: stopped watching ${root} for changes on disk: ${e.message}`));
      this.watchers.set(root, watcher);
      return true;
    } catch (e) {
      this.log(`apim-mtls: cannot watch ${root} for changes on disk (${errorMessage(e)}); files changed outside the editor are read again on restart`);
      return false;
    }
  }

  /** Stops watching a folder `watch` was given (a workspace folder the client removed). */
  unwatch(root: string): void {
    this.watchers.get(root)?.close();
    this.watchers.delete(root);
    const tree = this.trees.get(root);
    if (tree) for (const w of tree.values()) w.close();
    this.trees.delete(root);
  }

  /** Per root watched folder by folder (Linux): its folders' watchers. */
  private readonly trees = new Map<string, Map<string, fs.FSWatcher>>();

  private watchTree(root: string): boolean {
    const tree = new Map<string, fs.FSWatcher>();
    this.trees.set(root, tree);
    if (!this.watchFolder(root, tree, root)) {
      this.trees.delete(root);
      return false;
    }
    this.addSubfolders(root, tree, root, false);
    return true;
  }

  /** Watches one folder of a tree; false when the system refuses (its limit of watches reached: said once). */
  private watchFolder(dir: string, tree: Map<string, fs.FSWatcher>, root: string): boolean {
    if (tree.has(dir)) return true;
    try {
      const watcher = fs.watch(dir, { persistent: false }, (_event, name) => {
        if (!name) return;
        const p = path.join(dir, name.toString());
        this.changed(p);
        // A folder created (a checkout, an extract): watched too, and the files it came with reported.
        if (!this.closed && this.trees.get(root) === tree && !SKIPPED_SEGMENTS.test(p)) {
          fs.lstat(p, (err, st) => {
            if (this.trees.get(root) !== tree) return;
            // A folder removed, made or replaced (`rm -r x && mkdir x`): its old watchers go, and a folder there now is
            // watched afresh, with the files it came with.
            this.forgetFolder(p, tree);
            if (!err && st.isDirectory() && this.watchFolder(p, tree, root)) this.addSubfolders(p, tree, root, true);
          });
        }
      });
      // A watched folder that is removed ends its watcher: forgotten, so a folder made again at that path is watched.
      watcher.on('error', () => {
        watcher.close();
        if (tree.get(dir) === watcher) tree.delete(dir);
      });
      tree.set(dir, watcher);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES') return false;
      if (!this.limitSaid) {
        this.limitSaid = true;
        this.log(`apim-mtls: cannot watch ${dir} for changes on disk (${errorMessage(e)}): changes under it are read again on restart`);
      }
      return false;
    }
  }

  private limitSaid = false;

  /** Stops watching a folder of a tree and the folders under it. */
  private forgetFolder(dir: string, tree: Map<string, fs.FSWatcher>): void {
    for (const [d, w] of tree) {
      if (isWithin(d, dir)) {
        w.close();
        tree.delete(d);
      }
    }
  }

  /** Watches the folders under `dir` (links to folders not followed, node_modules and .git skipped). */
  private addSubfolders(dir: string, tree: Map<string, fs.FSWatcher>, root: string, reportFiles: boolean): void {
    const stack = [dir];
    while (stack.length > 0) {
      const current = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(current, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        const p = path.join(current, entry.name);
        if (SKIPPED_SEGMENTS.test(p)) continue;
        if (entry.isDirectory()) {
          if (this.watchFolder(p, tree, root)) stack.push(p);
        } else if (reportFiles) {
          this.changed(p);
        }
      }
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    for (const tree of this.trees.values()) for (const w of tree.values()) w.close();
    this.trees.clear();
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }

  private changed(file: string): void {
    if (this.closed || SKIPPED_SEGMENTS.test(file)) return;
    clearTimeout(this.pending.get(file));
    this.pending.set(
      file,
      setTimeout(() => {
        this.pending.delete(file);
        fs.stat(file, (err) => {
          if (!this.closed) this.onChange(file, err ? FileChangeType.Deleted : FileChangeType.Created);
        });
      }, this.delayMs),
    );
  }
}
