import type { CsToken, PolicyDocument, PolicyElement, PolicyExpression, PolicySection } from '../../parsers/policy/types';
import { explicitNullTest, isCloser, isOpener } from './cs-tokens';
import { ancestors, elementsNamed, getAttribute, inBranch, sectionOf } from '../../parsers/policy/query';
import { RecentCache } from '../../parsers/policy/recent';
import { readBoolAttribute } from './bool-attribute';
import { certificateExpressions, type CertificateMemberUse, type ExpressionAnalysis } from './certificate-expressions';
import { includedFragments, reachedFragments } from './fragments';

/**
 * A static approximation of the policy's control flow, as far as the client certificate rules need it:
 * where the certificate is known to be non-null, and where a `{{named value}}` decides whether code runs.
 *
 * Non-null approximation (lenient on purpose: a false alarm on a correct policy costs more than a missed case):
 * - the use itself is null-safe (`cert?.X`);
 * - an explicit null test (`== null`, `!= null`, `is null`) of the certificate comes earlier in the same expression
 *   (`cert == null || cert.X`, `cert != null && cert.X`, `if (cert == null) { return …; } … cert.X`), or a `?.`
 *   comparison that stops the evaluation without a certificate (`cert?.Thumbprint != "…" || cert.X`);
 * - a `<when condition>` tests the certificate for null (`== null`, `!= null`, `is null`, `??`, `?.`): its body (unless
 *   the only test is `== null`), the later `<when>` / `<otherwise>` of the same `<choose>`, and, when that `<when>`
 *   holds a `<return-response>` (or `!= null` is one of the `&&` operands of its condition, and every other branch, an
 *   `<otherwise>` among them, returns on every path), everything after the `<choose>`;
 * - any other earlier expression tests it explicitly (the `set-variable` that stores a validation result, which a later
 *   `<choose>` returns on);
 * - a `validate-client-certificate` without `ignore-error="true"` comes earlier (it answers 401 without a certificate).
 * "Earlier" follows the pipeline: the same section, or `inbound` before `backend` before `outbound`; never into `on-error`.
 */

/** Does what happens in section `from` still hold when section `to` runs later in the same request? */
function flowsInto(from: PolicySection | undefined, to: PolicySection | undefined): boolean {
  if (from === to) return true;
  if (from === 'inbound') return to === 'backend' || to === 'outbound';
  return from === 'backend' && to === 'outbound';
}

/** Is element `a` (ending before `offset`) in effect for code at `offset` in element `b`? */
function precedes(a: PolicyElement, end: number, offset: number, b: PolicyElement): boolean {
  return end <= offset && flowsInto(sectionOf(a), sectionOf(b));
}

/** A place that makes the certificate non-null for the expressions it covers. */
type Guard = (expr: PolicyExpression) => boolean;

const guardCache = new RecentCache<PolicyDocument, Guard[]>(4);

function guardsOf(doc: PolicyDocument): Guard[] {
  // Included fragments are resolved per lint: a document that has some is not cached by itself.
  return includedFragments(doc).length > 0 ? buildGuards(doc) : guardCache.get(doc, buildGuards);
}

function buildGuards(doc: PolicyDocument): Guard[] {
  const guards: Guard[] = [];
  // A fragment that answers without a certificate (validate-client-certificate, a null check that returns) guards
  // what follows its <include-fragment>, as the same elements written in place would.
  for (const f of reachedFragments(doc)) {
    if (rejectsMissingCertificateHere(f.doc)) guards.push((expr) => precedes(f.include, f.include.span.end, expr.span.start, expr.owner.element));
  }
  for (const v of elementsNamed(doc, 'validate-client-certificate')) {
    const ignore = readBoolAttribute(v, 'ignore-error');
    if (ignore.kind === 'literal' && ignore.value) continue;
    guards.push((expr) => precedes(v, v.span.end, expr.span.start, expr.owner.element));
  }
  for (const a of certificateExpressions(doc)) {
    const when = whenOfCondition(a.expr);
    if (when && a.nullTests.length > 0) guards.push(whenGuard(a, when));
    else if (a.nullTests.some((t) => t.form === 'explicit')) {
      guards.push((expr) => precedes(a.expr.owner.element, a.expr.span.end, expr.span.start, expr.owner.element));
    }
  }
  return guards;
}

/**
 * Does the document (a fragment, or the part of a policy that `where` keeps) end a request without a client
 * certificate: validate-client-certificate, or a `<when>` null test that returns?
 */
