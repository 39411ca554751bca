import type { Span } from '../../core/text';
import type { CsToken, PolicyDocument, PolicyExpression } from '../../parsers/policy/types';
import { mayMention } from '../../parsers/policy/query';
import { RecentCache } from '../../parsers/policy/recent';
import { THUMBPRINT_KEY } from './certificate-keys';
import { comparisons, methodCalls, operandExactly, type MethodCall, type Operand } from './cs-tokens';
import { hasPlaceholder } from './placeholder';

/** String literals compared with a certificate's `Thumbprint` in policy expressions, and thumbprint format checks. */

const CASE_CALLS: Readonly<Record<string, 'upper' | 'lower' | undefined>> = {
  ToUpper: 'upper',
  ToUpperInvariant: 'upper',
  ToLower: 'lower',
  ToLowerInvariant: 'lower',
  Trim: undefined,
};

/** How a thumbprint literal meets `.Thumbprint`. */
export interface ThumbprintComparison {
  expr: PolicyExpression;
  form: '==' | '!=' | 'Equals' | 'string.Equals' | 'string.Compare' | 'string.CompareOrdinal' | 'Contains' | 'Any';
  /** The string literals (several for `new[] { "…", "…" }.Contains(x.Thumbprint)` and `.Any(c => c == x.Thumbprint)`). */
  literals: CsToken[];
  /** A `StringComparison` / `StringComparer` ending in `IgnoreCase` is passed. */
  ignoreCase: boolean;
  /** The case of the thumbprint side: upper (.NET's `Thumbprint`) unless `ToLower()` is applied. */
  thumbprintCase: 'upper' | 'lower';
  /** `ToUpper()` / `ToLower()` applied to the literal. */
  literalCase?: 'upper' | 'lower';
  /** For single-literal forms that can be rewritten to `string.Equals(…, OrdinalIgnoreCase)`. */
  rewrite?: Rewrite;
}

/** `[!]string.Equals(thumbprint, literal, StringComparison.OrdinalIgnoreCase)` replacing `span`. */
export interface Rewrite {
  span: Span;
  negate: boolean;
  thumbprint: Span;
  literal: Span;
}

const comparisonCache = new RecentCache<PolicyDocument, readonly ThumbprintComparison[]>(4);

/** Every comparison of a string literal with `.Thumbprint` in the document's expressions (memoised: several rules ask). */
export function thumbprintComparisons(doc: PolicyDocument): readonly ThumbprintComparison[] {
  return comparisonCache.get(doc, (d) => (mayMention(d, 'Thumbprint') || mayMention(d, 'GetCertHashString') ? d.expressions.flatMap(comparisonsIn) : []));
}

function comparisonsIn(expr: PolicyExpression): ThumbprintComparison[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'Thumbprint' || t.text === 'GetCertHashString')) return [];
  const out: ThumbprintComparison[] = [];
  for (const c of comparisons(tokens)) {
    if (c.operator !== '==' && c.operator !== '!=') continue;
    const found = pair(tokens, c.left, c.right) ?? pair(tokens, c.right, c.left);
    if (!found) continue;
    const span = { start: tokens[c.left.start]!.span.start, end: tokens[c.right.end]!.span.end };
    out.push({ expr, form: c.operator, literals: [found.literal], ignoreCase: false, ...found.cases, rewrite: { span, negate: c.operator === '!=', ...found.spans } });
  }
  for (const call of methodCalls(tokens, LIST_CALLS)) {
    const name = call.name.text;
    const found = name === 'Equals' ? equalsCall(expr, call) : name === 'Any' ? anyCall(expr, call) : name === 'Contains' ? containsCall(expr, call) : compareCall(expr, call);
    if (found) out.push(found);
  }
  return out;
}

const LIST_CALLS: ReadonlySet<string> = new Set(['Equals', 'Contains', 'Any', 'Compare', 'CompareOrdinal']);

interface Pair {
  literal: CsToken;
  cases: { thumbprintCase: 'upper' | 'lower'; literalCase?: 'upper' | 'lower' };
  spans: { thumbprint: Span; literal: Span };
}

