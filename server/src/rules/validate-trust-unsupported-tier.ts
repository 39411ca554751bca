import { elementsNamed } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { pinAllEdits } from './util/identity';
import { attributeSpan, setAttributeEdit } from './util/policy-edit';
import { analyzeTrust } from './util/trust';

/** `validate-trust` true (or omitted: the default is true) on a tier that can't validate certificate chains. */
export const validateTrustUnsupportedTier: PolicyRule = {
  id: 'validate-trust-unsupported-tier',
  target: 'policy',
  defaultLevel: 'error',
  description: 'validate-client-certificate validates the certificate chain (validate-trust, true by default) on a tier that cannot: every request fails.',
  check(ctx) {
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const a = analyzeTrust(el, ctx.policy.skus);
      // A named value with only some unsupported tiers is the tier-guard pattern: the named value is false there.
      if (!a || a.value === false || a.tier === 'none' || (a.value === 'named' && a.tier !== 'all')) continue;
      const skus = a.tierText;
      const what =
        a.setting.kind === 'absent'
          ? 'validate-trust is omitted, so it is true (the default)'
          : a.setting.kind === 'named'
            ? `validate-trust comes from {{${a.setting.name}}}`
            : 'validate-trust is "true"';
      const consequence = a.value === 'named' ? 'every request fails unless that named value is false' : 'every request fails';
      const message =
        `${what}, but ${skus} can't validate client certificate chains: ${consequence}. ` +
        `Set validate-trust="false" and pin the client certificate with an <identity thumbprint="…">.`;
      const edits = [setAttributeEdit(ctx.file, el, 'validate-trust', 'false'), ...pinAllEdits(ctx.file, ctx.text, el, ctx.certificates.all())];
      ctx.report({
        span: a.setting.kind === 'absent' ? el.nameSpan : attributeSpan(a.setting.attribute),
        message,
        certain: a.value === true && a.tier === 'all',
        fixes: [{ title: 'Set validate-trust="false" and pin the certificate by thumbprint', edits, preferred: true }],
        related: a.origins,
      });
    }
  },
};
