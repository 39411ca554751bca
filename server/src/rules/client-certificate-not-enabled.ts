import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import { property } from '../model/bicep-scope';
import { skuCertainty, type Sku } from '../model/sku';
import type { ServiceInfo } from '../model/types';
import { skuNameExpr } from '../model/service-info';
import type { BicepRule, BicepRuleContext } from './types';
import { insertMemberEdit, resourceAt, setMemberValueEdit } from './util/bicep-edit';
import { certificateChecksDeployedTo, certificateUse, certificateUseOf, policiesNamed } from './util/bicep-policies';
import { matchingSkusText } from './util/bicep-skus';

/** The policies' checks listed as related information (the message names them all, "a, b and N more policies"). */
const MAX_RELATED_CHECKS = 5;

/** Tiers whose gateway only receives a client certificate with `enableClientCertificate: true` (facts §3). */
const FLAG_SKUS: ReadonlySet<Sku> = new Set<Sku>(['Consumption', 'BasicV2', 'StandardV2', 'PremiumV2']);

/** A Consumption or v2 service that doesn't request client certificates, while a policy deployed to it checks them. */
export const clientCertificateNotEnabled: BicepRule = {
  id: 'client-certificate-not-enabled',
  target: 'bicep',
  defaultLevel: 'error',
  description:
    'A Consumption or v2 service without enableClientCertificate: true deploys a policy that checks client certificates, which never arrive.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      if (service.existing) continue;
      // False everywhere, or in some deployments of the template (dev.bicepparam sets true, uat.bicepparam doesn't):
      // then the SKUs are those deployments'.
      const { falseIn } = service.enableClientCertificate;
      const everywhere = service.enableClientCertificate.value === false;
      if (!everywhere && !falseIn) continue;
      const skuSet = everywhere ? service.skus : falseIn!;
      const tier = skuCertainty(skuSet, (s) => FLAG_SKUS.has(s));
      if (tier === 'none') continue;
      const checks = certificateChecksDeployedTo(ctx, service);
      const first = checks[0];
      if (!first) continue;
      const files = checks.map((c) => c.name);
      const policies = policiesNamed(files);
      const skus = matchingSkusText(skuSet, (s) => FLAG_SKUS.has(s));
      const { ref, defaultOf } = service.enableClientCertificate;
      const setting = !ref
        ? 'enableClientCertificate is not set'
        : !everywhere
          ? "enableClientCertificate is false in some of this template's deployments"
          : defaultOf
            ? `enableClientCertificate is false by the default of parameter ${defaultOf} (unless a deployment passes true)`
            : 'enableClientCertificate is false';
      ctx.report({
        span: skuSpan(ctx, service),
        message:
          `${setting}, but ${policies} ${certificateUse(checks)} (${first.what}) and on ${skus} the gateway only receives one when the ` +
          `service requests it: context.Request.Certificate is always null and every check fails. Set enableClientCertificate: true in ${service.registryModule ? 'the module’s params' : 'properties'}.`,
        certain: tier === 'all' && !defaultOf,
        fixes: enableFix(ctx, service),
        // The first few checks, each a place to go to; the message counts them all. 27 rows crowded out the Problems panel.
        related: [...checks.slice(0, MAX_RELATED_CHECKS).map((c) => ({ file: c.file, span: c.span, message: certificateUseOf(c) })), ...skuSet.origins],
      });
    }
  },
};

/** The `sku.name` value, else the symbolic name. */
function skuSpan(ctx: BicepRuleContext, service: ServiceInfo): Span {
  const node = resourceAt(ctx.file, ctx.bicep, service.ref.span);
  return skuNameExpr(node?.body)?.span ?? node?.decl.nameSpan ?? service.ref.span;
}

/** Sets `enableClientCertificate: true`: replaces a `false`, or adds the property (and `properties: {…}` when absent). */
function enableFix(ctx: BicepRuleContext, service: ServiceInfo): Fix[] {
  const title = 'Set enableClientCertificate: true';
  const ref = service.enableClientCertificate.ref;
  if (ref) {
    return [{ title, edits: [setMemberValueEdit(ctx.file, ctx.text, ref.span, 'true')], preferred: true }];
  }
  const body = resourceAt(ctx.file, ctx.bicep, service.ref.span)?.body;
  const properties = property(body, 'properties');
  const edit =
    properties?.kind === 'object'
      ? insertMemberEdit(ctx.file, ctx.text, properties, () => 'enableClientCertificate: true')
      : body && !properties
        ? insertMemberEdit(ctx.file, ctx.text, body, (indent) => `properties: {\n${indent}  enableClientCertificate: true\n${indent}}`, 'last')
        : undefined;
  return edit ? [{ title, edits: [edit], preferred: true }] : [];
}
