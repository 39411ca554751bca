import type { PolicyDocument, PolicyElement } from './types';

/**
 * A memo of the last few keys (by identity), for analyses of a parsed document that several rules ask for.
 * Not a WeakMap on purpose: V8 keeps a WeakMap's values alive through young-generation collections, so a WeakMap
 * keyed by short-lived parses promoted every analysis to the old generation (≈ 100 MB of garbage over a workspace lint).
 * Rules look at one document at a time: the last few are enough.
 *
 * A document the workspace is done with (a new version of its file, a parse dropped) is forgotten at once
 * (`forgetDocument`): else the last few versions of a file being typed into stayed alive here, each with its parse and
 * analyses (a 3.6 MB policy: ≈ 150 MB a version, four versions held).
 */
export class RecentCache<K extends object, V> {
  private readonly keys: K[] = [];
  private readonly values: V[] = [];

  /**
   * `belongsTo`: whether an entry is (or holds) a part of the document, to forget it with the document. By default the
   * key is the document itself.
   */
  constructor(
    private readonly size = 2,
    private readonly belongsTo: (key: K, value: V, doc: PolicyDocument) => boolean = (key, _value, doc) => key === (doc as object),
  ) {
    all.push(this);
  }

  clear(): void {
    this.keys.length = 0;
    this.values.length = 0;
  }

  /** Drops the entries that belong to `doc`. */
  forget(doc: PolicyDocument): void {
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (!this.belongsTo(this.keys[i]!, this.values[i]!, doc)) continue;
      this.keys.splice(i, 1);
      this.values.splice(i, 1);
    }
  }

  /** How many entries are kept (for tests). */
  get length(): number {
    return this.keys.length;
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
const all: Pick<RecentCache<object, unknown>, 'clear' | 'forget' | 'length'>[] = [];

/** Empties every cache: after a rule was stopped half-way (see `engine/watchdog.ts`), what it cached may be half made. */
export function clearRecentCaches(): void {
  for (const cache of all) cache.clear();
}

/**
 * Drops what every cache holds of `doc`: the workspace calls it when it lets go of a parse (a new version of the file,
 * a parse dropped after its lint or from its bounded cache), which is never asked about again.
 */
export function forgetDocument(doc: PolicyDocument): void {
  for (const cache of all) cache.forget(doc);
}

/** How many entries the caches keep, in all (for tests). */
export function recentEntries(): number {
  let n = 0;
  for (const cache of all) n += cache.length;
  return n;
}

/**
 * Is `el` one of the document's elements? A binary search by its start: `doc.elements` are in document order, each
 * starting at its own `<`.
 */
export function isElementOf(doc: PolicyDocument, el: PolicyElement): boolean {
  const elements = doc.elements;
  const start = el.span.start;
  let lo = 0;
  let hi = elements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = elements[mid]!;
    if (at.span.start < start) lo = mid + 1;
    else if (at.span.start > start) hi = mid - 1;
    else return at === el;
  }
  return false;
}
