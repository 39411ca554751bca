import type { Span } from '../../core/text';
import type { CsToken, PolicyExpression } from '../../parsers/policy/types';
import { afterDot, comparisons, operandAfter, operandBefore, type Operand } from './cs-tokens';
import { VALIDITY_MEMBERS } from './certificate-expressions';

/** Certificate validity dates (`NotBefore`, `NotAfter`: local time) compared with `DateTime.UtcNow` in policy expressions. */

/** Members that keep a DateTime in the same zone (`DateTime.UtcNow.AddDays(1)`, `.Date` are still UTC). */
const SAME_ZONE = /^(?:Add[A-Z]\w*|Date)$/;

/** Words one of the ways of writing UTC now holds: a document without any has no such comparison. */
export const UTC_NOW_WORDS = ['UtcNow', 'ToUniversalTime'] as const;

/** A comparison (or subtraction, `CompareTo`, `DateTime.Compare`) of a certificate date with UTC now. */
export interface UtcValidityComparison {
  /** Where UTC now is read (`UtcNow`, or `ToUniversalTime`), in the comparison or the local variable's initializer. */
  utcNow: CsToken;
  /** How it is written (`DateTime.UtcNow`, `DateTimeOffset.UtcNow.DateTime`, `DateTime.Now.ToUniversalTime()`). */
  written: string;
  /** The edit that makes it local `DateTime.Now`. */
  toLocal: { span: Span; newText: string };
  /** The certificate side, e.g. `cert.NotAfter`. */
  validity: CsToken;
  /** Through this local variable (`var now = DateTime.UtcNow;`). */
  variable?: string;
  /**
   * The mirror mistake: the certificate date made UTC (`NotAfter.ToUniversalTime()`) and compared with local
   * `DateTime.Now`: `utcNow` is the `ToUniversalTime` of the date, and `toLocal` drops it.
   */
  mirror?: true;
}

/** Certificate `NotBefore`/`NotAfter` compared with `DateTime.UtcNow`, directly or through a local variable. */
export function utcValidityComparisons(expr: PolicyExpression): UtcValidityComparison[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'UtcNow' || t.text === 'ToUniversalTime')) return [];
  const utcVariables = utcNowVariables(tokens);
  const out: UtcValidityComparison[] = [];
  const add = (a: Operand, b: Operand): void => {
    const validity = validityMember(a);
    const utc = validity && utcSource(tokens, b, utcVariables);
    if (validity && utc) out.push({ validity, ...utc });
  };
  const addMirror = (a: Operand, b: Operand): void => {
    const utcValidity = validityMadeUtc(tokens, a);
    if (utcValidity && localNow(b)) out.push({ ...utcValidity, mirror: true });
  };
  for (const pair of datePairs(tokens)) {
    add(pair.left, pair.right);
    add(pair.right, pair.left);
    addMirror(pair.left, pair.right);
    addMirror(pair.right, pair.left);
  }
  return out;
}

/** `x.NotAfter.ToUniversalTime()` (then only same-zone members): the date, and the edit that drops the conversion. */
function validityMadeUtc(tokens: readonly CsToken[], op: Operand): Omit<UtcValidityComparison, 'variable' | 'mirror'> | undefined {
  const k = op.names.findIndex((n, i) => i > 0 && VALIDITY_MEMBERS.has(n.text));
  const convert = op.names[k + 1];
  if (k < 0 || convert?.text !== 'ToUniversalTime' || !op.names.slice(k + 2).every((n) => SAME_ZONE.test(n.text))) return undefined;
  const call = tokens.indexOf(convert, op.start);
  const close = tokens[call + 1]?.text === '(' && tokens[call + 2]?.text === ')' ? tokens[call + 2]! : undefined;
  if (!close) return undefined;
  const validity = op.names[k]!;
  return {
    validity,
    utcNow: convert,
    written: `${validity.text}.ToUniversalTime()`,
    toLocal: { span: { start: tokens[call - 1]!.span.start, end: close.span.end }, newText: '' },
  };
}

/** Local now: `DateTime.Now` (then only same-zone members; `.ToUniversalTime()` makes it UTC). */
function localNow(op: Operand): boolean {
  const n = op.names;
  const at = n[0]?.text === 'System' ? 1 : 0;
  return n[at]?.text === 'DateTime' && n[at + 1]?.text === 'Now' && n.slice(at + 2).every((x) => SAME_ZONE.test(x.text));
}