/** `thumbprintSide` is `x.Thumbprint[.ToUpper()]` and `literalSide` a plain string literal `"…"[.ToUpper()]`. */
function pair(tokens: readonly CsToken[], thumbprintSide: Operand | undefined, literalSide: Operand | undefined): Pair | undefined {
  const thumbprintCase = thumbprintSide && caseOfThumbprint(thumbprintSide, tokens);
  const literal = literalSide?.literal;
  if (!thumbprintCase || !literalSide || !literal || literal.kind !== 'string' || literal.text.startsWith('$') || literal.text.startsWith('@$')) return undefined;
  if (!literalSide.names.every((n) => n.text in CASE_CALLS)) return undefined;
  const literalCase = lastCase(literalSide.names);
  const cases = literalCase ? { thumbprintCase, literalCase } : { thumbprintCase };
  const span = (op: Operand): Span => ({ start: tokens[op.start]!.span.start, end: tokens[op.end]!.span.end });
  return { literal, cases, spans: { thumbprint: span(thumbprintSide), literal: span(literalSide) } };
}

/**
 * `upper`/`lower` when the operand is `….Thumbprint` or `….GetCertHashString()` (the same SHA-1 upper-case hex; not
 * `GetCertHashString(HashAlgorithmName.SHA256)`), optionally `.ToUpper()` etc., else undefined.
 */
function caseOfThumbprint(op: Operand, tokens: readonly CsToken[]): 'upper' | 'lower' | undefined {
  const k = op.names.findIndex((n, i) => i > 0 && (n.text === 'Thumbprint' || (n.text === 'GetCertHashString' && noArguments(tokens, n, op.start))));
  if (k < 0 || op.literal) return undefined;
  const rest = op.names.slice(k + 1);
  if (!rest.every((n) => n.text in CASE_CALLS)) return undefined;
  return lastCase(rest) ?? 'upper';
}

/** The method name `name` (in the operand that starts at token `from`) is called with `()`. */
function noArguments(tokens: readonly CsToken[], name: CsToken, from: number): boolean {
  const i = tokens.indexOf(name, from);
  return tokens[i + 1]?.text === '(' && tokens[i + 2]?.text === ')';
}

function lastCase(names: readonly CsToken[]): 'upper' | 'lower' | undefined {
  let found: 'upper' | 'lower' | undefined;
  for (const n of names) found = CASE_CALLS[n.text] ?? found;
  return found;
}

function mentionsIgnoreCase(tokens: readonly CsToken[], ranges: readonly { start: number; end: number }[]): boolean {
  return ranges.some((r) => tokens.slice(r.start, r.end + 1).some((t) => t.kind === 'identifier' && t.text.endsWith('IgnoreCase')));
}

/** The receiver is `string` (or `String`, `System.String`): a static call. */
function isStringType(receiver: Operand | undefined): receiver is Operand {
  return receiver !== undefined && receiver.names.map((n) => n.text).join('.').replace(/^System\./, '').toLowerCase() === 'string';
}

/**
 * `string.Compare(a, b[, ignoreCase | cmp])` or `string.CompareOrdinal(a, b)`: case-sensitive unless `true` or a
 * `…IgnoreCase` comparison is passed. No rewrite: the call's result is compared with 0 outside it.
 */
function compareCall(expr: PolicyExpression, call: MethodCall): ThumbprintComparison | undefined {
  if (!isStringType(call.receiver) || call.args.length < 2) return undefined;
  const tokens = expr.tokens;
  const [a, b] = call.args.map((r) => operandExactly(tokens, r.start, r.end));
  const found = pair(tokens, a, b) ?? pair(tokens, b, a);
  if (!found) return undefined;
  const extra = call.args.slice(2);
  const ignoreCase = mentionsIgnoreCase(tokens, extra) || extra.some((r) => tokens.slice(r.start, r.end + 1).some((t) => t.text === 'true'));
  return { expr, form: call.name.text === 'Compare' ? 'string.Compare' : 'string.CompareOrdinal', literals: [found.literal], ignoreCase, ...found.cases };
}

/** `a.Equals(b[, cmp])` or `string.Equals(a, b[, cmp])`. */
function equalsCall(expr: PolicyExpression, call: MethodCall): ThumbprintComparison | undefined {
  const tokens = expr.tokens;
  const arg = (i: number): Operand | undefined => {
    const r = call.args[i];
    return r && operandExactly(tokens, r.start, r.end);
  };
  const receiver = call.receiver;
  const isStatic = isStringType(receiver);
  const [a, b, extra] = isStatic ? [arg(0), arg(1), call.args.slice(2)] : [receiver, arg(0), call.args.slice(1)];
  const found = pair(tokens, a, b) ?? pair(tokens, b, a);
  if (!found || !a) return undefined;
  const start = isStatic ? tokens[receiver!.start]! : tokens[a.start]!;
  return {
    expr,
    form: isStatic ? 'string.Equals' : 'Equals',
    literals: [found.literal],
    ignoreCase: mentionsIgnoreCase(tokens, extra),
    ...found.cases,
    rewrite: { span: { start: start.span.start, end: tokens[call.close]!.span.end }, negate: false, ...found.spans },
  };
}

