import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { Span } from '../core/text';
import { CHAIN_UNSUPPORTED_SKUS } from '../model/sku';
import type { ServiceInfo } from '../model/types';
import { elementsNamed, mayMention, onlyReported } from '../parsers/policy/query';
import type { PolicyRule, PolicyRuleContext } from './types';
import { verifyCalls } from './util/certificate-expressions';
import { privateCaIn, privateCaText, type PrivateCa } from './util/private-ca';
import { analyzeTrust } from './util/trust';

/**
 * A chain check (`validate-trust`, true by default; `Verify()`, `VerifyNoRevocation()`) in a policy deployed to a
 * classic-tier service that the workspace's Bicep defines without CA certificates, while the workspace holds a private
 * CA: its certificates can't be validated there unless that CA is uploaded (facts §2, [D2]; §3).
 */
export const privateCaNotUploaded: PolicyRule = {
  id: 'private-ca-not-uploaded',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'The policy validates client certificate chains on a classic-tier service whose Bicep uploads no CA certificate, while the workspace holds a private CA: its certificates fail validation unless the CA is uploaded.',
  check(ctx) {
    if (ctx.policy.deployments.length === 0) return;
    const checks = chainChecks(ctx);
    if (checks.length === 0) return;
    const ca = privateCaIn(ctx.certificates);
    if (!ca) return;
    const bare = servicesWithoutCaCertificates(ctx);
    if (bare.length === 0) return;
    for (const check of checks) {
      ctx.report({
        span: check.span,
        message:
          `${check.what} validates the client certificate's chain on ${servicesText(bare)}, which ${bare.length === 1 ? 'uploads' : 'upload'} no CA certificate ` +
          `(properties.certificates), and the workspace holds the private CA ${privateCaText(ca)}: the chain of a certificate it issued can't be built ` +
          'there, so those requests fail. Upload the CA in properties.certificates (storeName: \'Root\'; an intermediate under ' +
          "'CertificateAuthority'), or pin client certificates by thumbprint instead. If the CA is uploaded outside this Bicep " +
          '(the portal, a script), turn this rule off for the file.',
        certain: false,
        related: related(bare, ca),
      });
    }
  },
};

interface ChainCheck {
  span: Span;
  what: string;
}

/** Where the policy validates the chain: validate-trust that may be true, and Verify() calls that decide something. */
function chainChecks(ctx: PolicyRuleContext): ChainCheck[] {
  const out: ChainCheck[] = [];
  for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
    const a = analyzeTrust(el, ctx.policy);
    if (!a || a.value === false || a.validates === 'no') continue;
    const attribute = a.setting.kind === 'absent' ? undefined : a.setting.attribute;
    out.push({
      span: attribute ? attribute.valueSpan : el.nameSpan,
      what: attribute ? `validate-client-certificate (validate-trust="${attribute.value}")` : 'validate-client-certificate (validate-trust is true by default)',
    });
  }
  if (mayMention(ctx.doc, 'Verify')) {
    for (const expr of ctx.doc.expressions) {
      if (onlyReported(expr.owner.element)) continue;
      for (const call of verifyCalls(expr)) out.push({ span: call.name.span, what: `${call.name.text}()` });
    }
  }
  return out;
}

/**
 * The services the policy is deployed to that the workspace defines, that may be on a classic tier (the others can't
 * hold CA certificates: other rules say so) and whose Bicep uploads none. Empty when a deployment's service can't be
 * told (an `existing` service the workspace doesn't define): its CA certificates are set elsewhere.
 */
function servicesWithoutCaCertificates(ctx: PolicyRuleContext): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const deployment of ctx.policy.deployments) {
    const service = deployment.service?.definition ?? deployment.service;
    if (!service || service.existing) return [];
    const classic = [...service.skus.values].some((s) => !CHAIN_UNSUPPORTED_SKUS.has(s));
    const ca = service.caCertificates;
    if (classic && (!ca || ca.presence === 'none') && !out.includes(service)) out.push(service);
  }
  return out;
}

/** `apim (Premium, from main.bicep)`, `apim and apimDr (…)`. */
function servicesText(services: readonly ServiceInfo[]): string {
  const one = (s: ServiceInfo): string => {
    const classic = [...s.skus.values].filter((sku) => !CHAIN_UNSUPPORTED_SKUS.has(sku));
    return `${s.symbolicName} (${classic.join(', ')}, in ${path.basename(s.ref.file)})`;
  };
  return services.length === 1 ? `the service ${one(services[0]!)}` : `the services ${services.map(one).join(' and ')}`;
}

function related(services: readonly ServiceInfo[], ca: PrivateCa): RelatedInfo[] {
  return [
    ...services.map((s) => ({
      file: s.ref.file,
      span: s.caCertificates?.ref.span ?? s.ref.span,
      message: s.caCertificates ? `${s.symbolicName}: its CA certificates upload nothing` : `${s.symbolicName}: defined without CA certificates (properties.certificates)`,
    })),
    { file: ca.file, span: { start: 0, end: 0 }, message: `the private CA ${privateCaText(ca)}` },
  ];
}
