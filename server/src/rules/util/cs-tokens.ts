import type { Span } from '../../core/text';
import type { CsToken } from '../../parsers/policy/types';

/** Token-level C# helpers for policy expressions: bracket matching, operands, comparisons. */

const OPENERS: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };
/** Keywords that can start or continue a member chain (`string.Equals`, `this.x`, `null`, `true`). */
const NAME_KEYWORDS: ReadonlySet<string> = new Set(['this', 'base', 'string', 'object', 'bool', 'int', 'long', 'null', 'true', 'false']);

/** `(`, `[` or `{` (interpolation holes are inside string tokens, not brackets). */
export function isOpener(t: CsToken | undefined): boolean {
  // Compared one by one: `t.text in OPENERS` is a slow generic lookup until V8 has optimised it, and this runs per token.
  if (t === undefined || t.kind !== 'punct') return false;
  const c = t.text;
  return c === '(' || c === '[' || c === '{';
}

/** `)`, `]` or `}`. */
export function isCloser(t: CsToken | undefined): boolean {
  if (t === undefined || t.kind !== 'punct') return false;
  const c = t.text;
  return c === ')' || c === ']' || c === '}';
}

/** The bracket that closes `opener` (`(` → `)`). */
export function closerOf(opener: string): string {
  return OPENERS[opener] ?? '';
}

/** An identifier, or a keyword that behaves like a name in a member chain. */
export function isName(t: CsToken | undefined): boolean {
  return t !== undefined && (t.kind === 'identifier' || (t.kind === 'keyword' && NAME_KEYWORDS.has(t.text)));
}

/** A string, char or number literal, or a `{{named value}}` (substituted as code). */
function isLiteral(t: CsToken | undefined): boolean {
  return t !== undefined && (t.kind === 'string' || t.kind === 'char' || t.kind === 'number' || t.kind === 'namedValue');
}

/** Is the token at `i` a member name (right after `.` or `?.`)? */
export function afterDot(tokens: readonly CsToken[], i: number): boolean {
  const p = tokens[i - 1];
  return p !== undefined && p.kind === 'punct' && (p.text === '.' || p.text === '?.');
}

/**
 * Every bracket's pair, in one walk: `close[i]` for an opener at `i`, `open[i]` for a closer (-1: none). What
 * `matchingClose` and `matchingOpen` find one scan at a time, for the walks that ask about many brackets of one
 * expression (nested calls asked each of their brackets again: quadratic in the depth).
 */
export interface BracketPairs {
  close: Int32Array;
  open: Int32Array;
}

export function bracketPairsOf(tokens: readonly CsToken[]): BracketPairs {
  const close = new Int32Array(tokens.length).fill(-1);
  const open = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isOpener(t)) stack.push(i);
    else if (isCloser(t)) {
      const o = stack.pop();
      if (o !== undefined) {
        close[o] = i;
        open[i] = o;
      }
    }
  }
  return { close, open };
}

/** Index of the bracket closing the one at `open`, or -1 when it is never closed. */
export function matchingClose(tokens: readonly CsToken[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isOpener(tokens[i])) depth++;
    else if (isCloser(tokens[i]) && --depth === 0) return i;
  }
  return -1;
}

/** Index of the bracket opening the one at `close`, or -1. */
export function matchingOpen(tokens: readonly CsToken[], close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (isCloser(tokens[i])) depth++;
    else if (isOpener(tokens[i]) && --depth === 0) return i;
  }
  return -1;
}

/**
 * A postfix expression as written: a name, literal or parenthesized group followed by `.name`, `?.name`, `(…)`, `[…]`.
 * `start` and `end` are token indexes (inclusive).
 */
export interface Operand {
  start: number;
  end: number;
  /** The names outside any bracket, in order: `cert.Thumbprint.ToUpper()` → cert, Thumbprint, ToUpper. */
  names: CsToken[];
  /** The first token when it is a literal (`"abc".ToUpper()` → `"abc"`). */
  literal?: CsToken;
}