/** Operand pairs a date comparison is made of: `a op b`, `a - b`, `a.CompareTo(b)`, `DateTime.Compare(a, b)`. */
function datePairs(tokens: readonly CsToken[]): { left: Operand; right: Operand }[] {
  const pairs: { left: Operand; right: Operand }[] = comparisons(tokens).map((c) => ({ left: c.left, right: c.right }));
  tokens.forEach((t, i) => {
    if (t.text === '-' && t.kind === 'punct') {
      const left = operandBefore(tokens, i);
      const right = operandAfter(tokens, i + 1);
      if (left && right) pairs.push({ left, right });
    }
    if ((t.text === 'CompareTo' || t.text === 'Compare') && tokens[i + 1]?.text === '(') {
      const first = operandAfter(tokens, i + 2);
      if (!first) return;
      if (t.text === 'CompareTo') {
        const receiver = receiverOf(tokens, i);
        if (receiver) pairs.push({ left: receiver, right: first });
      } else if (tokens[first.end + 1]?.text === ',') {
        const second = operandAfter(tokens, first.end + 2);
        if (second) pairs.push({ left: first, right: second });
      }
    }
  });
  return pairs;
}

function receiverOf(tokens: readonly CsToken[], nameIndex: number): Operand | undefined {
  return afterDot(tokens, nameIndex) ? operandBefore(tokens, nameIndex - 1) : undefined;
}

/** The `NotBefore`/`NotAfter` member when the operand is `x.NotAfter` (optionally `.AddDays(…)`). */
function validityMember(op: Operand): CsToken | undefined {
  const k = op.names.findIndex((n, i) => i > 0 && VALIDITY_MEMBERS.has(n.text));
  if (k < 0 || !op.names.slice(k + 1).every((n) => SAME_ZONE.test(n.text))) return undefined;
  return op.names[k];
}

/** UTC now (optionally `.AddX(…)`), or a variable holding it. */
function utcSource(tokens: readonly CsToken[], op: Operand, variables: ReadonlyMap<string, UtcNow>): (UtcNow & { variable?: string }) | undefined {
  const direct = utcNowIn(tokens, op);
  if (direct) return direct;
  const only = op.names[0];
  if (op.names.length === 1 && op.start === op.end && only && variables.has(only.text) && tokens[op.end + 1]?.text !== '=') {
    return { ...variables.get(only.text)!, variable: only.text };
  }
  return undefined;
}

type UtcNow = Pick<UtcValidityComparison, 'utcNow' | 'written' | 'toLocal'>;

/**
 * The UTC "now" an operand is, then only same-zone members: `DateTime.UtcNow`, `DateTimeOffset.UtcNow.DateTime` or
 * `.UtcDateTime` (the DateTime of a UTC offset), `DateTime.Now.ToUniversalTime()`.
 */
function utcNowIn(tokens: readonly CsToken[], op: Operand): UtcNow | undefined {
  const n = op.names;
  const at = n[0]?.text === 'System' ? 1 : 0;
  const type = n[at]?.text;
  let rest: number;
  let found: UtcNow;
  if (type === 'DateTime' && n[at + 1]?.text === 'UtcNow') {
    rest = at + 2;
    found = { utcNow: n[at + 1]!, written: 'DateTime.UtcNow', toLocal: { span: n[at + 1]!.span, newText: 'Now' } };
  } else if (type === 'DateTimeOffset' && n[at + 1]?.text === 'UtcNow' && (n[at + 2]?.text === 'DateTime' || n[at + 2]?.text === 'UtcDateTime')) {
    rest = at + 3;
    const written = `DateTimeOffset.UtcNow.${n[at + 2]!.text}`;
    found = { utcNow: n[at + 1]!, written, toLocal: { span: { start: n[at]!.span.start, end: n[at + 2]!.span.end }, newText: 'DateTime.Now' } };
  } else if (type === 'DateTime' && n[at + 1]?.text === 'Now' && n[at + 2]?.text === 'ToUniversalTime') {
    // `.ToUniversalTime()` goes: from its dot to its closing parenthesis.
    const call = tokens.indexOf(n[at + 2]!, op.start);
    const close = tokens[call + 1]?.text === '(' && tokens[call + 2]?.text === ')' ? tokens[call + 2]! : undefined;
    if (!close) return undefined;
    rest = at + 3;
    found = { utcNow: n[at + 2]!, written: 'DateTime.Now.ToUniversalTime()', toLocal: { span: { start: tokens[call - 1]!.span.start, end: close.span.end }, newText: '' } };
  } else {
    return undefined;
  }
  return n.slice(rest).every((x) => SAME_ZONE.test(x.text)) ? found : undefined;
}

/** `var now = DateTime.UtcNow;` / `DateTime now = DateTime.UtcNow;` (or another UTC now): variable name → where it is read. */
function utcNowVariables(tokens: readonly CsToken[]): Map<string, UtcNow> {
  const out = new Map<string, UtcNow>();
  tokens.forEach((t, i) => {
    if (t.text !== '=' || t.kind !== 'punct' || tokens[i - 1]?.kind !== 'identifier' || afterDot(tokens, i - 1)) return;
    const value = operandAfter(tokens, i + 1);
    const end = tokens[value ? value.end + 1 : -1]?.text;
    const utc = value && (end === ';' || end === ',') ? utcNowIn(tokens, value) : undefined;
    if (utc) out.set(tokens[i - 1]!.text, utc);
  });
  return out;
}
