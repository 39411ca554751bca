import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType } from 'vscode-languageserver/node';

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
    try {
      const watcher = fs.watch(root, { recursive, persistent: false }, (_event, name) => {
        if (name) this.changed(path.join(root, name.toString()));
      });
      watcher.on('error', (e) => this.log(`apim-mtls: stopped watching ${root} for changes on disk: ${e.message}`));
      this.watchers.get(root)?.close();
      this.watchers.set(root, watcher);
      return true;
    } catch (e) {
      this.log(`apim-mtls: cannot watch ${root} for changes on disk (${(e as Error).message}); files changed outside the editor are read again on restart`);
      return false;
    }
  }

  /** Stops watching a folder `watch` was given (a workspace folder the client removed). */
  unwatch(root: string): void {
    this.watchers.get(root)?.close();
    this.watchers.delete(root);
  }

  close(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
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
