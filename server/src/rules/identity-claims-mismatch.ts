import type { CertificateInfo } from '../certificates/types';
import { actsAsCa } from '../certificates/role';
import type { Fix, RelatedInfo } from '../core/finding';
import { getAttribute } from '../parsers/policy';
import type { PolicyAttribute, PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import {
  certificateByThumbprint,
  fileNames,
  groupedCertificates,
  normalizeThumbprint,
  policyThumbprints,
  relatedFiles,
  type WorkspaceCertificateGroup,
} from './util/certificate-references';
import { sameDn } from './util/identity';
import { removeAttributeEdit, setAttributeEdit } from './util/policy-edit';
import { escapeAttributeValue } from './util/xml-attribute';
import { hasPlaceholder } from './util/placeholder';

/** A name claim of `<identity>` and how it relates to a certificate. */
interface Claim {
  /** In messages: `its ${label} is …`. */
  label: string;
  values(c: CertificateInfo): string[];
  /** Same meaning, however written (RDN order, blanks, case, separators). */
  loose(certificateValue: string, written: string): boolean;
  /** Written the way .NET prints it. */
  exact(certificateValue: string, written: string): boolean;
}

const sameText = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();
const serial = (s: string): string => s.replace(/[\s:-]/g, '').toUpperCase().replace(/^0+(?=.)/, '');

const CLAIMS: ReadonlyMap<string, Claim> = new Map([
  ['subject', { label: 'subject', values: (c) => [c.subject], loose: sameDn, exact: (a, b) => a === b }],
  ['issuer-subject', { label: 'issuer', values: (c) => [c.issuer], loose: sameDn, exact: (a, b) => a === b }],
  ['common-name', { label: 'common name', values: (c) => (c.commonName === undefined ? [] : [c.commonName]), loose: sameText, exact: (a, b) => a === b }],
  ['dns-name', { label: 'DNS names', values: (c) => c.dnsNames, loose: sameText, exact: sameText }],
  ['serial-number', { label: 'serial number', values: (c) => [c.serialNumber], loose: (a, b) => serial(a) === serial(b), exact: (a, b) => a === b.toUpperCase() }],
]);

function describeValues(claim: Claim, values: string[]): string {
  if (values.length === 0) return `that certificate has no ${claim.label}`;
  return values.length === 1 ? `that certificate's ${claim.label} is "${values[0]}"` : `that certificate's ${claim.label} are ${values.map((v) => `"${v}"`).join(', ')}`;
}

function setFix(ctx: PolicyRuleContext, identity: PolicyElement, attr: PolicyAttribute, value: string, preferred: boolean): Fix {
  return {
    title: `Set ${attr.name} to the pinned certificate's: ${value}`,
    edits: [setAttributeEdit(ctx.file, identity, attr.name, escapeAttributeValue(value, attr.quote || '"'))],
    preferred,
  };
}

function removeFix(ctx: PolicyRuleContext, attr: PolicyAttribute): Fix {
  return { title: `Remove ${attr.name}: the thumbprint alone pins the certificate`, edits: [removeAttributeEdit(ctx.file, ctx.text, attr)] };
}

/** Checks one name claim against the pinned certificate. */
function checkClaim(ctx: PolicyRuleContext, identity: PolicyElement, attr: PolicyAttribute, claim: Claim, pinned: WorkspaceCertificateGroup, related: RelatedInfo[]): void {
  const values = claim.values(pinned.certificate);
  if (values.some((v) => claim.exact(v, attr.value))) return;
  const loose = values.find((v) => claim.loose(v, attr.value));
  if (loose !== undefined) {
    ctx.report({
      span: attr.valueSpan,
      message:
        `${attr.name} "${attr.value}" is written differently from the pinned certificate's "${loose}" (${fileNames(pinned.files)}). ` +
        'Whether APIM ignores RDN order, spacing and case is not documented: write it exactly as .NET prints it.',
      certain: false,
      fixes: [setFix(ctx, identity, attr, loose, true)],
      related,
    });
    return;
  }
  ctx.report({
    span: attr.valueSpan,
    message:
      `This identity pins the thumbprint of "${pinned.certificate.subject}" (${fileNames(pinned.files)}), but ${describeValues(claim, values)}, not "${attr.value}": ` +
      `all claims of an identity must match, so it never matches. Set ${attr.name} to the certificate's value, or remove it: the thumbprint alone pins the certificate.`,
    fixes: [...(values[0] !== undefined ? [setFix(ctx, identity, attr, values[0], true)] : []), removeFix(ctx, attr)],
    related,
  });
}

/** Checks `issuer-thumbprint` against the pinned certificate's issuer, when the workspace holds the certificate it names. */
function checkIssuerThumbprint(ctx: PolicyRuleContext, identity: PolicyElement, attr: PolicyAttribute, pinned: WorkspaceCertificateGroup, related: RelatedInfo[]): void {
  const thumbprint = normalizeThumbprint(attr.value);
  const issuer = thumbprint && certificateByThumbprint(ctx.certificates, thumbprint);
  if (!issuer || sameDn(issuer.certificate.subject, pinned.certificate.issuer)) return;
  const candidates = groupedCertificates(ctx.certificates).filter((g) => actsAsCa(g.certificate) && sameDn(g.certificate.subject, pinned.certificate.issuer));
  ctx.report({
    span: attr.valueSpan,
    message:
      `This identity pins "${pinned.certificate.subject}", issued by "${pinned.certificate.issuer}", but issuer-thumbprint is that of "${issuer.certificate.subject}" ` +
      `(${fileNames(issuer.files)}): all claims of an identity must match, so it never matches. Pin the real issuer, or remove issuer-thumbprint.`,
    fixes: [
      ...candidates.map((c) => ({
        title: `Set issuer-thumbprint to ${c.certificate.thumbprint} (${fileNames(c.files)})`,
        edits: [setAttributeEdit(ctx.file, identity, attr.name, c.certificate.thumbprint)],
        preferred: candidates.length === 1,
      })),
      removeFix(ctx, attr),
    ],
    related: [...related, ...relatedFiles(issuer.files, `${issuer.certificate.subject}: ${issuer.certificate.thumbprint}`)],
  });
}

/** An `<identity>` whose pinned thumbprint names a workspace certificate that its other claims don't describe. */
export const identityClaimsMismatch: PolicyRule = {
  id: 'identity-claims-mismatch',
  target: 'policy',
  defaultLevel: 'error',
  description: 'An <identity> pins the thumbprint of a workspace certificate whose subject, issuer, common name, DNS name or serial number differ from its other claims: it never matches.',
  check(ctx) {
    for (const ref of policyThumbprints(ctx.doc)) {
      if (ref.kind !== 'thumbprint' || !ref.identity) continue;
      const pinned = certificateByThumbprint(ctx.certificates, ref.thumbprint);
      if (!pinned) continue;
      const related: RelatedInfo[] = [
        ...relatedFiles(pinned.files, `${pinned.certificate.subject}, issued by ${pinned.certificate.issuer}, serial ${pinned.certificate.serialNumber}`),
        { file: ctx.file, span: ref.span, message: 'the pinned thumbprint' },
      ];
      for (const attr of ref.identity.attributes) {
        if (hasPlaceholder(attr.value)) continue;
        const claim = CLAIMS.get(attr.name);
        if (claim) checkClaim(ctx, ref.identity, attr, claim, pinned, related);
      }
      const issuerThumbprint = getAttribute(ref.identity, 'issuer-thumbprint');
      if (issuerThumbprint) checkIssuerThumbprint(ctx, ref.identity, issuerThumbprint, pinned, related);
    }
  },
};
