import type { Fix, TextEdit } from '../core/finding';
import { CLASSIC_SKUS, skuCertainty, type Sku } from '../model/sku';
import type { GatewayHostname, ServiceInfo } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';
import { insertMemberEdit, keySpanAt, objectAt, setMemberValueEdit } from './util/bicep-edit';
import { certificateChecksDeployedTo, certificateUse, certificateUseOf, policiesNamed } from './util/bicep-policies';
import { matchingSkusText } from './util/bicep-skus';

/**
 * The tiers that negotiate the client certificate per host name (facts §3): on them a client on HTTP/2 sends one only
 * when the host name asks for it in the handshake (`negotiateClientCertificate`). `Isolated` counts as classic (facts §3:
 * uncertain), which only makes the finding a warning where it could be an error.
 */
const NEGOTIATING_SKUS: ReadonlySet<Sku> = new Set<Sku>(CLASSIC_SKUS);

/**
 * A classic-tier service that turns HTTP/2 on for its clients while no gateway host name negotiates client
 * certificates, and policies deployed to it check them: over HTTP/2 the certificate can't be asked for after the
 * handshake, so those requests arrive without one.
 */
export const clientCertificateHttp2NotNegotiated: BicepRule = {
  id: 'client-certificate-http2-not-negotiated',
  target: 'bicep',
  defaultLevel: 'warning',
  description:
    'HTTP/2 is on for clients of a classic-tier service whose gateway host names don’t negotiate client certificates (negotiateClientCertificate), while its policies check them: requests over HTTP/2 arrive without one.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      const http2 = service.clientHttp2;
      if (service.existing || http2.value !== true || !http2.ref || http2.ref.file !== ctx.file) continue;
      // On classic tiers enableClientCertificate is documented for Consumption only; what it does here is not known.
      if (service.enableClientCertificate.value !== false) continue;
      const hostnames = service.gatewayHostnames;
      if (!hostnames || hostnames.some((h) => h.negotiateClientCertificate.value !== false)) continue;
      const tier = skuCertainty(service.skus, (s) => NEGOTIATING_SKUS.has(s));
      if (tier === 'none') continue;
      const checks = certificateChecksDeployedTo(ctx, service);
      const first = checks[0];
      if (!first) continue;
      const names = checks.map((c) => c.name);
      const skus = matchingSkusText(service.skus, (s) => NEGOTIATING_SKUS.has(s));
      const where =
        hostnames.length === 0
          ? 'the gateway has only its default host name, which doesn’t negotiate client certificates'
          : `no gateway host name in hostnameConfigurations negotiates client certificates (${hostnames.map((h) => h.hostName ?? 'a host name').join(', ')})`;
      ctx.report({
        span: keySpanAt(ctx.text, http2.ref.span.start),
        message:
          `HTTP/2 is on for clients, but ${where}. On ${skus} the certificate is otherwise asked for after the handshake, ` +
          `which HTTP/2 can't do: requests over HTTP/2 arrive without one, and ${policiesNamed(names)} ${certificateUse(checks).replace(/client certificates$|the client certificate$/, 'it')} (${first.what}), ` +
          `${checks.every((c) => c.what === 'validate-client-certificate') ? 'so they fail' : 'which finds none'}. Set negotiateClientCertificate: true on the gateway (Proxy) host names, or turn HTTP/2 off for clients.`,
        certain: tier === 'all',
        fixes: fixes(ctx, service, hostnames),
        related: [
          ...checks.map((c) => ({ file: c.file, span: c.span, message: certificateUseOf(c) })),
          ...hostnames.map((h) => ({ file: h.ref.file, span: h.ref.span, message: `${h.hostName ?? 'this host name'}: negotiateClientCertificate is not true` })),
          ...service.skus.origins,
        ],
      });
    }
  },
};

/**
 * Negotiation on every gateway host name written in this file (preferred), and HTTP/2 off. Neither is applied by
 * `--fix`: each changes what clients see (a certificate request at the handshake, or HTTP/1.1 only).
 */
function fixes(ctx: BicepRuleContext, service: ServiceInfo, hostnames: readonly GatewayHostname[]): Fix[] {
  const out: Fix[] = [];
  const negotiate = hostnames.every((h) => h.ref.file === ctx.file) ? hostnames.map((h) => negotiateEdit(ctx, h)) : [];
  if (negotiate.length > 0 && negotiate.every((e) => e !== undefined)) {
    out.push({ title: 'Set negotiateClientCertificate: true on the gateway host names', edits: negotiate as TextEdit[], preferred: true });
  }
  const http2 = service.clientHttp2.ref!;
  out.push({ title: 'Turn HTTP/2 off for clients', edits: [setMemberValueEdit(ctx.file, ctx.text, http2.span, "'False'")] });
  return out;
}

/** `negotiateClientCertificate: true` on one host name: its `false` replaced, or the member added (multi-line items). */
function negotiateEdit(ctx: BicepRuleContext, h: GatewayHostname): TextEdit | undefined {
  const member = h.negotiateClientCertificate.ref;
  if (member) return setMemberValueEdit(ctx.file, ctx.text, member.span, 'true');
  const item = objectAt(ctx.file, ctx.bicep, h.ref.span);
  return item && insertMemberEdit(ctx.file, ctx.text, item, () => 'negotiateClientCertificate: true', 'last');
}
