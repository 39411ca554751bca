import type { RelatedInfo } from '../core/finding';
import type { Span } from '../core/text';
import { childElements, inBranch, dictionaryKeys, elementsNamed, getAttribute, mayMention, onlyReported, sectionOf } from '../parsers/policy';
import type { PolicyDocument, PolicyElement, PolicyExpression } from '../parsers/policy/types';
import { hasPlaceholder } from './util/placeholder';
import { enclosingPassing, remembered, runsAfterBase } from './util/enclosing';
import { reachedFragments } from './util/fragments';
import type { PolicyRule } from './types';

/**
 * Is this the name of a header that carries a client certificate a proxy forwards, or a part of it: Application
 * Gateway's `X-ARR-ClientCert` / `X-ARR-ClientCertThumbprint` (set by a rewrite rule), `X-Client-Certificate`,
 * `X-Forwarded-Client-Cert` (Envoy), `Client-Cert` / `Client-Cert-Chain` (RFC 9440), `X-SSL-Client-Cert`,
 * `X-SSL-Client-S-DN`, `X-SSL-Client-Verify` (nginx), `X-Client-Thumbprint`, `X-Certificate-Thumbprint`? The words
 * after the certificate must name a part of it: `X-Client-Certificate-Mode`, `X-SSL-Cert-Required` and
 * `X-Client-Certification-Id` are about something else.
 */
export function isForwardedCertificateHeader(name: string): boolean {
  const words = name.toLowerCase().split(/[-_\s]+/).filter(Boolean);
  if (words[0] === 'x') words.shift();
  const at = words.findIndex(
    (w, i) =>
      COMPOUND.test(w) ||
      (CERTIFICATE.has(w) && (words[i - 1] === 'client' || words[i - 1] === 'ssl' || DIGEST.has(words[i + 1] ?? ''))) ||
      (w === 'client' && words[i - 1] === 'ssl') ||
      (DIGEST.has(w) && words[i - 1] === 'client'),
  );
  return at >= 0 && words.slice(at + 1).every((w) => PARTS.has(w));
}

const CERTIFICATE = new Set(['cert', 'certificate']);
/** One word for the certificate: `ClientCert`, `ClientCertThumbprint`. */
const COMPOUND = /^clientcert(?:ificate)?(?:thumbprint|fingerprint|chain)?$/;
const DIGEST = new Set(['thumbprint', 'fingerprint']);
/** Words that name a part of a certificate, or how the proxy judged it. */
const PARTS = new Set([
  'thumbprint', 'fingerprint', 'sha1', 'sha256', 'hash', 'chain', 'pem', 'der', 'base64', 'subject', 'issuer', 's', 'i', 'dn',
  'cn', 'san', 'serial', 'verify', 'verified', 'verification', 'cert', 'certificate', 'notbefore', 'notafter', 'v', 'start', 'end',
]);

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
    // Headers are read in expressions (`…Request.Headers…`) or by <check-header>: a native search rules most policies out.
    if (!mayMention(ctx.doc, 'Headers') && !mayMention(ctx.doc, 'check-header')) return;
    const reads = certificateHeaderReads(ctx.doc);
    if (reads.length === 0 || checksCaller(ctx.doc)) return;
    // The caller checked where it runs for this policy too: in a fragment it includes (read in place, outside a
    // branch), or in the inbound of the enclosing scopes (the global policy) when every read runs after <base />.
    if (reachedFragments(ctx.doc).some((f) => !f.conditional && unconditional(f.include) && checksCaller(f.doc))) return;
    if (reads.every((r) => runsAfterBase(ctx.doc, r.at)) && enclosingPassing(ctx, (doc) => remembered(doc, 'checks-caller', checksCaller))) return;
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

/**
 * Where the policy reads a forwarded certificate header: in an expression, or with `<check-header name="…">`. A header
 * the policy itself set (or deleted) earlier in the section, outside any branch, is its own value, not the caller's.
 */
