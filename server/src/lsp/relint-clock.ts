/**
 * A certificate that expires while the editor is open: the files whose findings judged it against the clock are
 * linted again when that judgement changes ("expires in 2 days" → "in 1 day" → "expired"), without an edit.
 * One timer, for the earliest moment.
 */
export class RelintClock {
  /** Published files whose findings change with time alone (certificate expiry), with the moment they do. */
  private readonly timeBound = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private armedFor?: number;

  constructor(private readonly relint: (files: string[]) => void) {}

  /** `file`'s findings hold until `until` (ms since the epoch), or as long as its inputs do (undefined). */
  note(file: string, until: number | undefined): void {
    if (until === undefined) {
      // A timer set for this file finds nothing due and moves on to the next.
      this.timeBound.delete(file);
      return;
    }
    this.timeBound.set(file, until);
    if (this.armedFor === undefined || until < this.armedFor) this.arm(until);
  }

  private arm(at: number): void {
    // At least a second (a judgement due now is made again just after it); setTimeout's limit is ≈ 24.8 days.
    const delay = Math.min(Math.max(at - Date.now(), 1000), 2 ** 31 - 1);
    const timer = setTimeout(() => this.fired(), delay);
    timer.unref();
    // Noted once the timer is set: publishing runs inside a time limit (`Workspace.lintAll`) that may stop it anywhere,
    // and a moment noted without its timer kept every later one from being set.
    if (this.timer) clearTimeout(this.timer);
    this.timer = timer;
    this.armedFor = at;
  }

  private fired(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    const now = Date.now();
    const due: string[] = [];
    let next = Infinity;
    for (const [file, at] of this.timeBound) {
      if (at <= now) due.push(file);
      else next = Math.min(next, at);
    }
    for (const file of due) this.timeBound.delete(file);
    if (next !== Infinity) this.arm(next);
    if (due.length > 0) this.relint(due);
  }
}
