import type { Span } from '../../core/text';
import type { CsToken, PolicyDocument, PolicyExpression } from '../../parsers/policy/types';
import { mayMention } from '../../parsers/policy/query';
import { RecentCache } from '../../parsers/policy/recent';
import { THUMBPRINT_KEY } from './certificate-keys';
import { chainAt, isPlainString, listLocals, singleValueLocals, type ListLocal, type Local } from './cs-locals';
import { switchLabels } from './cs-switches';
import { comparisons, isOpener, methodCalls, operandExactly, tokenSpan, type BracketPairs, type Comparison, type MethodCall, type Operand } from './cs-tokens';
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
  form: '==' | '!=' | 'Equals' | 'string.Equals' | 'string.Compare' | 'string.CompareOrdinal' | 'Contains' | 'Any' | 'switch' | 'switch expression';
  /**
   * The string literals (several for `new[] { "…", "…" }.Contains(x.Thumbprint)`, `.Any(c => c == x.Thumbprint)` and the
   * labels of a `switch`). A literal held by a local variable (`var expected = "…"; … == expected`) is the one of its
   * declaration: see `via`.
   */
  literals: CsToken[];
  /** The literal is read through this local variable, at `use` (see `singleValueLocals`). */
  via?: LiteralVia;
  /**
   * The thumbprint side is a variable that holds this literal instead when there is no certificate
   * (`var t = cert?.Thumbprint ?? "";`): a comparison with it asks whether a certificate was sent.
   */
  thumbprintFallback?: string;
  /** A `StringComparison` / `StringComparer` ending in `IgnoreCase` is passed. */
  ignoreCase: boolean;
  /** The case of the thumbprint side: upper (.NET's `Thumbprint`) unless `ToLower()` is applied. */
  thumbprintCase: 'upper' | 'lower';
  /** `ToUpper()` / `ToLower()` applied to the literal. */
  literalCase?: 'upper' | 'lower';
  /** For single-literal forms that can be rewritten to `string.Equals(…, OrdinalIgnoreCase)`. */
  rewrite?: Rewrite;
}

/** A literal compared through a local variable. */
export interface LiteralVia {
  name: string;
  /** Where the variable is read in this comparison. */
  use: Span;
  /**
   * Changing the literal's case changes nothing else: every read of the variable is the literal side of a comparison with
   * the thumbprint that wants that case (or ignores case, or sets the case itself).
   */
  fixSafe: boolean;
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

/**
 * One expression's tokens with its locals that hold a string literal or the thumbprint (`var expected = "…";`,
 * `var t = cert.Thumbprint;`): `side` reads an operand that starts with such a local as its value.
 */
class Scope {
  private readonly locals: Map<string, Local>;
  /** Locals holding a collection initializer (`var allowed = new[] { "…" };`), for `Contains` and `Any`. */
  private readonly lists: Map<string, ListLocal>;
  /** Each list's literals, once read (shared by the comparisons that read the list: the same tokens). */
  private readonly listLiterals = new Map<ListLocal, CsToken[] | undefined>();

  constructor(readonly tokens: readonly CsToken[]) {
    this.lists = listLocals(tokens);
    this.locals = singleValueLocals(tokens);
    for (const [name, local] of this.locals) {
      const init = local.init;
      const literal = init.literal !== undefined && isPlainString(init.literal) && init.names.every((n) => n.text in CASE_CALLS);
      if (!literal && !caseOfThumbprint(init, tokens)) this.locals.delete(name);
    }
  }

  /** The operand, or, when it is a chain that starts with one of the locals, the local's value with the rest of the chain. */
  side(op: Operand | undefined): Side | undefined {
    if (!op || op.literal || this.locals.size === 0) return op;
    const head = this.tokens[op.start];
    const local = head && op.names[0] === head ? this.locals.get(head.text) : undefined;
    if (!local || chainAt(this.tokens, op.start, op.end)?.end !== op.end) return op;
    const names = [...local.init.names, ...op.names.slice(1)];
    return local.init.literal ? { start: op.start, end: op.end, names, literal: local.init.literal, via: local } : { start: op.start, end: op.end, names, via: local };
  }

  /** `{ thumbprintFallback }` when the side is a local that holds the thumbprint or `?? "…"`, else `{}`. */
  fallback(side: Side | undefined): { thumbprintFallback?: string } {
    const fallback = side?.via?.fallback;
    return fallback ? { thumbprintFallback: fallback.value ?? '' } : {};
  }

