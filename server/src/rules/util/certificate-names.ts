import type { CsToken, PolicyDocument, PolicyElement, PolicyExpression } from '../../parsers/policy/types';
import { inBranch, readsDeploymentCertificates } from '../../parsers/policy';
import { afterDot, comparisons, isCloser, isOpener, methodCalls } from './cs-tokens';
import { hasReturnResponse } from './certificate-flow';
import { reachedFragments } from './fragments';
import { verifyCalls, type CertificateMemberUse, type ExpressionAnalysis } from './certificate-expressions';

/**
 * Where a policy decides on the client certificate's names (`Subject`, `Issuer`…), and whether anything in it pins or
 * verifies the certificate. Names are free text: anyone can write them into a certificate they make, so a decision on
 * names (and dates) alone is spoofable unless the chain is validated or the certificate pinned [facts §1, §3].
 */

/** Members that give the subject's or the issuer's name. */
const NAME_MEMBERS: ReadonlySet<string> = new Set(['Subject', 'SubjectName', 'Issuer', 'IssuerName', 'GetNameInfo']);
/** Members that identify one certificate when compared with a known value (a pin). */
const PIN_MEMBERS: ReadonlySet<string> = new Set([
  'Thumbprint', 'SerialNumber', 'GetSerialNumber', 'GetSerialNumberString', 'GetCertHash', 'GetCertHashString', 'RawData', 'GetRawCertData', 'PublicKey', 'GetPublicKey', 'GetPublicKeyString',
]);
/** Calls that test a value: their receiver and arguments are tested. */
const TEST_CALLS: ReadonlySet<string> = new Set(['Equals', 'Contains', 'StartsWith', 'EndsWith', 'IndexOf', 'IsMatch', 'Compare', 'CompareTo']);

/** A token range (inclusive) whose value a comparison or a test call looks at. */
type Range = { start: number; end: number };

/**
 * Is the token at `index` part of a value the expression tests: an operand of `==` / `!=`, or the receiver or an
 * argument of `Equals`, `Contains`, `StartsWith`, `IndexOf`…? Also when it is in the initializer of a local variable
 * (`var issuer = c.Issuer ?? "";`) that is tested later in the same expression. Printing or forwarding a value
 * (`@(context.Request.Certificate.Subject)` in a header) tests nothing.
 */
function tested(expr: PolicyExpression, index: number, ranges: readonly Range[]): boolean {
  const inside = (i: number) => ranges.some((r) => r.start <= i && i <= r.end);
  if (inside(index)) return true;
  const local = localAssignedAt(expr.tokens, index);
  return local !== undefined && expr.tokens.some((t, i) => t.kind === 'identifier' && t.text === local && !afterDot(expr.tokens, i) && inside(i));
}

function testedRanges(tokens: readonly CsToken[]): Range[] {
  const ranges: Range[] = [];
  for (const c of comparisons(tokens)) {
    if (c.operator === '==' || c.operator === '!=') ranges.push(c.left, c.right);
  }
  for (const call of methodCalls(tokens, TEST_CALLS)) {
    if (call.receiver) ranges.push(call.receiver);
    ranges.push(...call.args);
  }
  return ranges;
}

/** The local variable whose initializer (`name = …;` at the same bracket depth) holds token `index`, if any. */
function localAssignedAt(tokens: readonly CsToken[], index: number): string | undefined {
  let depth = 0;
  for (let i = index - 1; i >= 1; i--) {
    const t = tokens[i]!;
    if (isCloser(t)) depth++;
    else if (isOpener(t)) {
      if (depth === 0) return undefined;
      depth--;
    } else if (depth === 0 && t.kind === 'punct' && (t.text === ';' || t.text === ',')) return undefined;
    else if (depth === 0 && t.kind === 'punct' && t.text === '=') {
      const name = tokens[i - 1]!;
      return name.kind === 'identifier' && !afterDot(tokens, i - 1) ? name.text : undefined;
    }
  }
  return undefined;
}

/** The certificate's name members the policy's expressions test, and whether anything pins or verifies a certificate. */
export function certificateNameChecks(doc: PolicyDocument, analyses: readonly ExpressionAnalysis[]): { names: CertificateMemberUse[]; pinnedOrVerified: boolean } {
  const names: CertificateMemberUse[] = [];
  for (const a of analyses) {
    const uses = a.uses.filter((u) => NAME_MEMBERS.has(u.member.text));
    if (uses.length === 0) continue;
    const ranges = testedRanges(a.expr.tokens);
    for (const use of uses) if (tested(a.expr, use.memberIndex, ranges)) names.push(use);
  }
  const pinnedOrVerified = names.length > 0 && expressionsPinOrVerifyForEveryRequest(doc);
  return { names, pinnedOrVerified };
}

