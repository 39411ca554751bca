import { mayMention, onlyReported } from '../parsers/policy/query';
import { readsDeploymentCertificates } from '../parsers/policy/tokens';
import type { PolicyExpression } from '../parsers/policy/types';
import type { PolicyRule } from './types';
import { verifyCalls } from './util/certificate-expressions';
import { namedValueGuarded, namedValueIndexes } from './util/certificate-flow';
import { chainTier } from './util/chain-tier';
import { thumbprintComparisons } from './util/thumbprints';
import { becauseText, everyCertificateText, privateCaIn } from './util/private-ca';
import { namedValueOf, namedValueOnUnsupportedTiers, namedValueRelated } from './util/trust';

/** `Verify()` / `VerifyNoRevocation()` in a policy expression where the tier can't validate certificate chains. */
export const chainVerifyUnsupportedTier: PolicyRule = {
  id: 'chain-verify-unsupported-tier',
  target: 'policy',
  defaultLevel: 'error',
  description: "Verify() / VerifyNoRevocation() in a policy expression on a tier that can't be given CA certificates (Consumption, v2): the check fails for every private CA's certificate.",
  check(ctx) {
    const tier = chainTier(ctx.policy.skus);
    if (tier.certainty === 'none' || !mayMention(ctx.doc, 'Verify')) return;
    const ca = privateCaIn(ctx.certificates);
    const every = everyCertificateText(ca);
    for (const expr of ctx.doc.expressions) {
      // Once per expression, not per call (one expression of 4,000 Verify() calls: 10 s).
      let pinnedHere: boolean | undefined;
      for (const call of verifyCalls(expr)) {
        const guarded = namedValueGuarded(expr, call.index);
        const method = `${call.name.text}()`;
        // `{{x}} && …Verify()` with x deployed by the Bicep: Verify() runs on the tiers where x is "true".
        const guard = guarded ? andGuard(expr, namedValueIndexes(expr), call.index) : undefined;
        const named = guard ? namedValueOf(ctx.policy, guard) : undefined;
        if (guard && named) {
          const onUnsupported = namedValueOnUnsupportedTiers(named, tier);
          if (!onUnsupported) continue;
          ctx.report({
            span: call.name.span,
            message:
              `${method} runs when {{${guard}}} is "true", and ${onUnsupported.text}: there it fails for ${every}${becauseText(ca)}. ` +
              'Make the named value "false" on those tiers, or pin the certificate by thumbprint instead.',
            certain: onUnsupported.certain,
            related: [...ctx.policy.skus.origins, ...namedValueRelated(named)],
          });
          continue;
        }
        // A named value guard with only some unsupported tiers is the tier-switch pattern: it is false there.
        if (guarded && tier.certainty !== 'all') continue;
        // Only traced or logged (`IsVerified = cert.Verify()` in a <trace>): nothing is decided, but the value is a lie.
        if (onlyReported(expr.owner.element)) {
          ctx.report({
            span: call.name.span,
            message: `${method} validates the certificate chain, but ${tier.text} can't validate client certificate chains: ${tier.certainty === 'all' ? 'the value reported here is' : 'on those tiers the value reported here is'} false for ${every}, which says nothing about the certificate. Report the thumbprint, or whether it is pinned, instead.`,
            certain: false,
            related: ctx.policy.skus.origins,
          });
          continue;
        }
        const when = guarded
          ? `it fails for ${every} whenever the named value that guards it is true`
          : tier.certainty === 'all'
            ? `it fails for ${every}`
            : `on those tiers it fails for ${every}`;
        // The same expression pins the certificate already (a literal Thumbprint, context.Deployment.Certificates): that stays.
        const pinned = (pinnedHere ??= thumbprintComparisons(ctx.doc).some((c) => c.expr === expr) || readsDeploymentCertificates(expr.tokens));
        const advice =
          tier.certainty === 'all'
            ? pinned
              ? `This expression already pins the certificate by thumbprint: remove the ${method} call.`
              : 'Pin the certificate instead: compare its Thumbprint with context.Deployment.Certificates (or use validate-client-certificate with an <identity thumbprint="…">).'
            : `Guard it with a named value that is false on those tiers ({{validate-certificate-chain}} && !cert.${method}), or ${pinned ? 'remove it and keep the thumbprint pin here' : 'pin the certificate by thumbprint instead'}.`;
        ctx.report({
          span: call.name.span,
          message: `${method} validates the certificate chain, but ${tier.text} can't validate client certificate chains: ${when}${becauseText(ca)}. ${advice}`,
          certain: !guarded && tier.certainty === 'all',
          related: ctx.policy.skus.origins,
        });
      }
    }
  },
};

/**
 * The named value `x` when the expression reads `{{x}} && …` (possibly in parentheses) with the call after the `&&`:
 * the call runs only when x is true. Undefined for any other shape (`||`, `!`, several named values…).
 */
function andGuard(expr: PolicyExpression, namedAt: readonly number[], index: number): string | undefined {
  const tokens = expr.tokens;
  // Exactly one named value before the call (the expression's named values found once, not again for each call: one
  // expression of 4,000 guarded Verify() calls took 5 s).
  const at = namedAt[0];
  if (at === undefined || at >= index || (namedAt[1] ?? Infinity) < index) return undefined;
  if (tokens[at + 1]?.text !== '&&' || tokens[at - 1]?.text === '!') return undefined;
  return tokens[at]!.text.slice(2, -2).trim();
}
