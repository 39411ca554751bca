import * as fs from 'node:fs';
import * as vm from 'node:vm';

/**
 * Stops JavaScript that runs too long: V8's own watchdog, as `vm` offers it (`timeout`), around any function.
 *
 * The engine checks a file's time budget between rules, which bounds a file only as long as every rule returns. A rule
 * quadratic on some input nobody thought of (the audits found twenty: minutes on a 4 MB policy) would hold the CLI, or
 * leave the language server silent. JavaScript can't interrupt itself, so the rules run inside a `vm` script with a
 * timeout: Node's watchdog thread ends the script when the time is up, wherever it is, and `within` returns false.
 * No `finally` block runs on the way out: the caller must drop whatever state the stopped code may have left half made.
 * Node's own is dropped here: a module it was loading (xmldom and pkijs are loaded on first use, inside a lint), and a
 * file left open (a configuration file read on first use, inside a lint; see `openedFile`).
 *
 * Cost: a thread started per call (≈ 0.1 ms). A workspace is linted in a few calls, not one per file (see
 * `Workspace.lintAll`).
 */

/** The script every call enters: it calls whatever `within` has put in `current`. */
const ENTRY = Symbol.for('apim-mtls.watchdog.entry');
let script: vm.Script | undefined;
/** The longest timeout `vm` accepts (an unsigned 32-bit number of milliseconds). */
const MAX_TIMEOUT_MS = 2 ** 32 - 1;
let current: (() => void) | undefined;

/**
 * Runs `fn`, and stops it if it still runs after `ms` milliseconds: true when it returned, false when it was stopped.
 * An exception from `fn` passes through. Calls may nest: each has its own time.
 */
export function within(fn: () => void, ms: number): boolean {
  if (!script) {
    (globalThis as Record<symbol, unknown>)[ENTRY] = () => current?.();
    script = new vm.Script(`globalThis[Symbol.for('apim-mtls.watchdog.entry')]()`, { filename: 'apim-mtls-watchdog' });
  }
  // Those up the stack are not this call's to undo (a walk of `require.cache`: a few hundred entries at most).
  const loading = modulesLoading();
  const open = new Set(openFiles);
  // Restored as it was, whatever happened inside: a call nested in this one, stopped by this one's time, ran no
  // `finally` of its own.
  const previous = current;
  current = fn;
  try {
    // A whole number of milliseconds, at least 1 (vm refuses 0) and at most what vm takes (≈ 49.7 days: a budget set
    // higher, to turn it off, made every lint throw).
    script.runInThisContext({ timeout: Math.min(MAX_TIMEOUT_MS, Math.max(1, Math.ceil(ms))) });
    return true;
  } catch (e) {
    if (typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      forgetModulesLoadedBy(loading);
      closeFilesOpenedSince(open);
      return false;
    }
    throw e;
  } finally {
    current = previous;
  }
}

/** Descriptors opened and not closed yet, by code that may run inside `within` (see `openedFile`). */
const openFiles = new Set<number>();

/**
 * Code that opens a file descriptor and closes it in a `finally` registers it here (`openedFile` after the open,
 * `closedFile` after the close): a stop between the two skips the `finally`, and `within` then closes the descriptor
 * instead of leaving it open for the life of the process (the language server's).
 */
export function openedFile(fd: number): void {
  openFiles.add(fd);
}

export function closedFile(fd: number): void {
  openFiles.delete(fd);
}

/** Closes the descriptors registered since `before` and still open: their `finally` was skipped by a stop. */
function closeFilesOpenedSince(before: ReadonlySet<number>): void {
  for (const fd of openFiles) {
    if (before.has(fd)) continue;
    openFiles.delete(fd);
    try {
      fs.closeSync(fd);
    } catch {
      // already closed: the stop came after the close, before `closedFile`
    }
  }
}

/** The modules whose loading has begun and not ended (a module's code requiring this one, up the stack). */
function modulesLoading(): Set<string> {
  const out = new Set<string>();
  const cache = require.cache;
  for (const id in cache) if (cache[id]?.loaded === false) out.add(id);
  return out;
}

/**
 * Node puts a module in `require.cache` before running its code and takes it out if that code throws, in a `finally`
 * that a stop skips: a module stopped while loading stayed there half made, and every later `require` got its partial
 * exports (xmldom without its DOMParser: every policy that needs it threw). Those begun since `before` are taken out, to
 * be loaded again when next required.
 */
function forgetModulesLoadedBy(before: ReadonlySet<string>): void {
  const cache = require.cache;
  for (const id in cache) if (cache[id]?.loaded === false && !before.has(id)) delete cache[id];
}
