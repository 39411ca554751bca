import type { PolicyRule } from './types';
import { verifyCalls } from './util/certificate-expressions';
import { namedValueGuarded } from './util/certificate-flow';
import { chainTier } from './util/chain-tier';

/** `Verify()` / `VerifyNoRevocation()` in a policy expression where the tier can't validate certificate chains. */
export const chainVerifyUnsupportedTier: PolicyRule = {
  id: 'chain-verify-unsupported-tier',
  target: 'policy',
  defaultLevel: 'error',
  description: "Verify() / VerifyNoRevocation() in a policy expression on a tier that can't validate certificate chains (Consumption, v2): the check fails for every certificate.",
  check(ctx) {
    const tier = chainTier(ctx.policy.skus);
    if (tier.certainty === 'none') return;
    for (const expr of ctx.doc.expressions) {
      for (const call of verifyCalls(expr)) {
        const guarded = namedValueGuarded(expr, call.index);
        // A named value guard with only some unsupported tiers is the tier-switch pattern: it is false there.
        if (guarded && tier.certainty !== 'all') continue;
        const method = `${call.name.text}()`;
        const when = guarded
          ? 'it fails for every certificate whenever the named value that guards it is true'
          : tier.certainty === 'all'
            ? 'it fails for every certificate'
            : 'on those tiers it fails for every certificate';
        const advice =
          tier.certainty === 'all'
            ? 'Pin the certificate instead: compare its Thumbprint with context.Deployment.Certificates (or use validate-client-certificate with an <identity thumbprint="…">).'
            : `Guard it with a named value that is false on those tiers ({{validate-certificate-chain}} && !cert.${method}), or pin the certificate by thumbprint instead.`;
        ctx.report({
          span: call.name.span,
          message: `${method} validates the certificate chain, but ${tier.text} can't validate client certificate chains: ${when}. ${advice}`,
          certain: !guarded && tier.certainty === 'all',
          related: ctx.policy.skus.origins,
        });
      }
    }
  },
};