  /** How many times each local is read. */
  reads(name: string): number {
    return this.locals.get(name)?.reads ?? this.lists.get(name)?.reads ?? 0;
  }

  /**
   * The literals of the collection a `Contains` / `Any` call is made on: an initializer written there
   * (`new[] { "…" }.Contains(…)`), or one held by a local (`allowed.Contains(…)`, with `via` the local read there).
   */
  listOf(receiver: Operand, pairs: BracketPairs): { literals: CsToken[]; via?: LiteralVia } | undefined {
    const head = this.tokens[receiver.start];
    const list = receiver.start === receiver.end && head?.kind === 'identifier' ? this.lists.get(head.text) : undefined;
    if (!list) {
      const literals = initializerLiterals(this.tokens, receiver, pairs);
      return literals && { literals };
    }
    // Read once per list, however often the list is (its initializer was read again at every `Contains`: reads × items).
    let literals = this.listLiterals.get(list);
    if (literals === undefined && !this.listLiterals.has(list)) {
      literals = initializerLiterals(this.tokens, { start: list.start, end: list.end, names: [] }, pairs, true);
      this.listLiterals.set(list, literals);
    }
    return literals && { literals, via: { name: list.name, use: head!.span, fixSafe: false } };
  }
}

/** An operand as compared: read through a local variable (`via`) or as written. */
type Side = Operand & { via?: Local };

function comparisonsIn(expr: PolicyExpression): ThumbprintComparison[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'Thumbprint' || t.text === 'GetCertHashString')) return [];
  const scope = new Scope(tokens);
  const out: ThumbprintComparison[] = [];
  const compared = comparisons(tokens);
  for (const c of compared) {
    if (c.operator !== '==' && c.operator !== '!=') continue;
    const found = pair(scope, c.left, c.right) ?? pair(scope, c.right, c.left);
    if (!found) continue;
    const span = { start: tokens[c.left.start]!.span.start, end: tokens[c.right.end]!.span.end };
    out.push({ expr, form: c.operator, literals: [found.literal], ignoreCase: false, ...found.cases, ...found.via, ...found.fallback, rewrite: { span, negate: c.operator === '!=', ...found.spans } });
  }
  const calls = methodCalls(tokens, LIST_CALLS);
  const anys = anyCalls(expr, scope, calls, compared);
  calls.forEach((call, i) => {
    const name = call.name.text;
    const found = name === 'Equals' ? equalsCall(expr, scope, call) : name === 'Any' ? anys[i] : name === 'Contains' ? containsCall(expr, scope, call) : compareCall(expr, scope, call);
    if (found) out.push(found);
  });
  for (const sw of switchLabels(tokens)) {
    const subject = scope.side(sw.subject)!;
    const thumbprintCase = caseOfThumbprint(subject, tokens);
    if (thumbprintCase) out.push({ expr, form: sw.form === 'statement' ? 'switch' : 'switch expression', literals: sw.labels, ignoreCase: false, thumbprintCase, ...scope.fallback(subject) });
  }
  markSafeFixes(out, scope);
  return out;
}

/** Sets `via.fixSafe`: every read of the variable is the literal side of a comparison that wants the same case. */
function markSafeFixes(found: readonly ThumbprintComparison[], scope: Scope): void {
  // Per variable and case, where it is read by a comparison that is fine with a literal in that case.
  const wants = new Map<string, { upper: Set<number>; lower: Set<number> }>();
  for (const c of found) {
    if (!c.via) continue;
    const w = wants.get(c.via.name) ?? { upper: new Set<number>(), lower: new Set<number>() };
    wants.set(c.via.name, w);
    if (c.ignoreCase || c.literalCase !== undefined) {
      w.upper.add(c.via.use.start);
      w.lower.add(c.via.use.start);
    } else w[c.thumbprintCase].add(c.via.use.start);
  }
  for (const c of found) if (c.via) c.via.fixSafe = wants.get(c.via.name)![c.thumbprintCase].size === scope.reads(c.via.name);
}

const LIST_CALLS: ReadonlySet<string> = new Set(['Equals', 'Contains', 'Any', 'Compare', 'CompareOrdinal']);

interface Pair {
  literal: CsToken;
  cases: { thumbprintCase: 'upper' | 'lower'; literalCase?: 'upper' | 'lower' };
  /** `{ via }` when the literal is read through a local variable, else `{}`. */
  via: { via?: LiteralVia };
  /** `{ thumbprintFallback }` when the thumbprint is read through a local with `?? "…"`, else `{}`. */
  fallback: { thumbprintFallback?: string };
  /** The two sides as written (a variable's name when read through one). */
  spans: { thumbprint: Span; literal: Span };
}

