import * as path from 'node:path';
import { actsAsCa } from '../../certificates/role';
import type { CertificateInfo } from '../../certificates/types';
import type { Fix, TextEdit } from '../../core/finding';
import type { PolicyElement } from '../../parsers/policy/types';
import { childElements, getAttribute } from '../../parsers/policy/query';
import { RecentCache, isElementOf } from '../../parsers/policy/recent';
import { appendChildEdit, indentUnit, setAttributeEdit } from './policy-edit';
import { hasPlaceholder } from './placeholder';
import type { WorkspaceCertificate } from '../types';
import { IDENTITY_ATTRIBUTE_DOCS } from './attribute-docs';

/** The named value the quick fixes use when no workspace certificate fits. */
export const THUMBPRINT_PLACEHOLDER = '{{client-certificate-thumbprint}}';

/** How a fix title says it writes the placeholder: a named value the user still has to create. */
export const PLACEHOLDER_LABEL = `thumbprint="${THUMBPRINT_PLACEHOLDER}" (a named value to create, holding the client's thumbprint)`;

/** Workspace certificates valid now: the ones a fix may pin (an expired or not-yet-valid one would be reported at once). */
export function validNow<T extends { certificate: { notBefore: Date; notAfter: Date } }>(certificates: readonly T[], now: Date): T[] {
  return certificates.filter(({ certificate: c }) => c.notBefore <= now && now < c.notAfter);
}

/** `<identity>` attributes that pin a certificate cryptographically: a thumbprint can't be minted at will [facts §1]. */
const PIN_ATTRIBUTES: readonly string[] = ['thumbprint', 'issuer-thumbprint', 'issuer-certificate-id'];
/** The attributes of `<identity>` [facts §1]. */
export const IDENTITY_ATTRIBUTES: readonly string[] = IDENTITY_ATTRIBUTE_DOCS.map((a) => a.name);

/** The `<identities>` children of a `validate-client-certificate` element. */
export function identitiesOf(vcc: PolicyElement): PolicyElement[] {
  return childElements(vcc, 'identities');
}

/** The `<identity>` elements of a `validate-client-certificate` element (memoised: most rules ask; shared, don't modify). */
export function identityElements(vcc: PolicyElement): readonly PolicyElement[] {
  return identityCache.get(vcc, (el) => identitiesOf(el).flatMap((ids) => childElements(ids, 'identity')));
}

const identityCache = new RecentCache<PolicyElement, readonly PolicyElement[]>(8, (vcc, _, doc) => isElementOf(doc, vcc));

/** Does this `<identity>` carry a thumbprint, an issuer thumbprint or an issuer certificate id? */
export function isPinned(identity: PolicyElement): boolean {
  return PIN_ATTRIBUTES.some((name) => (getAttribute(identity, name)?.value.trim() ?? '') !== '');
}

/**
 * The workspace's end-entity certificates whose subject, issuer, common name, DNS names and serial number match
 * every name claim of the identity. None when a claim is a `{{named value}}` or the identity has no claim.
 */
export function certificatesMatching(identity: PolicyElement, certificates: readonly WorkspaceCertificate[]): WorkspaceCertificate[] {
  const claims = identity.attributes.filter((a) => CLAIM_TESTS.has(a.name));
  if (claims.length === 0 || claims.some((a) => hasPlaceholder(a.value))) return [];
  const seen = new Set<string>();
  return certificates.filter(({ certificate }) => {
    if (actsAsCa(certificate) || seen.has(certificate.thumbprint)) return false;
    if (!claims.every((a) => CLAIM_TESTS.get(a.name)!(certificate, a.value))) return false;
    seen.add(certificate.thumbprint);
    return true;
  });
}

const CLAIM_TESTS: ReadonlyMap<string, (c: CertificateInfo, value: string) => boolean> = new Map([
  ['subject', (c, v) => sameDn(c.subject, v)],
  ['issuer-subject', (c, v) => sameDn(c.issuer, v)],
  ['common-name', (c, v) => sameText(c.commonName ?? '', v)],
  ['dns-name', (c, v) => c.dnsNames.some((d) => sameText(d, v))],
  ['serial-number', (c, v) => sameText(c.serialNumber, v.replace(/[\s:]/g, ''))],
]);

