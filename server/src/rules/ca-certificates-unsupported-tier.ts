import type { Fix } from '../core/finding';
import { property, propertyMember } from '../model/bicep-scope';
import type { ServiceInfo } from '../model/types';
import { skuNameExpr } from '../model/service-info';
import { CLASSIC_SKUS } from '../model/sku';
import type { BicepRule, BicepRuleContext } from './types';
import { keySpanAt, resourceAt } from './util/bicep-edit';
import { chainTier } from './util/chain-tier';

/** The tiers that hold CA certificates (facts §3), as the Bicep array the guard the fix writes tests against. */
const CLASSIC_SKUS_BICEP = `[${CLASSIC_SKUS.map((s) => `'${s}'`).join(', ')}]`;

/** `properties.certificates` (CA certificates) on a service that may be Consumption or v2, not guarded by tier. */
export const caCertificatesUnsupportedTier: BicepRule = {
  id: 'ca-certificates-unsupported-tier',
  target: 'bicep',
  defaultLevel: 'error',
  description: 'CA certificates (properties.certificates) on a service that may be Consumption or v2, tiers that cannot hold them.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      const ca = service.caCertificates;
      if (service.existing || !ca || ca.presence === 'none') continue;
      const skus = ca.presentFor === 'all' ? service.skus : ca.skusWhenPresent;
      const { certainty, text: which } = chainTier(skus);
      if (certainty === 'none') continue;
      // `!empty(rootCaCert) ? [...] : []`, a parameter a deployment may set: nothing may be uploaded after all.
      const uploads = ca.presence === 'certain' ? 'uploads CA certificates' : 'may upload CA certificates';
      const guard = ca.presentFor === 'guarded' ? 'its tier guard still lets them through on' : 'the service may be';
      // An Azure Verified Module's `certificates` parameter is an array: no CA certificates is `[]` there.
      const none = service.registryModule ? '[]' : 'null';
      const advice =
        certainty === 'all'
          ? 'Remove them; on these tiers pin client certificates by thumbprint instead of validating the chain.'
          : `Deploy them only on classic tiers: certificates: contains(${CLASSIC_SKUS_BICEP}, sku) ? [...] : ${none}.`;
      ctx.report({
        span: keySpanAt(ctx.text, ca.ref.span.start),
        message: `${service.registryModule ? 'The module’s certificates parameter' : 'properties.certificates'} ${uploads}, but ${guard} ${which}, which can't hold CA certificates. ${advice}`,
        certain: certainty === 'all' && ca.presence === 'certain',
        fixes: certainty === 'some' && ca.presentFor === 'all' ? guardFix(ctx, service) : [],
        related: skus.origins,
      });
    }
  },
};

/** Wraps the array in the tier guard real projects use: `contains([classic tiers], <sku.name>) ? [...] : null`. */
function guardFix(ctx: BicepRuleContext, service: ServiceInfo): Fix[] {
  const body = resourceAt(ctx.file, ctx.bicep, service.ref.span)?.body;
  const sku = skuNameExpr(body);
  const member = propertyMember(property(body, 'properties'), 'certificates');
  if (!sku || member?.kind !== 'property') return [];
  // `sku: { name: x }` → x; `sku: sku` (an object parameter) → sku.name.
  const skuText = ctx.text.slice(sku.span.start, sku.span.end) + (property(property(body, 'sku'), 'name') ? '' : '.name');
  const value = ctx.text.slice(member.value.span.start, member.value.span.end);
  const none = service.registryModule ? '[]' : 'null';
  const edit = { file: ctx.file, span: member.value.span, newText: `contains(${CLASSIC_SKUS_BICEP}, ${skuText}) ? ${value} : ${none}` };
  return [{ title: 'Deploy the CA certificates only on classic tiers', edits: [edit], preferred: true }];
}
