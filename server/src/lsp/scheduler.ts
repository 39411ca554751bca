/**
 * Lints files off the keystroke path: changes are debounced, files are linted a slice at a time between
 * turns of the event loop (so new messages are handled in between), the file being typed in goes first,
 * and a file scheduled again before its turn is linted once, with its latest text.
 */
export class LintScheduler {
  private readonly urgent = new Set<string>();
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private sliceQueued = false;

  constructor(
    private readonly lintAndPublish: (file: string) => void,
    /** Milliseconds of work per slice before yielding to incoming messages. */
    private readonly sliceMs = 10,
  ) {}

  /** Lints `files` once no new change has come for `delayMs`; `urgent` files go before the rest. */
  schedule(files: Iterable<string>, delayMs: number, urgent = false): void {
    const target = urgent ? this.urgent : this.pending;
    for (const f of files) target.add(f);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.queueSlice();
    }, delayMs);
  }

  get idle(): boolean {
    return this.urgent.size === 0 && this.pending.size === 0 && !this.timer;
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
    if (this.timer) return; // still debouncing: the timer resumes the work
    const start = Date.now();
    for (const set of [this.urgent, this.pending]) {
      for (const file of set) {
        set.delete(file);
        this.pending.delete(file);
        this.lintAndPublish(file);
        if (Date.now() - start >= this.sliceMs) {
          if (this.urgent.size || this.pending.size) this.queueSlice();
          return;
        }
      }
    }
  }
}
