import type { Span } from '../../core/text';
import type { CsToken, PolicyDocument, PolicyExpression } from '../../parsers/policy/types';
import { mayMention } from '../../parsers/policy/query';
import { RecentCache } from '../../parsers/policy/recent';
import { readsDeploymentCertificates } from '../../parsers/policy/tokens';
import { afterDot, bracketPairsOf, comparisons, explicitNullTest, isName, tokenSpan, type BracketPairs } from './cs-tokens';

/**
 * What the policy expressions of a document do with `context.Request.Certificate` (an `X509Certificate2`, null when
 * the client sent none [facts §2]): where it is referenced (directly or through a local variable assigned from it),
 * which members are used, where it is tested for null, and what the policy decides with it.
 */

/** `context.Request.Certificate`, or a local variable assigned from it, at one place in an expression. */
export interface CertificateRef {
  kind: 'direct' | 'alias';
  /** Token indexes (inclusive) of the reference. */
  start: number;
  end: number;
  span: Span;
}

/** `ref.Member` or `ref?.Member`. */
export interface CertificateMemberUse {
  expr: PolicyExpression;
  ref: CertificateRef;
  member: CsToken;
  memberIndex: number;
  /** Accessed with `?.`: safe when the certificate is null. */
  conditional: boolean;
  /** `ref.Member(` */
  call: boolean;
  /** From the reference to the member name. */
  span: Span;
}

/** A null test of the certificate: `== null`, `!= null`, `is null` (explicit), `??` or `?.` (null-safe access). */
export interface NullTest {
  ref: CertificateRef;
  form: 'explicit' | 'coalesce' | 'conditional-access';
  /** For explicit tests: true for `== null` / `is null`, false for `!= null`. */
  isNull?: boolean;
  /**
   * A `?.` comparison with a literal that ends the expression's evaluation when the certificate is null:
   * `cert?.Thumbprint != "…" || …` (null is not the literal: true, so `||` stops), `cert?.Thumbprint == "…" && …`.
   * What follows runs only with a certificate. The safe fix of `certificate-null-check` writes the first form.
   */
  shortCircuits?: boolean;
}

/** The analysis of one expression. */
export interface ExpressionAnalysis {
  expr: PolicyExpression;
  /** Local variables assigned from `context.Request.Certificate`. */
  aliases: ReadonlySet<string>;
  refs: CertificateRef[];
  uses: CertificateMemberUse[];
  nullTests: NullTest[];
}

const DIRECT = ['context', 'Request', 'Certificate'];
/** `context . Request . Certificate` */
const DIRECT_TOKENS = DIRECT.length * 2 - 1;

/** Analyses of every expression of the document that references the client certificate, in document order. */
export function certificateExpressions(doc: PolicyDocument): ExpressionAnalysis[] {
  return docCache.get(doc, (d) => (mayMention(d, 'Certificate') ? d.expressions.map(analyze).filter((a) => a.refs.length > 0) : []));
}
/** Per document (several rules ask): shared, don't modify. */
const docCache = new RecentCache<PolicyDocument, ExpressionAnalysis[]>(4);