/** Is `t` the punctuation `text`? */
export function isPunct(t: CsToken | undefined, text: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.text === text;
}

/** The most links (names, brackets, dots) read back from an operator to find the operand before it. */
const MAX_CHAIN_LINKS = 512;

/** The operand that ends just before token `at` (an operator), if any. */
export function operandBefore(tokens: readonly CsToken[], at: number, pairs?: BracketPairs): Operand | undefined {
  let j = at - 1;
  let start = at;
  let wantEnd = true;
  let links = 0;
  while (j >= 0) {
    const t = tokens[j]!;
    // No code chains hundreds of members: each call of an 8,000-link chain (`.Equals("x")` again and again) took the
    // whole chain before it as its receiver (quadratic). Such a chain is no operand.
    if (++links > MAX_CHAIN_LINKS) return undefined;
    if (wantEnd && isCloser(t)) {
      const open = pairs ? pairs.open[j]! : matchingOpen(tokens, j);
      if (open < 0) break;
      start = open;
      j = open - 1;
      if (!isName(tokens[j]) && !isCloser(tokens[j])) break;
    } else if (wantEnd && (isName(t) || isLiteral(t))) {
      start = j--;
      wantEnd = false;
    } else if (!wantEnd && (t.text === '.' || t.text === '?.') && t.kind === 'punct') {
      j--;
      wantEnd = true;
    } else break;
  }
  return start < at ? operandAt(tokens, start, at - 1, pairs) : undefined;
}

/** The operand that starts at token `at`, if any. */
export function operandAfter(tokens: readonly CsToken[], at: number, pairs?: BracketPairs): Operand | undefined {
  const closeOf = (i: number): number => (pairs ? pairs.close[i]! : matchingClose(tokens, i));
  const first = tokens[at];
  let end: number;
  if (isName(first) || isLiteral(first)) end = at;
  else if (first?.text === '(' && first.kind === 'punct') end = closeOf(at);
  else return undefined;
  if (end < 0) return undefined;
  for (;;) {
    const t = tokens[end + 1];
    if ((t?.text === '.' || t?.text === '?.') && t.kind === 'punct' && isName(tokens[end + 2])) end += 2;
    else if ((t?.text === '(' || t?.text === '[') && t.kind === 'punct') {
      const close = closeOf(end + 1);
      if (close < 0) break;
      end = close;
    } else break;
  }
  return operandAt(tokens, at, end, pairs);
}

function operandAt(tokens: readonly CsToken[], start: number, end: number, pairs?: BracketPairs): Operand {
  const names: CsToken[] = [];
  for (let i = start; i <= end; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) {
      const close = pairs ? pairs.close[i]! : matchingClose(tokens, i);
      i = close < 0 ? end : close;
    } else if (isName(t)) names.push(t);
  }
  const operand: Operand = { start, end, names };
  if (isLiteral(tokens[start])) operand.literal = tokens[start]!;
  return operand;
}

/** The source span of tokens `start..end` (inclusive). */
export function tokenSpan(tokens: readonly CsToken[], start: number, end: number): Span {
  return { start: tokens[start]!.span.start, end: tokens[end]!.span.end };
}

/** The binary comparison operators of C#. */
export type ComparisonOperator = '==' | '!=' | '<' | '>' | '<=' | '>=';
const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=']);

/** `left op right` with both operands found. `<` / `>` of generic arguments appear too: callers match operand shapes. */
export interface Comparison {
  operator: ComparisonOperator;
  /** Token index of the operator. */
  index: number;
  left: Operand;
  right: Operand;
}