/**
 * Does an expression of the policy pin or verify a certificate (`context.Deployment.Certificates`, `Verify()` /
 * `VerifyNoRevocation()`, or a tested `Thumbprint` / `SerialNumber`), where every request meets it: outside any
 * `<when>` / `<otherwise>` body, or the condition of a `<when>` (of a top-level `<choose>`) after branches that all end
 * the request with `<return-response>`, whose branch (or the choose's `<otherwise>`) rejects. A pin in a later branch is
 * skipped by a request an earlier branch takes and lets through; a pin whose branch only sets a header rejects nobody.
 * `where`: which elements' expressions count (an enclosing policy's inbound).
 */
export function expressionsPinOrVerifyForEveryRequest(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true): boolean {
  const meets = everyRequestMeets();
  if (doc.expressions.some((expr) => where(expr.owner.element) && meets(expr) && pinsOrVerifiesTested(expr))) return true;
  // A fragment included outside any branch (here, and in the fragments on the way) runs for every request, as its own elements do.
  return reachedFragments(doc).some(
    (f) => where(f.include) && !f.conditional && !inBranch(f.include) && f.doc.expressions.some((expr) => meets(expr) && pinsOrVerifiesTested(expr)),
  );
}

/**
 * Does every request meet the expression? What it asks of a `<choose>` (which of its `<when>`s come after branches that
 * all return, whether its `<otherwise>` rejects) is worked out once per `<choose>`: asked again for each `<when>`, 4,000
 * of them took 3.8 s.
 */
function everyRequestMeets(): (expr: PolicyExpression) => boolean {
  const chooses = new Map<PolicyElement, { reached: Set<PolicyElement>; otherwiseRejects: boolean }>();
  const factsOf = (choose: PolicyElement) => {
    let facts = chooses.get(choose);
    if (!facts) {
      // The `<when>`s up to the first that doesn't return (that one too): a request reaches each.
      const reached = new Set<PolicyElement>();
      for (const c of choose.children) {
        if (c.name !== 'when') continue;
        reached.add(c);
        if (!hasReturnResponse(c)) break;
      }
      facts = { reached, otherwiseRejects: choose.children.some((c) => c.name === 'otherwise' && hasReturnResponse(c)) };
      chooses.set(choose, facts);
    }
    return facts;
  };
  return (expr) => {
    const el = expr.owner.element;
    const conditionOf = expr.owner.attribute?.name === 'condition' && el.name === 'when' ? el : undefined;
    if (inBranch(el)) return false;
    if (!conditionOf) return true;
    const choose = conditionOf.parent;
    if (!choose) return false;
    const facts = factsOf(choose);
    if (!facts.reached.has(conditionOf)) return false;
    // The branch rejects (`Thumbprint != pinned` → 403), or the choose rejects what no branch took (`== pinned`).
    return facts.otherwiseRejects || hasReturnResponse(conditionOf);
  };
}

/**
 * `context.Deployment.Certificates`, `Verify()` / `VerifyNoRevocation()`, or a pin member (of any certificate) that is
 * tested: compared, or passed to a test call. Unlike `pinsOrVerifies` of certificate-expressions, reading a
 * `Thumbprint` (to hand it on) is not enough.
 */
export function pinsOrVerifiesTested(expr: PolicyExpression): boolean {
  const t = expr.tokens;
  if (readsDeploymentCertificates(t)) return true;
  if (verifyCalls(expr).length > 0) return true;
  let ranges: Range[] | undefined;
  return t.some((tok, i) => tok.kind === 'identifier' && PIN_MEMBERS.has(tok.text) && afterDot(t, i) && tested(expr, i, (ranges ??= testedRanges(t))));
}

/** `Subject`, `Issuer and Subject`: the name members, once each, in order of first use. */
export function describeNames(uses: readonly CertificateMemberUse[]): string {
  const members = [...new Set(uses.map((u) => u.member.text))];
  return members.length === 1 ? members[0]! : `${members.slice(0, -1).join(', ')} and ${members[members.length - 1]}`;
}