function certificateHeaderReads(doc: PolicyDocument): { name: string; span: Span; at: PolicyElement }[] {
  const out: { name: string; span: Span; at: PolicyElement }[] = [];
  // A character reference could spell `Headers`: asked once (asked for each expression, a 4 MB policy of 10,000
  // expressions and 700,000 `&`s in a comment took 53 s).
  const charRefs = doc.text.includes('&#');
  for (const expr of doc.expressions) {
    if (!charRefs && !doc.text.slice(expr.codeSpan.start, expr.codeSpan.end).includes('Headers')) continue;
    for (const k of dictionaryKeys(expr.tokens, 'context.Request.Headers', READS)) {
      const name = k.token.value!;
      if (!hasPlaceholder(name) && isForwardedCertificateHeader(name) && !onlyReported(expr.owner.element)) out.push({ name, span: k.token.span, at: expr.owner.element });
    }
  }
  for (const el of elementsNamed(doc, 'check-header')) {
    const name = getAttribute(el, 'name');
    if (name && !hasPlaceholder(name.value) && isForwardedCertificateHeader(name.value)) out.push({ name: name.value, span: name.valueSpan, at: el });
  }
  if (out.length === 0) return out;
  const setAt = firstSets(doc);
  return out.filter((r) => !setBefore(setAt, r.name, r.at)).sort((a, b) => a.span.start - b.span.start);
}

/**
 * Where each header is first set (or deleted) by a `<set-header>` outside any `<choose>` branch, by section and
 * lower-case name: the end of that element (one pass, so that many reads and many set-headers stay linear).
 */
function firstSets(doc: PolicyDocument): Map<string, number> {
  const first = new Map<string, number>();
  for (const el of elementsNamed(doc, 'set-header')) {
    const name = getAttribute(el, 'name')?.value.trim().toLowerCase();
    if (name === undefined || !unconditional(el)) continue;
    const key = `${sectionOf(el) ?? ''}\n${name}`;
    const end = first.get(key);
    if (end === undefined || el.span.end < end) first.set(key, el.span.end);
  }
  return first;
}

/** A `<set-header name="…">` of this header before `at` in its section, not inside a `<choose>` branch. */
function setBefore(firstSet: Map<string, number>, name: string, at: PolicyElement): boolean {
  const end = firstSet.get(`${sectionOf(at) ?? ''}\n${name.toLowerCase()}`);
  return end !== undefined && end <= at.span.start;
}

function unconditional(el: PolicyElement): boolean {
  return !inBranch(el);
}

/** Headers a caller sets for its own reasons: comparing one with a secret checks nothing about the way in. */
const CALLER_HEADERS = new Set(['content-type', 'accept', 'user-agent', 'origin', 'host', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip']);

/**
 * Does the policy check who is calling, so that only the proxy gets through: an `<ip-filter action="allow">`, a test
 * of `context.Request.IpAddress`, or a `<check-header>` of another header against a `{{named value}}` (a secret the
 * proxy adds, as Front Door's X-Azure-FDID)?
 */
function checksCaller(doc: PolicyDocument): boolean {
  const allow = (el: PolicyElement) => getAttribute(el, 'action')?.value.trim().toLowerCase() === 'allow';
  if (elementsNamed(doc, 'ip-filter').some((el) => allow(el) && unconditional(el))) return true;
  // The caller's address tested in a branch's condition (not logged, nor used as a rate-limit key).
  const testsAddress = (e: PolicyExpression) =>
    e.owner.element.name === 'when' && e.owner.attribute?.name === 'condition' && e.tokens.some((t, i) => t.text === 'IpAddress' && e.tokens[i - 2]?.text === 'Request');
  if (doc.expressions.some(testsAddress)) return true;
  return elementsNamed(doc, 'check-header').some((el) => {
    if (!unconditional(el)) return false;
    const name = getAttribute(el, 'name')?.value ?? '';
    const lower = name.trim().toLowerCase();
    // Front Door's id (documented with a literal or a named value), or a secret the proxy adds (a named value) in a
    // header callers don't set themselves for other reasons.
    if (lower === 'x-azure-fdid') return childElements(el, 'value').some((v) => v.texts.some((t) => t.raw.trim() !== ''));
    return !isForwardedCertificateHeader(name) && !CALLER_HEADERS.has(lower) && childElements(el, 'value').some((v) => holdsNamedValue(v));
  });
}

function holdsNamedValue(el: PolicyElement): boolean {
  return el.texts.some((t) => t.raw.includes('{{'));
}