export function rejectsMissingCertificate(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true, everyRequest = false): boolean {
  if (rejectsMissingCertificateHere(doc, where)) return true;
  // With `everyRequest`, a fragment counts only when no branch on the way, nor in it, holds the check.
  const inFragment = everyRequest ? (el: PolicyElement) => !inBranch(el) : () => true;
  return reachedFragments(doc).some((f) => where(f.include) && !(everyRequest && f.conditional) && rejectsMissingCertificateHere(f.doc, inFragment));
}


/** `rejectsMissingCertificate` by the document's own elements, without the fragments it includes. */
function rejectsMissingCertificateHere(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true): boolean {
  const validates = elementsNamed(doc, 'validate-client-certificate').some((v) => {
    const ignore = readBoolAttribute(v, 'ignore-error');
    return !(ignore.kind === 'literal' && ignore.value) && where(v);
  });
  if (validates) return true;
  return certificateExpressions(doc).some((a) => {
    const when = whenOfCondition(a.expr);
    return when !== undefined && where(when) && ((hasReturnResponse(when) && a.nullTests.some((t) => t.form === 'explicit' && t.isNull === true)) || elseReturns(a, when));
  });
}

/**
 * `when cert != null` whose later branches, an `<otherwise>` among them, all return (the "go on with a certificate,
 * else 401" form): no request without a certificate gets past the `<choose>`.
 */
function elseReturns(condition: ExpressionAnalysis, when: PolicyElement): boolean {
  // The condition holds only with a certificate: `cert != null && …`, never `cert != null || …`, `| …`, `!(cert != null)`
  // or a conditional.
  if (!holdsOnlyWithCertificate(condition)) return false;
  // Every other branch returns, an earlier <when> too (a request it takes never reaches this test).
  const others = (when.parent?.children ?? []).filter((c) => c !== when && (c.name === 'when' || c.name === 'otherwise'));
  return others.some((c) => c.name === 'otherwise') && others.every(alwaysReturns);
}

/**
 * Is a `!= null` / `is not null` test of the certificate one of the conjuncts of the value: `@(cert != null && …)`, or
 * the expression of the only `return` of a `@{…}` block that ends with it (`var cert = …; return cert != null;`)?
 */
function holdsOnlyWithCertificate(condition: ExpressionAnalysis): boolean {
  const tokens = condition.expr.tokens;
  const tests = condition.nullTests.flatMap((t) => {
    if (t.form !== 'explicit' || t.isNull !== false) return [];
    const range = explicitNullTest(tokens, t.ref.start, t.ref.end);
    return range ? [range] : [];
  });
  if (tests.length === 0) return false;
  let from = 0;
  let to = tokens.length;
  if (condition.expr.kind === 'multi') {
    const returns = tokens.flatMap((t, i) => (t.kind === 'keyword' && t.text === 'return' ? [i] : []));
    if (returns.length !== 1 || tokens[to - 1]?.text !== ';') return false;
    from = returns[0]! + 1;
    to -= 1;
    if (tokens.slice(0, from).some((t) => t.kind === 'keyword' && ['if', 'switch', 'try', 'throw', 'for', 'foreach', 'while', 'do', 'goto'].includes(t.text))) return false;
  }
  return conjunctTest(tokens, from, to, tests);
}

/**
 * Is one of the `&&` operands of tokens[from, to) (brackets stripped) one of the tests, or such a conjunction itself?
 * Linear in the tokens, without recursion: an operand is split further only at its own level, jumping over each bracket
 * pair (a condition 50,000 brackets deep took 9 s, and 20,000 nested `&&` overflowed the stack).
 */
function conjunctTest(tokens: readonly CsToken[], from0: number, to0: number, tests: readonly { from: number; to: number }[]): boolean {
  const close = bracketPairs(tokens, from0, to0);
  const ranges: [number, number][] = [[from0, to0]];
  while (ranges.length > 0) {
    let [from, to] = ranges.pop()!;
    while (from < to && tokens[from]!.text === '(' && close[from - from0] === to - 1) {
      from++;
      to--;
    }
    if (tests.some((t) => t.from === from && t.to === to - 1)) return true;
    const parts: [number, number][] = [];
    let start = from;
    let i = from;
    while (i < to) {
      const t = tokens[i]!;
      if (isOpener(t)) {
        const end = close[i - from0]!;
        // An unclosed bracket (or one closed past the operand): nothing after it is at this level.
        if (end < 0 || end >= to) break;
        i = end + 1;
        continue;
      }
      // A stray closing bracket, or a statement's end: not a conjunction.
      if (isCloser(t) || t.text === ';') {
        parts.length = 0;
        break;
      }
      if (t.text === '&&') {
        parts.push([start, i]);
        start = i + 1;
      }
      i++;
    }
    if (parts.length === 0) continue;
    parts.push([start, to]);
    ranges.push(...parts);
  }
  return false;
}