/**
 * The string literals listed by the receiver when it is an initializer itself (`new[] { "…", "…" }`, `new string[] {…}`,
 * `new List<string> {…}`, in parentheses or not), each an item of the list; undefined for anything else. A chain that
 * merely holds an initializer (`GetValueOrDefault("validCerts", "").Split(new char[] {';'})`) lists no thumbprints:
 * its literals are a variable's name, a default and a separator.
 */
function initializerLiterals(tokens: readonly CsToken[], receiver: Operand): CsToken[] | undefined {
  let start = receiver.start;
  let end = receiver.end;
  while (tokens[start]?.text === '(' && tokens[end]?.text === ')' && start < end) {
    start++;
    end--;
  }
  // The receiver may start after `new` (`[] { … }`) or at it.
  if (tokens[start]?.text === 'new') start++;
  else if (tokens[start - 1]?.text !== 'new') return undefined;
  if (tokens[end]?.text !== '}') return undefined;
  // The `{` that the final `}` closes, with nothing but the type (`[]`, `string[]`, `List<string>`) before it.
  let depth = 0;
  let open = -1;
  for (let i = end; i >= start; i--) {
    const t = tokens[i]!.text;
    if (t === '}' || t === ')' || t === ']') depth++;
    else if (t === '{' || t === '(' || t === '[') depth--;
    if (depth === 0) {
      open = i;
      break;
    }
  }
  if (open < 0 || tokens[open]!.text !== '{' || tokens.slice(start, open).some((t) => t.text === '(' || t.text === '.' || t.kind === 'string')) return undefined;
  // Items at the top level of the braces: `"a", "b"`, not literals inside a call among them.
  const items: CsToken[] = [];
  depth = 0;
  for (let i = open + 1; i < end; i++) {
    const t = tokens[i]!;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    else if (depth === 0 && t.kind === 'string' && !t.text.startsWith('$') && !t.text.startsWith('@$')) items.push(t);
  }
  return items.length > 0 ? items : undefined;
}

/** `new[] { "…", "…" }.Contains(x.Thumbprint[, comparer])`. */
function containsCall(expr: PolicyExpression, call: MethodCall): ThumbprintComparison | undefined {
  const tokens = expr.tokens;
  const receiver = call.receiver;
  const first = call.args[0];
  const target = first && operandExactly(tokens, first.start, first.end);
  const thumbprintCase = target && caseOfThumbprint(target, tokens);
  if (!receiver || !thumbprintCase) return undefined;
  const literals = initializerLiterals(tokens, receiver);
  if (!literals) return undefined;
  return { expr, form: 'Contains', literals, ignoreCase: mentionsIgnoreCase(tokens, call.args.slice(1)), thumbprintCase };
}

/**
 * `new[] { "…", "…" }.Any(c => c == x.Thumbprint)` (or `x.Thumbprint == c`, `c.Equals(x.Thumbprint[, cmp])`,
 * `string.Equals(c, x.Thumbprint[, cmp])`): the list's literals, each compared with the thumbprint. Five public HMCTS
 * templates pin their clients this way.
 */