function sameText(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Distinguished names compared RDN by RDN, ignoring order, blanks around separators, case and quotes. */
export function sameDn(a: string, b: string): boolean {
  const x = rdns(a);
  const y = rdns(b);
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

/** Normalised RDNs by DN: the same few names are compared for every policy of a workspace. Bounded. */
const rdnCache = new Map<string, string[]>();
const RDN_CACHE_SIZE = 2_000;

function rdns(dn: string): string[] {
  let cached = rdnCache.get(dn);
  if (!cached) {
    if (rdnCache.size >= RDN_CACHE_SIZE) rdnCache.clear();
    cached = splitRdns(dn);
    rdnCache.set(dn, cached);
  }
  return cached;
}

function splitRdns(dn: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of dn) {
    if (ch === '"') quoted = !quoted;
    else if ((ch === ',' || ch === '+') && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? p.trim().toLowerCase() : `${p.slice(0, eq).trim().toUpperCase()}=${p.slice(eq + 1).trim().toLowerCase()}`;
    })
    .filter((p) => p !== '')
    .sort();
}

/** Edits that add `thumbprint` to an identity: one per matching workspace certificate, else the named-value placeholder. */
function thumbprintChoices(file: string, identity: PolicyElement, certificates: readonly WorkspaceCertificate[]): { label: string; edit: TextEdit }[] {
  const matches = certificatesMatching(identity, certificates);
  if (matches.length === 0) return [{ label: PLACEHOLDER_LABEL, edit: setAttributeEdit(file, identity, 'thumbprint', THUMBPRINT_PLACEHOLDER) }];
  return matches.map(({ file: certFile, certificate }) => ({
    label: `thumbprint="${certificate.thumbprint}" (${path.basename(certFile)})`,
    edit: setAttributeEdit(file, identity, 'thumbprint', certificate.thumbprint),
  }));
}

/** Fixes that pin an identity with a thumbprint; the first is preferred when it is the only certificate (or the placeholder). */
export function pinIdentityFixes(file: string, identity: PolicyElement, certificates: readonly WorkspaceCertificate[]): Fix[] {
  const choices = thumbprintChoices(file, identity, certificates);
  return choices.map((c) => ({ title: `Pin the identity with ${c.label}`, edits: [c.edit], preferred: choices.length === 1 }));
}

/**
 * Edits that make every identity of `vcc` pinned: thumbprints on unpinned identities (a workspace certificate when exactly
 * one matches, else the placeholder), or a new `<identities>` with a placeholder identity when there is none.
 */
export function pinAllEdits(file: string, text: string, vcc: PolicyElement, certificates: readonly WorkspaceCertificate[]): TextEdit[] {
  const identities = identityElements(vcc);
  if (identities.length === 0) return [addIdentitiesEdit(file, text, vcc)];
  return identities
    .filter((id) => !isPinned(id))
    .map((id) => {
      const matches = certificatesMatching(id, certificates);
      return setAttributeEdit(file, id, 'thumbprint', matches.length === 1 ? matches[0]!.certificate.thumbprint : THUMBPRINT_PLACEHOLDER);
    });
}

/** Adds `<identities><identity thumbprint="…" /></identities>` to `vcc` (or the identity to an empty `<identities>`). */
export function addIdentitiesEdit(file: string, text: string, vcc: PolicyElement, thumbprint = THUMBPRINT_PLACEHOLDER): TextEdit {
  const identity = `<identity thumbprint="${thumbprint}" />`;
  const empty = identitiesOf(vcc)[0];
  if (empty) return appendChildEdit(file, text, empty, identity);
  return appendChildEdit(file, text, vcc, `<identities>\n${indentUnit(text, vcc)}${identity}\n</identities>`);
}
