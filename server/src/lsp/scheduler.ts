/** `APIM_MTLS_TIMING=1`: one JSON line per linted file and per drained queue on stderr (for bench/run.mjs). Off by default. */
const TIMING = !!process.env.APIM_MTLS_TIMING;

/**
 * Lints files off the keystroke path: changes are debounced, files are linted a slice at a time between
 * turns of the event loop (so new messages are handled in between), the file being typed in goes first,
 * and a file scheduled again before its turn is linted once, with its latest text.
 */
export class LintScheduler {
  private readonly urgent = new Set<string>();
  private readonly pending = new Set<string>();
  /** One debounce timer per queue: scheduling the dependents (longer delay) must not delay the typed file. */
  private urgentTimer: NodeJS.Timeout | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private sliceQueued = false;

  constructor(
    private readonly lintAndPublish: (file: string) => void,
    /**
     * Runs `next` until it returns false, and calls it again if it was cut (a rule past its file's budget stopped:
     * `Workspace.lintAll`), telling `onCut`.
     */
    private readonly runLints: (next: () => boolean, onCut: () => void) => void,
    /** Milliseconds of work per slice before yielding to incoming messages. */
    private readonly sliceMs = 10,
  ) {}

  /** Lints `files` once no new change has come for `delayMs`; `urgent` files go before the rest. */
  schedule(files: Iterable<string>, delayMs: number, urgent = false): void {
    const target = urgent ? this.urgent : this.pending;
    for (const f of files) target.add(f);
    const fire = (): void => {
      if (urgent) this.urgentTimer = undefined;
      else this.pendingTimer = undefined;
      this.queueSlice();
    };
    if (urgent) {
      if (this.urgentTimer) clearTimeout(this.urgentTimer);
      this.urgentTimer = setTimeout(fire, delayMs);
    } else {
      // A new change restarts the wait for the rest too (typing goes on: don't re-lint dependents per keystroke).
      if (this.pendingTimer) clearTimeout(this.pendingTimer);
      this.pendingTimer = setTimeout(fire, delayMs);
    }
  }

  get idle(): boolean {
    return this.urgent.size === 0 && this.pending.size === 0 && !this.urgentTimer && !this.pendingTimer;
  }

  private queueSlice(): void {
    if (this.sliceQueued) return;
    this.sliceQueued = true;
    setImmediate(() => {
      this.sliceQueued = false;
      this.slice();
    });
  }

  private slice(): void {
    const start = Date.now();
    // A queue still debouncing waits for its timer, which resumes the work.
    const queues = [this.urgentTimer ? undefined : this.urgent, this.pendingTimer ? undefined : this.pending];
    let current: { file: string; from: Set<string> } | undefined;
    let more = true;
    // One file per call; false once the slice's time is up or the queues are empty.
    const next = (): boolean => {
      const set = queues.find((q) => q !== undefined && q.size > 0);
      if (!set) {
        more = false;
        return false;
      }
      const file: string = set.values().next().value!;
      set.delete(file);
      if (set === this.urgent) this.pending.delete(file);
      current = { file, from: set };
      if (TIMING) {
        const t0 = performance.now();
        this.lintAndPublish(file);
        process.stderr.write(`apim-mtls-timing ${JSON.stringify({ file, ms: +(performance.now() - t0).toFixed(3) })}\n`);
      } else this.lintAndPublish(file);
      current = undefined;
      return Date.now() - start < this.sliceMs;
    };
    // Cut while publishing a file: it goes back to the front of its queue, to be linted again at once (or, if its lint
    // was stopped, published with the stop).
    this.runLints(next, () => {
      if (current) {
        const { file, from } = current;
        const rest = [...from];
        from.clear();
        from.add(file);
        for (const f of rest) from.add(f);
      }
      current = undefined;
    });
    if (more && ((!this.urgentTimer && this.urgent.size) || (!this.pendingTimer && this.pending.size))) this.queueSlice();
    else if (TIMING && this.idle) process.stderr.write('apim-mtls-timing {"drained":true}\n');
  }
}