function anyCall(expr: PolicyExpression, call: MethodCall): ThumbprintComparison | undefined {
  const tokens = expr.tokens;
  const receiver = call.receiver;
  const lambda = call.args[0];
  if (!receiver || !lambda || call.args.length !== 1) return undefined;
  const literals = initializerLiterals(tokens, receiver);
  const parameter = tokens[lambda.start];
  if (!literals || parameter?.kind !== 'identifier' || tokens[lambda.start + 1]?.text !== '=>') return undefined;
  const within = (op: Operand | undefined): op is Operand => op !== undefined && op.start > lambda.start + 1 && op.end <= lambda.end;
  // The parameter (optionally with ToUpper() / ToLower() / Trim()): the literal's side.
  const parameterCase = (op: Operand): { literalCase?: 'upper' | 'lower' } | undefined => {
    if (op.literal || op.names[0]?.text !== parameter.text || !op.names.slice(1).every((n) => n.text in CASE_CALLS)) return undefined;
    const literalCase = lastCase(op.names.slice(1));
    return literalCase ? { literalCase } : {};
  };
  const judge = (a: Operand, b: Operand, ignoreCase: boolean): ThumbprintComparison | undefined => {
    for (const [p, t] of [[a, b], [b, a]] as const) {
      const literalSide = parameterCase(p);
      const thumbprintCase = caseOfThumbprint(t, tokens);
      if (literalSide && thumbprintCase) return { expr, form: 'Any', literals, ignoreCase, thumbprintCase, ...literalSide };
    }
    return undefined;
  };
  for (const c of comparisons(tokens)) {
    if (c.operator !== '==' || c.index <= lambda.start + 1 || c.index > lambda.end || !within(c.left) || !within(c.right)) continue;
    const found = judge(c.left, c.right, false);
    if (found) return found;
  }
  for (const inner of methodCalls(tokens, EQUALS)) {
    if (inner.nameIndex <= lambda.start + 1 || inner.close > lambda.end) continue;
    const arg = (i: number): Operand | undefined => {
      const r = inner.args[i];
      return r ? operandExactly(tokens, r.start, r.end) : undefined;
    };
    const isStatic = inner.receiver?.names.map((n) => n.text).join('.').replace(/^System\./, '').toLowerCase() === 'string';
    const [a, b, extra] = isStatic ? [arg(0), arg(1), inner.args.slice(2)] : [inner.receiver, arg(0), inner.args.slice(1)];
    const found = a && b ? judge(a, b, mentionsIgnoreCase(tokens, extra)) : undefined;
    if (found) return found;
  }
  return undefined;
}

const EQUALS: ReadonlySet<string> = new Set(['Equals']);

/** The span of a string literal's content inside its delimiters, as written (`"`, `@"`, or entity-encoded `&quot;`). */
export function literalContentSpan(text: string, token: CsToken): Span {
  let start = token.span.start;
  while (text[start] === '@' || text[start] === '$') start++;
  start = text[start] === '&' ? text.indexOf(';', start) + 1 : start + 1;
  const raw = text.slice(start, token.span.end);
  const end = raw.endsWith('"') ? token.span.end - 1 : start + raw.lastIndexOf('&');
  return { start, end: Math.max(start, end) };
}

/** Characters that sneak into copied thumbprints: invisible marks (U+200E from the Windows dialog), blanks, separators. */
const STRAY = /[\u200B-\u200F\u202A-\u202E\u2060\uFEFF\u00A0\s:-]/g;
const STRAY_NAMES: Readonly<Record<string, string>> = {
  '\u200e': 'U+200E (left-to-right mark)',
  '\u200f': 'U+200F (right-to-left mark)',
  '\u200b': 'U+200B (zero-width space)',
  '\ufeff': 'U+FEFF (byte order mark)',
  '\u00a0': 'no-break spaces',
  ' ': 'spaces',
  ':': 'colons',
  '-': 'hyphens',
};

/** What is wrong with a thumbprint value, if anything. */
export type ThumbprintFormatProblem =
  | { kind: 'stray'; cleaned: string; found: string[] }
  | { kind: 'invalid'; reason: string };

/** Checks a SHA-1 thumbprint: exactly 40 hex digits, nothing else. Placeholders (`{{named values}}`, `${var}`) are not checked. */
export function checkThumbprintFormat(value: string): ThumbprintFormatProblem | undefined {
  if (hasPlaceholder(value)) return undefined;
  if (THUMBPRINT_KEY.test(value)) return undefined;
  const cleaned = value.replace(STRAY, '');
  if (THUMBPRINT_KEY.test(cleaned)) {
    const found = [...new Set([...value.matchAll(STRAY)].map((m) => STRAY_NAMES[m[0]] ?? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`))];
    return { kind: 'stray', cleaned, found };
  }
  if (/^[0-9A-Fa-f]{64}$/.test(cleaned)) return { kind: 'invalid', reason: 'has 64 hex digits: that is a SHA-256 fingerprint, but a thumbprint is the SHA-1 hash (40 hex digits)' };
  const bad = [...cleaned].find((c) => !/[0-9A-Fa-f]/.test(c));
  if (bad !== undefined) return { kind: 'invalid', reason: `contains '${bad}', which is not a hex digit` };
  return { kind: 'invalid', reason: `has ${cleaned.length} hex digits instead of 40` };
}