/** Every binary comparison whose operands are postfix expressions (`a.B == "x"`, `c.NotAfter < now`). */
export function comparisons(tokens: readonly CsToken[]): Comparison[] {
  const out: Comparison[] = [];
  tokens.forEach((t, index) => {
    if (t.kind !== 'punct' || !COMPARISON_OPERATORS.has(t.text)) return;
    const left = operandBefore(tokens, index);
    const right = operandAfter(tokens, index + 1);
    if (left && right) out.push({ operator: t.text as ComparisonOperator, index, left, right });
  });
  return out;
}

/** A call `receiver.Method(args)`: the method name's index, the receiver (if any) and the argument ranges. */
export interface MethodCall {
  name: CsToken;
  nameIndex: number;
  receiver?: Operand;
  /** Token index ranges (inclusive) of the arguments, split at top-level commas. */
  args: { start: number; end: number }[];
  /** Index of the closing `)`. */
  close: number;
  /** The expression's brackets, paired (for the operands of its arguments). */
  pairs: BracketPairs;
}

/** Calls of methods with one of these names (`x.Equals(a, b)`, `string.Equals(…)`). */
export function methodCalls(tokens: readonly CsToken[], names: ReadonlySet<string>): MethodCall[] {
  const out: MethodCall[] = [];
  // The brackets paired once, when there is a call: nested calls asked each bracket again.
  let pairs: BracketPairs | undefined;
  tokens.forEach((t, nameIndex) => {
    if (t.kind !== 'identifier' || !names.has(t.text) || tokens[nameIndex + 1]?.text !== '(') return;
    pairs ??= bracketPairsOf(tokens);
    const close = pairs.close[nameIndex + 1]!;
    if (close < 0) return;
    const dot = tokens[nameIndex - 1];
    const call: MethodCall = { name: t, nameIndex, args: splitArgs(pairs, tokens, nameIndex + 1, close), close, pairs };
    if (dot && (dot.text === '.' || dot.text === '?.')) {
      const receiver = operandBefore(tokens, nameIndex - 1, pairs);
      if (receiver) call.receiver = receiver;
    }
    out.push(call);
  });
  return out;
}

/** The ranges between the top-level commas of the group `open..close`. */
function splitArgs(pairs: BracketPairs, tokens: readonly CsToken[], open: number, close: number): { start: number; end: number }[] {
  const args: { start: number; end: number }[] = [];
  let start = open + 1;
  for (let i = open + 1; i < close; i++) {
    if (isOpener(tokens[i])) i = pairs.close[i]! < 0 ? close : pairs.close[i]!;
    else if (tokens[i]!.text === ',') {
      args.push({ start, end: i - 1 });
      start = i + 1;
    }
  }
  if (start < close) args.push({ start, end: close - 1 });
  return args;
}

/** The operand that is exactly the token range `start..end`, or undefined when the range is more than one operand. */
export function operandExactly(tokens: readonly CsToken[], start: number, end: number, pairs?: BracketPairs): Operand | undefined {
  const operand = operandAfter(tokens, start, pairs);
  return operand && operand.end === end ? operand : undefined;
}

/**
 * A test of the value at tokens `start..end` against null: `x == null`, `x != null`, `x is null`, `x is not null`, or
 * `null == x`, `null != x`. `isNull` is true for the tests that hold when it is null; `from..to` are the test's tokens.
 */
export function explicitNullTest(tokens: readonly CsToken[], start: number, end: number): { isNull: boolean; from: number; to: number } | undefined {
  const next = tokens[end + 1]?.text;
  const after = tokens[end + 2]?.text;
  if ((next === '==' || next === '!=') && after === 'null') return { isNull: next === '==', from: start, to: end + 2 };
  if (next === 'is' && after === 'null') return { isNull: true, from: start, to: end + 2 };
  if (next === 'is' && after === 'not' && tokens[end + 3]?.text === 'null') return { isNull: false, from: start, to: end + 3 };
  const before = tokens[start - 1]?.text;
  if ((before === '==' || before === '!=') && tokens[start - 2]?.text === 'null') return { isNull: before === '==', from: start - 2, to: end };
  return undefined;
}
