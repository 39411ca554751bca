/**
 * A memo of the last few keys (by identity), for analyses of a parsed document that several rules ask for.
 * Not a WeakMap on purpose: V8 keeps a WeakMap's values alive through young-generation collections, so a WeakMap
 * keyed by short-lived parses promoted every analysis to the old generation (≈ 100 MB of garbage over a workspace lint).
 * Rules look at one document at a time: the last few are enough.
 */
export class RecentCache<K extends object, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];

  constructor(private readonly size = 2) {
    all.push(this);
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
  }

  get(key: K, make: (key: K) => V): V {
    const i = this.keys.indexOf(key);
    if (i === 0) return this.values[0]!;
    if (i > 0) {
      const value = this.values[i]!;
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
      this.keys.unshift(key);
      this.values.unshift(value);
      return value;
    }
    const value = make(key);
    this.keys.unshift(key);
    this.values.unshift(value);
    if (this.keys.length > this.size) {
      this.keys.length = this.size;
      this.values.length = this.size;
    }
    return value;
  }
}

/** Every cache made (module-level, a few dozen). */
const all: RecentCache<object, unknown>[] = [];

/** Empties every cache: after a rule was stopped half-way (see `engine/watchdog.ts`), what it cached may be half made. */
export function clearRecentCaches(): void {
  for (const cache of all) cache.clear();
}