/**
 * `thumbprintSide` is `x.Thumbprint[.ToUpper()]` and `literalSide` a plain string literal `"…"[.ToUpper()]`, either
 * written there or held by a local variable (see `Scope`).
 */
function pair(scope: Scope, thumbprintOperand: Operand | undefined, literalOperand: Operand | undefined): Pair | undefined {
  const tokens = scope.tokens;
  const thumbprintSide = scope.side(thumbprintOperand);
  const thumbprintCase = thumbprintSide && caseOfThumbprint(thumbprintSide, tokens);
  if (!thumbprintCase) return undefined;
  const literalSide = scope.side(literalOperand);
  const literal = literalSide?.literal;
  if (!literalSide || !literal || !isPlainString(literal)) return undefined;
  if (!literalSide.names.every((n) => n.text in CASE_CALLS)) return undefined;
  const literalCase = lastCase(literalSide.names);
  const cases = literalCase ? { thumbprintCase, literalCase } : { thumbprintCase };
  const spans = { thumbprint: tokenSpan(tokens, thumbprintSide.start, thumbprintSide.end), literal: tokenSpan(tokens, literalSide.start, literalSide.end) };
  const via = literalSide.via ? { via: { name: literalSide.via.name, use: spans.literal, fixSafe: false } } : {};
  return { literal, cases, via, fallback: scope.fallback(thumbprintSide), spans };
}

/**
 * `upper`/`lower` when the operand is `….Thumbprint` or `….GetCertHashString()` (the same SHA-1 upper-case hex; not
 * `GetCertHashString(HashAlgorithmName.SHA256)`), optionally `.ToUpper()` etc., else undefined.
 */
function caseOfThumbprint(op: Operand, tokens: readonly CsToken[]): 'upper' | 'lower' | undefined {
  const k = op.names.findIndex((n, i) => i > 0 && (n.text === 'Thumbprint' || (n.text === 'GetCertHashString' && noArguments(tokens, n))));
  if (k < 0 || op.literal) return undefined;
  const rest = op.names.slice(k + 1);
  if (!rest.every((n) => n.text in CASE_CALLS)) return undefined;
  return lastCase(rest) ?? 'upper';
}

/** The method name `name` (a token of `tokens`) is called with `()`. */
function noArguments(tokens: readonly CsToken[], name: CsToken): boolean {
  const i = indexOfToken(tokens, name);
  return i >= 0 && tokens[i + 1]?.text === '(' && tokens[i + 2]?.text === ')';
}

/** The index of `token` in `tokens` (in source order: a binary search), or -1. */
function indexOfToken(tokens: readonly CsToken[], token: CsToken): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tokens[mid]!.span.start < token.span.start) lo = mid + 1;
    else hi = mid;
  }
  return tokens[lo] === token ? lo : -1;
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
function compareCall(expr: PolicyExpression, scope: Scope, call: MethodCall): ThumbprintComparison | undefined {
  if (!isStringType(call.receiver) || call.args.length < 2) return undefined;
  const tokens = expr.tokens;
  const [a, b] = call.args.map((r) => operandExactly(tokens, r.start, r.end, call.pairs));
  const found = pair(scope, a, b) ?? pair(scope, b, a);
  if (!found) return undefined;
  const extra = call.args.slice(2);
  const ignoreCase = mentionsIgnoreCase(tokens, extra) || extra.some((r) => tokens.slice(r.start, r.end + 1).some((t) => t.text === 'true'));
  return { expr, form: call.name.text === 'Compare' ? 'string.Compare' : 'string.CompareOrdinal', literals: [found.literal], ignoreCase, ...found.cases, ...found.via, ...found.fallback };
}

/** `a.Equals(b[, cmp])` or `string.Equals(a, b[, cmp])`. */
function equalsCall(expr: PolicyExpression, scope: Scope, call: MethodCall): ThumbprintComparison | undefined {
  const tokens = expr.tokens;
  const arg = (i: number): Operand | undefined => {
    const r = call.args[i];
    return r && operandExactly(tokens, r.start, r.end, call.pairs);
  };
  const receiver = call.receiver;
  const isStatic = isStringType(receiver);
  const [a, b, extra] = isStatic ? [arg(0), arg(1), call.args.slice(2)] : [receiver, arg(0), call.args.slice(1)];
  const found = pair(scope, a, b) ?? pair(scope, b, a);
  if (!found || !a) return undefined;
  const start = isStatic ? tokens[receiver!.start]! : tokens[a.start]!;
  return {
    expr,
    form: isStatic ? 'string.Equals' : 'Equals',
    literals: [found.literal],
    ignoreCase: mentionsIgnoreCase(tokens, extra),
    ...found.cases,
    ...found.via,
    ...found.fallback,
    rewrite: { span: { start: start.span.start, end: tokens[call.close]!.span.end }, negate: false, ...found.spans },
  };
}

