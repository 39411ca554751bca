import type { Span } from '../core/text';
import type { SelfHostedGateway } from '../model/types';
import { elementsNamed, mayMention } from '../parsers/policy/query';
import type { PolicyDocument } from '../parsers/policy/types';
import type { BicepRule, BicepRuleContext } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { resourceAt } from './util/bicep-edit';
import { deployedPolicy, policiesDeployedTo } from './util/bicep-policies';
import { verifyCalls } from './util/certificate-expressions';

/**
 * A self-hosted gateway without certificate authorities of its own, serving APIs whose policies validate client
 * certificate chains, on a service that uploads CA certificates: the gateway doesn't use those (facts §3).
 */
export const selfHostedGatewayCaCertificates: BicepRule = {
  id: 'self-hosted-gateway-ca-certificates',
  target: 'bicep',
  defaultLevel: 'warning',
  description:
    'A self-hosted gateway without certificateAuthorities serves APIs whose policies validate client certificate chains: it doesn’t use the CA certificates uploaded to the service.',
  check(ctx) {
    for (const gateway of ctx.model.selfHostedGatewaysIn(ctx.file)) {
      if (gateway.certificateAuthorities.length > 0 || gateway.apis.size === 0) continue;
      const ca = gateway.service.caCertificates;
      if (!ca || ca.entries.length === 0) continue;
      const validations = chainValidationsOn(ctx, gateway);
      const first = validations[0];
      if (!first) continue;
      const node = resourceAt(ctx.file, ctx.bicep, gateway.ref.span);
      const name = gateway.name ? `'${gateway.name}'` : node?.decl.name ?? 'this gateway';
      const apis = [...gateway.apis].join(', ');
      const others = new Set(validations.map((v) => v.name)).size - 1;
      const where = `${first.name}: ${first.what}${others > 0 ? `, and ${others} more ${others === 1 ? 'policy' : 'policies'}` : ''}`;
      ctx.report({
        span: node?.decl.nameSpan ?? gateway.ref.span,
        message:
          `Self-hosted gateway ${name} serves ${apis}, whose policies validate the client certificate chain (${where}), but it has no certificate authorities ` +
          '(Microsoft.ApiManagement/service/gateways/certificateAuthorities): a self-hosted gateway doesn’t use the CA ' +
          'certificates uploaded in properties.certificates, so client certificates from those CAs fail the chain check there. ' +
          'Upload each CA as a service certificate and add it to the gateway as a certificate authority, or pin client ' +
          'certificates by thumbprint on the APIs this gateway serves.',
        related: [
          ...validations.map((v) => ({ file: v.file, span: v.span, message: `validates the client certificate chain: ${v.what}` })),
          { file: ca.ref.file, span: ca.ref.span, message: 'the CA certificates uploaded to the service' },
        ],
      });
    }
  },
};

interface ChainValidation {
  file: string;
  /** The policy, for messages. */
  name: string;
  span: Span;
  what: string;
}

/** Where the policies that apply on the gateway's APIs (theirs, their operations', the service's) validate chains. */
function chainValidationsOn(ctx: BicepRuleContext, gateway: SelfHostedGateway): ChainValidation[] {
  const out: ChainValidation[] = [];
  for (const policy of policiesDeployedTo(ctx.model, gateway.service.ref.file, gateway.service)) {
    const applies = policy.scope === 'service' || (policy.apiNames ?? []).some((n) => gateway.apis.has(n));
    if (!applies) continue;
    const deployed = deployedPolicy(ctx, policy);
    if (!deployed) continue;
    for (const v of chainValidations(deployed.doc)) out.push({ file: deployed.file, name: deployed.name, span: deployed.place(v.span), what: v.what });
  }
  return out;
}

/** `validate-client-certificate` with validate-trust true or omitted (or from a named value), and `Verify()` calls. */
function chainValidations(doc: PolicyDocument): { span: Span; what: string }[] {
  const out: { span: Span; what: string }[] = [];
  for (const el of elementsNamed(doc, 'validate-client-certificate')) {
    const trust = readBoolAttribute(el, 'validate-trust');
    if (trust.kind === 'absent' || trust.kind === 'named' || (trust.kind === 'literal' && trust.value)) {
      out.push({ span: el.nameSpan, what: 'validate-client-certificate with validate-trust' });
    }
  }
  if (!mayMention(doc, 'Verify')) return out;
  for (const expr of doc.expressions) {
    for (const call of verifyCalls(expr)) out.push({ span: call.name.span, what: `${call.name.text}()` });
  }
  return out;
}
