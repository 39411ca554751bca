import type { Fix } from '../core/finding';
import { elementsNamed, inBranch } from '../parsers/policy/query';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext, Report } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { VALIDITY_MEMBERS, certificateDecisions, certificateExpressions, pinsOrVerifies, usesBeyondDates, type ExpressionAnalysis } from './util/certificate-expressions';
import { certificateNameChecks, describeNames, expressionsPinOrVerifyForEveryRequest } from './util/certificate-names';
import { hasReturnResponse } from './util/certificate-flow';
import { chainTier } from './util/chain-tier';
import { identityElements, isPinned } from './util/identity';
import { reachedFragments } from './util/fragments';
import { enclosingPassing, everyRequestInInbound, inInbound, rejectsOnFailure, remembered, runsAfterBase } from './util/enclosing';

const PIN = '!context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)';

/** A policy that decides on `context.Request.Certificate` by presence, dates and names only. */
export const contextCertificateNotVerified: PolicyRule = {
  id: 'context-certificate-not-verified',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'A policy expression accepts context.Request.Certificate on presence, dates or names (Subject, Issuer) alone, with no chain validation and no thumbprint pin: any self-made certificate passes.',
  check(ctx) {
    // A fragment is a piece of the policies that include it: what they do around it (a pin after the include) isn't
    // seen from here, so a fragment's decisions are judged in those policies, not alone.
    if (ctx.doc.root?.name === 'fragment') return;
    const all = certificateExpressions(ctx.doc);
    // Fragments the policy includes run in its place: their validation and pins count.
    const fragments = reachedFragments(ctx.doc).map((f) => f.doc);
    if (all.length === 0 || validatedByPolicy(ctx.doc) || fragments.some((d) => validatedByPolicy(d))) return;
    let found = judge(ctx, all, fragments);
    // What runs after <base /> runs after the enclosing scopes' inbound: when that validates or pins the certificate
    // (an API policy's validate-client-certificate), a decision here adds to it. Asked only when there is a finding.
    if (found && all.some((a) => runsAfterBase(ctx.doc, a.expr)) && enclosingPassing(ctx, (doc) => remembered(doc, 'verifies-in-inbound', verifiesInInbound))) {
      const before = all.filter((a) => !runsAfterBase(ctx.doc, a.expr));
      found = before.length > 0 ? judge(ctx, before, fragments) : undefined;
    }
    if (found) ctx.report(found);
  },
};

/** The finding for a policy whose certificate decisions are `analyses`, if they decide by presence, dates or names only. */
function judge(ctx: PolicyRuleContext, analyses: ExpressionAnalysis[], fragments: PolicyDocument[]): Report | undefined {
  const tier = chainTier(ctx.policy.skus);
  const advice =
    tier.certainty === 'all'
      ? `Pin it: compare its Thumbprint with context.Deployment.Certificates (${tier.text} can't validate chains).`
      : 'Pin it (compare its Thumbprint with context.Deployment.Certificates) or validate its chain (VerifyNoRevocation() on classic tiers, or validate-client-certificate).';
  const related = tier.certainty === 'none' ? [] : ctx.policy.skus.origins;
  // Names are a decision too, but anyone can write them into a certificate (as an <identity> of names only).
  const named = certificateNameChecks(ctx.doc, analyses);
  if (named.names.length > 0) {
    if (named.pinnedOrVerified) return undefined;
    const dates = analyses.some((a) => a.uses.some((u) => VALIDITY_MEMBERS.has(u.member.text)));
    return {
      span: named.names[0]!.span,
      message:
        `This policy decides on the client certificate by its ${describeNames(named.names)}${dates ? ' and dates' : ''} only: names are text that anyone ` +
        `can write into a certificate they make, and nothing here validates its chain or pins it. ${advice}`,
      related,
    };
  }
  if (analyses.some(usesBeyondDates) || ctx.doc.expressions.some(pinsOrVerifies) || fragments.some((d) => d.expressions.some(pinsOrVerifies))) return undefined;
  const decision = analyses.map((a) => ({ a, ref: certificateDecisions(a)[0] })).find((d) => d.ref !== undefined);
  if (!decision?.ref) return undefined;
  const fix = pinFix(ctx.file, decision.a);
  return {
    span: decision.ref.span,
    message: `This policy decides on the client certificate by its presence and dates only: any certificate with valid dates passes, including one anyone can make. ${advice}`,
    fixes: fix ? [fix] : [],
    related,
  };
}

/** A validate-client-certificate that validates trust (or may: a named value) or pins an identity. */
function validatedByPolicy(doc: PolicyDocument, where: (el: PolicyElement) => boolean = () => true): boolean {
  return elementsNamed(doc, 'validate-client-certificate').some((v) => {
    if (!where(v)) return false;
    const trust = readBoolAttribute(v, 'validate-trust');
    if (!(trust.kind === 'literal' && !trust.value)) return true;
    return identityElements(v).some(isPinned);
  });
}

/** Does the policy's inbound validate the certificate's chain, or pin it (an element, or a tested pin in code)? */
function verifiesInInbound(doc: PolicyDocument): boolean {
  // For every request: in the inbound, outside any branch, answering on failure.
  const inbound = everyRequestInInbound(doc);
  const checks = (v: PolicyElement): boolean => inbound(v) && rejectsOnFailure(v);
  if (validatedByPolicy(doc, checks) || expressionsPinOrVerifyForEveryRequest(doc, (el) => inInbound(doc, el))) return true;
  // A fragment its inbound includes runs there.
  return reachedFragments(doc).some((f) => inbound(f.include) && !f.conditional && validatedByPolicy(f.doc, (v) => !inBranch(v) && rejectsOnFailure(v)));
}

/** In a rejecting `<when condition="@(context.Request.Certificate == null || …)">`: append the thumbprint pin. */
function pinFix(file: string, a: ExpressionAnalysis): Fix | undefined {
  const when = a.expr.owner.element;
  const rejects = a.nullTests.some((t) => t.form === 'explicit' && t.isNull === true && t.ref.start === 0);
  if (a.expr.kind !== 'single' || when.name !== 'when' || a.expr.owner.attribute?.name !== 'condition' || !rejects) return undefined;
  if (!hasReturnResponse(when)) return undefined;
  return {
    title: 'Also reject certificates not uploaded to API Management (pin by thumbprint)',
    edits: [{ file, span: { start: a.expr.codeSpan.end, end: a.expr.codeSpan.end }, newText: ` || ${PIN}` }],
  };
}