/** For each token of [from, to), the index of the bracket that closes it when it opens one (any kind), else -1. */
function bracketPairs(tokens: readonly CsToken[], from: number, to: number): Int32Array {
  const close = new Int32Array(to - from).fill(-1);
  const open: number[] = [];
  for (let i = from; i < to; i++) {
    if (isOpener(tokens[i])) open.push(i);
    else if (isCloser(tokens[i]) && open.length > 0) close[open.pop()! - from] = i;
  }
  return close;
}

/**
 * Does every way through the element end in a `<return-response>`: one among its children, or a `<choose>` with an
 * `<otherwise>` whose branches all do? (`hasReturnResponse` also counts one in a branch that may not run.)
 */
function alwaysReturns(el: PolicyElement): boolean {
  return el.children.some((c) => {
    if (c.name === 'return-response') return true;
    if (c.name !== 'choose') return false;
    const branches = c.children.filter((b) => b.name === 'when' || b.name === 'otherwise');
    return branches.some((b) => b.name === 'otherwise') && branches.every(alwaysReturns);
  });
}

/** The `<when>` whose `condition` is this expression. */
function whenOfCondition(expr: PolicyExpression): PolicyElement | undefined {
  const el = expr.owner.element;
  return el.name === 'when' && expr.owner.attribute?.name === 'condition' ? el : undefined;
}

function whenGuard(condition: ExpressionAnalysis, when: PolicyElement): Guard {
  const choose = when.parent;
  // `when cert == null` runs its body only without a certificate; any other test may leave it non-null there.
  const bodyNonNull = !condition.nullTests.every((t) => t.form === 'explicit' && t.isNull === true);
  const later = choose ? choose.children.filter((c) => c.span.start > when.span.start && (c.name === 'when' || c.name === 'otherwise')) : [];
  const returns = hasReturnResponse(when) || elseReturns(condition, when);
  return (expr) => {
    if (expr === condition.expr) return false;
    const el = expr.owner.element;
    const inside = (scope: PolicyElement): boolean => el === scope || ancestors(el).includes(scope);
    if ((bodyNonNull && inside(when)) || later.some(inside)) return true;
    return returns && choose !== undefined && precedes(choose, choose.span.end, expr.span.start, el);
  };
}

/** Does the element hold a `<return-response>` (at any depth)? */
export function hasReturnResponse(el: PolicyElement): boolean {
  return el.children.some((c) => c.name === 'return-response' || hasReturnResponse(c));
}

/** Is the certificate known to be non-null where this member is used (see the approximation above)? */
function knownNonNull(doc: PolicyDocument, analysis: ExpressionAnalysis, use: CertificateMemberUse): boolean {
  if (use.conditional) return true;
  if (analysis.nullTests.some((t) => (t.form === 'explicit' || t.shortCircuits) && t.ref.end < use.ref.start)) return true;
  return guardsOf(doc).some((guard) => guard(analysis.expr));
}

/** The member uses of the certificate in the document that may run with a null certificate. */
export function unguardedUses(doc: PolicyDocument): CertificateMemberUse[] {
  const out: CertificateMemberUse[] = [];
  for (const a of certificateExpressions(doc)) {
    const first = a.uses.find((u) => !knownNonNull(doc, a, u));
    if (first) out.push(first);
  }
  return out;
}

/**
 * Does a `{{named value}}` decide whether the token at `index` runs? True when one appears earlier in the same expression
 * (`{{validate-certificate-chain}} && !cert.VerifyNoRevocation()`, `if ({{x}}) { … }`) or in the condition of an
 * enclosing `<when>`. A named value is true or false depending on the environment.
 */
export function namedValueGuarded(expr: PolicyExpression, index: number): boolean {
  if (expr.tokens.slice(0, index).some((t) => t.kind === 'namedValue')) return true;
  const el = expr.owner.element;
  return [el, ...ancestors(el)].some((w) => {
    const condition = w.name === 'when' ? getAttribute(w, 'condition') : undefined;
    return condition !== undefined && condition !== expr.owner.attribute && condition.rawValue.includes('{{');
  });
}