function analyze(expr: PolicyExpression): ExpressionAnalysis {
  const tokens = expr.tokens;
  const aliases = new Set<string>();
  const refs: CertificateRef[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (afterDot(tokens, i)) continue;
    if (isDirectAt(tokens, i)) {
      const end = i + DIRECT_TOKENS - 1;
      refs.push(makeRef('direct', tokens, i, end));
      const declared = declaredName(tokens, i, end);
      if (declared) aliases.add(declared);
      i = end;
    } else if (tokens[i]!.kind === 'identifier' && aliases.has(tokens[i]!.text) && tokens[i + 1]?.text !== '=') {
      refs.push(makeRef('alias', tokens, i, i));
    }
  }
  const uses: CertificateMemberUse[] = [];
  const nullTests: NullTest[] = [];
  // Paired once, when a `?.` needs them: each `?.` looked for the end of the calls after it (nested calls: quadratic).
  let pairs: BracketPairs | undefined;
  const closeOf = (i: number): number => (pairs ??= bracketPairsOf(tokens)).close[i]!;
  for (const ref of refs) {
    const next = tokens[ref.end + 1];
    const member = tokens[ref.end + 2];
    if ((next?.text === '.' || next?.text === '?.') && member && isName(member)) {
      const conditional = next.text === '?.';
      uses.push({ expr, ref, member, memberIndex: ref.end + 2, conditional, call: tokens[ref.end + 3]?.text === '(', span: { start: ref.span.start, end: member.span.end } });
      if (conditional) nullTests.push({ ref, form: 'conditional-access', ...(shortCircuitsAfter(tokens, ref.end + 2, closeOf) ? { shortCircuits: true } : {}) });
    }
    const test = nullTestAt(tokens, ref);
    if (test) nullTests.push(test);
  }
  return { expr, aliases, refs, uses, nullTests };
}

/**
 * After the member of a `?.` access at `member` (and any `.Name` or call chained on it, which `?.` makes null too): `!=`
 * a literal then `||`, or `==` a literal then `&&`. With a null certificate the comparison is decided (null is no
 * literal) and the operator skips what follows.
 */
function shortCircuitsAfter(tokens: readonly CsToken[], member: number, closeOf: (open: number) => number): boolean {
  let i = member + 1;
  for (;;) {
    const t = tokens[i];
    if (t?.text === '.' && tokens[i + 1] && isName(tokens[i + 1]!)) i += 2;
    else if (t?.text === '(' && t.kind === 'punct') {
      const close = closeOf(i);
      // Never closed: nothing follows the call.
      if (close < 0) return false;
      i = close + 1;
    } else break;
  }
  const op = tokens[i]?.text;
  const literal = tokens[i + 1];
  const next = tokens[i + 2]?.text;
  const isLiteral = literal !== undefined && (literal.kind === 'string' || literal.kind === 'number' || literal.kind === 'char' || literal.text === 'true' || literal.text === 'false');
  return isLiteral && ((op === '!=' && next === '||') || (op === '==' && next === '&&'));
}

/** `context.Request.Certificate` starts at `i`. */
function isDirectAt(tokens: readonly CsToken[], i: number): boolean {
  return tokens[i]?.text === DIRECT[0] && DIRECT.every((name, k) => tokens[i + 2 * k]?.text === name && (k === 0 || tokens[i + 2 * k - 1]?.text === '.'));
}

/** `var name = context.Request.Certificate;` (or a typed declaration / assignment): the variable's name. */
function declaredName(tokens: readonly CsToken[], start: number, end: number): string | undefined {
  const eq = tokens[start - 1];
  const name = tokens[start - 2];
  const after = tokens[end + 1];
  if (eq?.text !== '=' || name?.kind !== 'identifier' || afterDot(tokens, start - 2)) return undefined;
  return after === undefined || after.text === ';' || after.text === ',' || after.text === ')' ? name.text : undefined;
}

function makeRef(kind: CertificateRef['kind'], tokens: readonly CsToken[], start: number, end: number): CertificateRef {
  return { kind, start, end, span: tokenSpan(tokens, start, end) };
}

function nullTestAt(tokens: readonly CsToken[], ref: CertificateRef): NullTest | undefined {
  const test = explicitNullTest(tokens, ref.start, ref.end);
  if (test) return { ref, form: 'explicit', isNull: test.isNull };
  if (tokens[ref.end + 1]?.text === '??') return { ref, form: 'coalesce' };
  return undefined;
}

