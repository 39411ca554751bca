import type { NamedValueInfo } from '../model/types';
import { elementsNamed } from '../parsers/policy/query';
import type { PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import { pinAllEdits, validNow } from './util/identity';
import { attributeSpan, setAttributeEdit } from './util/policy-edit';
import { analyzeTrust, namedValueOnUnsupportedTiers, namedValueRelated, type TrustAnalysis } from './util/trust';
import { becauseText, failsText, privateCaIn } from './util/private-ca';

/** `validate-trust` true (or omitted: the default is true) on a tier that can't validate certificate chains. */
export const validateTrustUnsupportedTier: PolicyRule = {
  id: 'validate-trust-unsupported-tier',
  target: 'policy',
  defaultLevel: 'error',
  description: "validate-client-certificate validates the certificate chain (validate-trust, true by default) on a tier that can't be given CA certificates: every request with a private CA's certificate fails.",
  check(ctx) {
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const a = analyzeTrust(el, ctx.policy);
      if (!a || a.value === false || a.certainty === 'none') continue;
      if (a.setting.kind === 'named') {
        // The named value deployed with the service (Bicep) says where it is "true"; without it, a named value on
        // mixed tiers is taken for the blog's tier switch (false where chains can't be validated).
        if (a.namedValues) {
          reportNamed(ctx, el, a, a.namedValues);
          continue;
        }
        if (a.certainty !== 'all') continue;
      }
      const skus = a.tierText;
      const what =
        a.setting.kind === 'absent'
          ? 'validate-trust is omitted, so it is true (the default)'
          : a.setting.kind === 'named'
            ? `validate-trust comes from ${a.setting.written}`
            : 'validate-trust is "true"';
      const ca = privateCaIn(ctx.certificates);
      const fails = failsText(ca);
      const consequence =
        a.value !== 'named' ? fails : a.setting.kind === 'named' && a.setting.template ? `${fails} unless the template fills it with false` : `${fails} unless that named value is false`;
      const message =
        `${what}, but ${skus} can't validate client certificate chains: ${consequence}${becauseText(ca)}. ` +
        `Set validate-trust="false" and pin the client certificate with an <identity thumbprint="…">.`;
      const edits = [setAttributeEdit(ctx.file, el, 'validate-trust', 'false'), ...pinAllEdits(ctx.file, ctx.text, el, validNow(ctx.certificates.all(), ctx.settings.now))];
      ctx.report({
        span: a.setting.kind === 'absent' ? el.nameSpan : attributeSpan(a.setting.attribute),
        message,
        certain: a.value === true && a.certainty === 'all',
        fixes: [{ title: trustFixTitle(edits.length), edits, preferred: true }],
        related: a.origins,
      });
    }
  },
};

/** `validate-trust="{{x}}"` where the Bicep gives x per SKU: a finding for the tiers that can't validate chains but get "true". */
function reportNamed(ctx: PolicyRuleContext, el: PolicyElement, a: TrustAnalysis, named: NamedValueInfo[]): void {
  if (a.setting.kind !== 'named') return;
  const onUnsupported = namedValueOnUnsupportedTiers(named, a);
  if (!onUnsupported) return;
  const ca = privateCaIn(ctx.certificates);
  const edits = [setAttributeEdit(ctx.file, el, 'validate-trust', 'false'), ...pinAllEdits(ctx.file, ctx.text, el, validNow(ctx.certificates.all(), ctx.settings.now))];
  ctx.report({
    span: attributeSpan(a.setting.attribute),
    message:
      `validate-trust comes from ${a.setting.written}, and ${onUnsupported.text}: ${failsText(ca)} there${becauseText(ca)}. ` +
      `Make it "false" on those tiers (value: contains(classicSkus, sku) ? 'true' : 'false'), or set validate-trust="false" and pin the client certificate with an <identity thumbprint="…">.`,
    certain: onUnsupported.certain,
    // On a policy that also runs on classic tiers, the literal turns chain validation off there too, where the named
    // value keeps it: offered, but not preferred over making the named value depend on the tier.
    fixes: [{ title: trustFixTitle(edits.length) + (a.certainty === 'all' ? '' : ' (on the classic tiers too)'), edits, preferred: a.certainty === 'all' }],
    related: [...a.origins, ...namedValueRelated(named)],
  });
}

/** The fix sets validate-trust="false", and pins the identities when some aren't (its other edits). */
function trustFixTitle(edits: number): string {
  return edits > 1 ? 'Set validate-trust="false" and pin the certificate by thumbprint' : 'Set validate-trust="false" (every identity is pinned already)';
}