/**
 * The string literals listed by the receiver when it is an initializer itself (`new[] { "…", "…" }`, `new string[] {…}`,
 * `new List<string> {…}`, in parentheses or not), each an item of the list; undefined for anything else. A chain that
 * merely holds an initializer (`GetValueOrDefault("validCerts", "").Split(new char[] {';'})`) lists no thumbprints:
 * its literals are a variable's name, a default and a separator.
 */
function initializerLiterals(tokens: readonly CsToken[], receiver: Operand, pairs: BracketPairs, bare = false): CsToken[] | undefined {
  let start = receiver.start;
  let end = receiver.end;
  while (tokens[start]?.text === '(' && tokens[end]?.text === ')' && start < end) {
    start++;
    end--;
  }
  // The receiver may start after `new` (`[] { … }`) or at it; `bare`: an array initializer without `new` (`string[] a = { … }`).
  if (tokens[start]?.text === 'new') start++;
  else if (tokens[start - 1]?.text !== 'new' && !(bare && tokens[start]?.text === '{')) return undefined;
  if (tokens[end]?.text !== '}') return undefined;
  // The `{` that the final `}` closes, with nothing but the type (`[]`, `string[]`, `List<string>`) before it.
  const open = pairs.open[end]!;
  if (open < start || tokens[open]!.text !== '{' || tokens.slice(start, open).some((t) => t.text === '(' || t.text === '.' || t.kind === 'string')) return undefined;
  // Items at the top level of the braces: `"a", "b"`, not literals inside a call among them (jumped over, bracket to
  // bracket: nested initializers were read again at every level).
  const items: CsToken[] = [];
  for (let i = open + 1; i < end; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) {
      const close = pairs.close[i]!;
      if (close < 0 || close >= end) break;
      i = close;
    } else if (t.kind === 'string' && !t.text.startsWith('$') && !t.text.startsWith('@$')) items.push(t);
  }
  return items.length > 0 ? items : undefined;
}

/** `new[] { "…", "…" }.Contains(x.Thumbprint[, comparer])`. */
function containsCall(expr: PolicyExpression, scope: Scope, call: MethodCall): ThumbprintComparison | undefined {
  const tokens = expr.tokens;
  const receiver = call.receiver;
  const first = call.args[0];
  const target = first && scope.side(operandExactly(tokens, first.start, first.end, call.pairs));
  const thumbprintCase = target && caseOfThumbprint(target, tokens);
  if (!receiver || !thumbprintCase) return undefined;
  const list = scope.listOf(receiver, call.pairs);
  if (!list) return undefined;
  return { expr, form: 'Contains', literals: list.literals, ...(list.via ? { via: list.via } : {}), ignoreCase: mentionsIgnoreCase(tokens, call.args.slice(1)), thumbprintCase, ...scope.fallback(target) };
}

/** An `Any(p => …)` call over an initializer, while its lambda's comparisons are looked for. */
interface AnyScan {
  literals: CsToken[];
  /** The list is held by a local, read here. */
  via?: LiteralVia;
  parameter: CsToken;
  /** Token indexes of the lambda's `=>` and last token. */
  from: number;
  to: number;
  /** The first `==` in the lambda that compares the parameter with the thumbprint, and the first `Equals`. */
  compared?: ThumbprintComparison;
  equals?: ThumbprintComparison;
}

/**
 * `new[] { "…", "…" }.Any(c => c == x.Thumbprint)` (or `x.Thumbprint == c`, `c.Equals(x.Thumbprint[, cmp])`,
 * `string.Equals(c, x.Thumbprint[, cmp])`): the list's literals, each compared with the thumbprint. Five public HMCTS
 * templates pin their clients this way. For each of `calls` (those named Any: the comparison found, else undefined).
 * One sweep over the expression's `==` comparisons and `Equals` calls in token order, each given to the innermost
 * lambda whose parameter it names: each Any call read every comparison of the whole expression (4,000 Any calls: 37 s).
 */