/** Certificate members that carry a date in local time (.NET `X509Certificate2`) [facts §2]. */
export const VALIDITY_MEMBERS: ReadonlySet<string> = new Set(['NotBefore', 'NotAfter']);
/** The chain-validating methods of `X509Certificate2` in policy expressions [facts §2]. */
const VERIFY_METHODS: ReadonlySet<string> = new Set(['Verify', 'VerifyNoRevocation']);
/** `x.Verify()` / `x.VerifyNoRevocation()` on any receiver (only `X509Certificate2` has them among the allowed types). */
export function verifyCalls(expr: PolicyExpression): { name: CsToken; index: number }[] {
  const t = expr.tokens;
  const out: { name: CsToken; index: number }[] = [];
  t.forEach((name, index) => {
    if (name.kind === 'identifier' && VERIFY_METHODS.has(name.text) && afterDot(t, index) && t[index + 1]?.text === '(' && t[index + 2]?.text === ')') {
      out.push({ name, index });
    }
  });
  return out;
}

/** Members of the certificate that decide nothing about who the client is (dates, printing). */
const IDENTITY_NEUTRAL: ReadonlySet<string> = new Set(['NotBefore', 'NotAfter', 'ToString']);
/** Members that pin or verify who the client is when compared [facts §2, §3]. */
const IDENTITY_MEMBERS: ReadonlySet<string> = new Set(['Thumbprint', 'Issuer', 'IssuerName', 'SerialNumber', 'GetSerialNumber', 'GetSerialNumberString', ...VERIFY_METHODS]);

/** Does the analysis use a certificate member beyond dates and `ToString()` (an identity check, forwarding the raw data…)? */
export function usesBeyondDates(a: ExpressionAnalysis): boolean {
  return a.uses.some((u) => !IDENTITY_NEUTRAL.has(u.member.text));
}

/**
 * Does the expression pin or verify a certificate on its own terms: `context.Deployment.Certificates`, `Verify()`,
 * `VerifyNoRevocation()`, or `.Thumbprint` / `.Issuer` / `.SerialNumber` of any certificate (one read from a header too)?
 */
export function pinsOrVerifies(expr: PolicyExpression): boolean {
  const t = expr.tokens;
  return readsDeploymentCertificates(t) || t.some((tok, i) => tok.kind === 'identifier' && IDENTITY_MEMBERS.has(tok.text) && afterDot(t, i));
}

/**
 * Where the expression decides on the certificate: explicit null tests, and `NotBefore` / `NotAfter` compared
 * with something. The references, in token order.
 */
export function certificateDecisions(a: ExpressionAnalysis): CertificateRef[] {
  const refs = a.nullTests.filter((t) => t.form === 'explicit').map((t) => t.ref);
  // The validity uses by where their reference starts, each with its place in `uses`: a side of a comparison finds
  // its use by a binary search and a scan of its own tokens (a search of every use per side was quadratic: 26 s for a
  // 1.7 MB policy of 30,000 comparisons).
  const validity = a.uses.map((u, index) => ({ u, index })).filter(({ u }) => VALIDITY_MEMBERS.has(u.member.text));
  validity.sort((x, y) => x.u.ref.start - y.u.ref.start || x.index - y.index);
  for (const c of comparisons(a.expr.tokens)) {
    for (const side of [c.left, c.right]) {
      // The first in `uses` order among those whose reference starts in the side and whose member ends it at the latest
      // (a reference after the side's end can't have its member within it).
      let best: { u: CertificateMemberUse; index: number } | undefined;
      for (let i = firstAtOrAfter(validity, side.start); i < validity.length && validity[i]!.u.ref.start <= side.end; i++) {
        const v = validity[i]!;
        if (v.u.memberIndex <= side.end && (!best || v.index < best.index)) best = v;
      }
      if (best) refs.push(best.u.ref);
    }
  }
  return refs.sort((x, y) => x.start - y.start);
}

/** The first index of `sorted` (by reference start) whose reference starts at or after `start`. */
function firstAtOrAfter(sorted: readonly { u: CertificateMemberUse }[], start: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.u.ref.start < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
