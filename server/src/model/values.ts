import type { TriBool } from './types';

/** Cap on the possibilities a string value tracks; beyond it the value becomes unknown. */
export const MAX_STRINGS = 64;

/**
 * What static evaluation knows of a Bicep value. `strings` lists the possible strings; with `unknown: true`
 * other strings are possible too (an unconstrained parameter, a default that a deployment may override).
 */
export type Value =
  | { kind: 'strings'; values: ReadonlySet<string>; unknown: boolean }
  | { kind: 'bool'; value: TriBool }
  | { kind: 'array'; items: Value[] }
  | { kind: 'object'; props: ReadonlyMap<string, Value> }
  | { kind: 'null' }
  | { kind: 'unknown' };

export const UNKNOWN: Value = { kind: 'unknown' };

/** Longer than any value that decides a tier or a policy setting: `concat(s, s)` chains would otherwise double forever. */
export const MAX_STRING_LENGTH = 64 * 1024;

export function strings(values: Iterable<string>, unknown = false): Value {
  const set = new Set(values);
  if (set.size > MAX_STRINGS) return { kind: 'strings', values: new Set(), unknown: true };
  for (const v of set) if (v.length > MAX_STRING_LENGTH) return { kind: 'strings', values: new Set(), unknown: true };
  return { kind: 'strings', values: set, unknown };
}

export function bool(value: TriBool): Value {
  return { kind: 'bool', value };
}

/** The value of a condition: true, false or unknown. */
export function truth(v: Value): TriBool {
  if (v.kind === 'bool') return v.value;
  if (v.kind === 'null') return false;
  return 'unknown';
}

export function not(b: TriBool): TriBool {
  return b === 'unknown' ? 'unknown' : !b;
}

/** Either of two values (the branches of a ternary whose condition is unknown). */
export function join(a: Value, b: Value): Value {
  if (a.kind === 'strings' && b.kind === 'strings') return strings([...a.values, ...b.values], a.unknown || b.unknown);
  if (a.kind === 'bool' && b.kind === 'bool') return bool(a.value === b.value ? a.value : 'unknown');
  if (a.kind === 'null' && b.kind === 'null') return a;
  return UNKNOWN;
}

/** Applies `fn` to each possible string; non-strings give unknown. */
export function mapStrings(v: Value, fn: (s: string) => string): Value {
  return v.kind === 'strings' ? strings([...v.values].map(fn), v.unknown) : UNKNOWN;
}

/** Does `pred` hold for all combinations of the possible strings of `a` and `b`, none, or some? */
export function compareStrings(a: Value, b: Value, pred: (x: string, y: string) => boolean): TriBool {
  if (a.kind !== 'strings' || b.kind !== 'strings' || a.values.size === 0 || b.values.size === 0) return 'unknown';
  let yes = 0;
  let no = 0;
  for (const x of a.values) for (const y of b.values) pred(x, y) ? yes++ : no++;
  if (a.unknown || b.unknown) return 'unknown';
  if (no === 0) return true;
  return yes === 0 ? false : 'unknown';
}