function anyCalls(expr: PolicyExpression, scope: Scope, calls: readonly MethodCall[], compared: readonly Comparison[]): (ThumbprintComparison | undefined)[] {
  const tokens = expr.tokens;
  const scans = calls.map((call): AnyScan | undefined => {
    const receiver = call.receiver;
    const lambda = call.args[0];
    if (call.name.text !== 'Any' || !receiver || !lambda || call.args.length !== 1) return undefined;
    const parameter = tokens[lambda.start];
    if (parameter?.kind !== 'identifier' || tokens[lambda.start + 1]?.text !== '=>') return undefined;
    const list = scope.listOf(receiver, call.pairs);
    return list ? { ...list, parameter, from: lambda.start + 1, to: lambda.end } : undefined;
  });
  const pending = scans.filter((x): x is AnyScan => x !== undefined);
  if (pending.length === 0) return scans.map(() => undefined);
  const within = (scan: AnyScan, op: Operand | undefined): op is Operand => op !== undefined && op.start > scan.from && op.end <= scan.to;
  // The parameter (optionally with ToUpper() / ToLower() / Trim()): the literal's side.
  const parameterCase = (scan: AnyScan, op: Operand): { literalCase?: 'upper' | 'lower' } | undefined => {
    if (op.literal || op.names[0]?.text !== scan.parameter.text || !op.names.slice(1).every((n) => n.text in CASE_CALLS)) return undefined;
    const literalCase = lastCase(op.names.slice(1));
    return literalCase ? { literalCase } : {};
  };
  const judge = (scan: AnyScan, a: Operand, b: Operand, ignoreCase: boolean): ThumbprintComparison | undefined => {
    for (const [p, t] of [[a, b], [b, a]] as const) {
      const literalSide = parameterCase(scan, p);
      const thumbprintSide = scope.side(t)!;
      const thumbprintCase = literalSide && caseOfThumbprint(thumbprintSide, tokens);
      if (literalSide && thumbprintCase) return { expr, form: 'Any', literals: scan.literals, ...(scan.via ? { via: { ...scan.via } } : {}), ignoreCase, thumbprintCase, ...literalSide, ...scope.fallback(thumbprintSide) };
    }
    return undefined;
  };
  // The lambdas open at a token, innermost last, and the same by parameter name (lambdas nest like their brackets).
  const open: AnyScan[] = [];
  const byName = new Map<string, AnyScan[]>();
  const closeBefore = (k: number): void => {
    while (open.length > 0 && open[open.length - 1]!.to < k) byName.get(open.pop()!.parameter.text)!.pop();
  };
  let next = 0;
  const openAt = (k: number): void => {
    while (next < pending.length && pending[next]!.from < k) {
      const scan = pending[next++]!;
      closeBefore(scan.from);
      open.push(scan);
      const named = byName.get(scan.parameter.text);
      if (named) named.push(scan);
      else byName.set(scan.parameter.text, [scan]);
    }
    closeBefore(k);
  };
  /** The innermost open lambda whose parameter starts `op`. */
  const lambdaOf = (op: Operand): AnyScan | undefined => {
    const named = !op.literal && op.names[0] ? byName.get(op.names[0].text) : undefined;
    return named?.[named.length - 1];
  };
  const equals = calls.filter((c) => c.name.text === 'Equals');
  for (let i = 0, j = 0; i < compared.length || j < equals.length; ) {
    const c = compared[i];
    const inner = equals[j];
    if (c && (!inner || c.index < inner.nameIndex)) {
      i++;
      if (c.operator !== '==') continue;
      openAt(c.index);
      for (const scan of [lambdaOf(c.left), lambdaOf(c.right)]) {
        if (scan && !scan.compared && within(scan, c.left) && within(scan, c.right)) scan.compared = judge(scan, c.left, c.right, false);
      }
    } else if (inner) {
      j++;
      openAt(inner.nameIndex);
      const arg = (k: number): Operand | undefined => {
        const r = inner.args[k];
        return r ? operandExactly(tokens, r.start, r.end, inner.pairs) : undefined;
      };
      const isStatic = isStringType(inner.receiver);
      const [a, b, extra] = isStatic ? [arg(0), arg(1), inner.args.slice(2)] : [inner.receiver, arg(0), inner.args.slice(1)];
      if (!a || !b) continue;
      for (const scan of [lambdaOf(a), lambdaOf(b)]) {
        if (scan && !scan.equals && inner.close <= scan.to) scan.equals = judge(scan, a, b, mentionsIgnoreCase(tokens, extra));
      }
    }
  }
  return scans.map((scan) => scan && (scan.compared ?? scan.equals));
}

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
