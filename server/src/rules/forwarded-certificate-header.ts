import type { RelatedInfo } from '../core/finding';
import type { Span } from '../core/text';
import { childElements, dictionaryKeys, elementsNamed, getAttribute } from '../parsers/policy';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import type { PolicyRule } from './types';

/**
 * A request header named for a client certificate that a proxy in front of APIM forwards: Application Gateway's
 * `X-ARR-ClientCert` / `X-ARR-ClientCertThumbprint` (set by a rewrite rule), `X-Client-Certificate`,
 * `X-Forwarded-Client-Cert` (Envoy), `Client-Cert` (RFC 9440), `X-SSL-Client-Cert` (nginx), a forwarded thumbprint or
 * fingerprint.
 */
const CERTIFICATE_HEADER = /client[-_]?(?:cert|thumbprint|fingerprint)|ssl[-_]?(?:client|cert)/i;

/** How an expression reads one request header by name. */
const READS = new Set(['GetValueOrDefault', 'ContainsKey', 'TryGetValue']);

/** A policy that decides on a client certificate forwarded in a request header, with nothing that checks who sent it. */
export const forwardedCertificateHeader: PolicyRule = {
  id: 'forwarded-certificate-header',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'A policy reads a client certificate (or its thumbprint) from a request header a proxy forwards, and nothing checks that the request came through that proxy: anyone who reaches APIM directly can send the header.',
  check(ctx) {
    const text = ctx.doc.text.toLowerCase();
    if (!/cert|thumbprint|fingerprint|&#/.test(text)) return;
    const reads = certificateHeaderReads(ctx.doc);
    if (reads.length === 0 || checksCaller(ctx.doc)) return;
    // A service that only the virtual network (or private endpoints) can reach: the proxy is the way in.
    const services = ctx.policy.deployments.map((d) => d.service?.definition ?? d.service);
    if (services.length > 0 && services.every((s) => s?.reachability.value === 'private')) return;
    const publicServices = services.filter((s) => s?.reachability.value === 'public');
    const related: RelatedInfo[] = publicServices.map((s) => ({
      file: s!.ref.file,
      span: s!.ref.span,
      message: 'this service is reachable from the internet: virtualNetworkType is not Internal and public network access is not disabled',
    }));
    // One finding a policy, at the first read: the way in is the same for every header the proxy forwards.
    const names = [...new Map(reads.map((r) => [r.name.toLowerCase(), r.name])).values()];
    const headers = names.length === 1 ? `the ${names[0]} header` : `the ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} headers`;
    const reach =
      publicServices.length > 0 && publicServices.length === services.length
        ? 'the service that deploys this policy is reachable from the internet, so anyone'
        : 'anyone who reaches APIM without going through the proxy';
    ctx.report({
      span: reads[0]!.span,
      message:
        `This policy takes the client certificate from ${headers}, which a proxy in front of APIM (Application Gateway, Front Door) ` +
        `sets, but ${reach} can send ${names.length === 1 ? 'that header' : 'those headers'} with any certificate or thumbprint in ` +
        `${names.length === 1 ? 'it' : 'them'}. Make APIM reachable only through the proxy (virtualNetworkType: 'Internal', or a private ` +
        "endpoint with publicNetworkAccess: 'Disabled'), have every listener of the proxy set or remove the header, or check the caller " +
        'here (ip-filter, or check-header of a secret the proxy adds, as X-Azure-FDID). If the network already ensures it, say so in a ' +
        'suppression comment.',
      certain: false,
      related: [
        ...related,
        ...reads.slice(1).map((r) => ({ file: ctx.file, span: r.span, message: `${r.name} read here too` })),
      ],
    });
  },
};

/** Where the policy reads a forwarded certificate header: in an expression, or with `<check-header name="…">`. */
function certificateHeaderReads(doc: PolicyDocument): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  for (const expr of doc.expressions) {
    if (!expr.tokens.some((t) => t.text === 'Headers')) continue;
    for (const k of dictionaryKeys(expr.tokens, 'context.Request.Headers', READS)) {
      if (CERTIFICATE_HEADER.test(k.token.value!)) out.push({ name: k.token.value!, span: k.token.span });
    }
  }
  for (const el of elementsNamed(doc, 'check-header')) {
    const name = getAttribute(el, 'name');
    if (name && CERTIFICATE_HEADER.test(name.value)) out.push({ name: name.value, span: name.valueSpan });
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/**
 * Does the policy check who is calling, so that only the proxy gets through: an `<ip-filter action="allow">`, a test
 * of `context.Request.IpAddress`, or a `<check-header>` of another header against a `{{named value}}` (a secret the
 * proxy adds, as Front Door's X-Azure-FDID)?
 */
function checksCaller(doc: PolicyDocument): boolean {
  if (elementsNamed(doc, 'ip-filter').some((el) => getAttribute(el, 'action')?.value.trim().toLowerCase() === 'allow')) return true;
  if (doc.expressions.some((e) => e.tokens.some((t, i) => t.text === 'IpAddress' && e.tokens[i - 2]?.text === 'Request'))) return true;
  return elementsNamed(doc, 'check-header').some((el) => {
    const name = getAttribute(el, 'name')?.value ?? '';
    return !CERTIFICATE_HEADER.test(name) && childElements(el, 'value').some((v) => holdsNamedValue(v));
  });
}

function holdsNamedValue(el: PolicyElement): boolean {
  return el.texts.some((t) => t.raw.includes('{{'));
}
