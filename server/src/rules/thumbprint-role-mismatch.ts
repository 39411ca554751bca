import type { Fix } from '../core/finding';
import { actsAsCa } from '../certificates/role';
import { getAttribute } from '../parsers/policy';
import type { PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import { certificateByThumbprint, fileNames, groupedCertificates, policyThumbprints, type WorkspaceCertificateGroup } from './util/certificate-references';
import { sameDn } from './util/identity';
import { analyzeTrust } from './util/trust';

/**
 * An `<identity>` whose `thumbprint` pins a CA certificate of the workspace (one that issued other workspace
 * certificates), or whose `issuer-thumbprint` names a workspace certificate that is not a CA: the thumbprint is in the
 * wrong attribute. A client presents its own certificate, not its CA's, and a certificate that isn't a CA issues none.
 */
export const thumbprintRoleMismatch: PolicyRule = {
  id: 'thumbprint-role-mismatch',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'An <identity> thumbprint pins a CA certificate of the workspace, or its issuer-thumbprint a certificate that is not a CA: the thumbprint is in the wrong attribute, and the identity never matches.',
  check(ctx) {
    if (ctx.certificates.size === 0) return;
    for (const ref of policyThumbprints(ctx.doc)) {
      if (ref.kind === 'expression' || !ref.identity) continue;
      // Most pins are right (a client as thumbprint, a CA as issuer-thumbprint): look no further at those.
      const first = ctx.certificates.byThumbprint(ref.thumbprint)[0]?.certificate;
      const isCA = first && actsAsCa(first);
      if (isCA === undefined || isCA !== (ref.kind === 'thumbprint')) continue;
      const pinned = certificateByThumbprint(ctx.certificates, ref.thumbprint);
      if (!pinned) continue;
      const cert = pinned.certificate;
      const files = fileNames(pinned.files);
      if (ref.kind === 'thumbprint' && actsAsCa(cert)) {
        const issued = issuedBy(ctx, pinned);
        if (issued.length === 0) continue; // a self-signed certificate marked CA may well be a client's own
        const names = issued.slice(0, 3).map((g) => `"${g.certificate.subject}"`).join(', ') + (issued.length > 3 ? ', …' : '');
        ctx.report({
          span: ref.span,
          message:
            `thumbprint pins "${cert.subject}" (${files}), a CA certificate that issued ${issued.length} certificate${issued.length === 1 ? '' : 's'} of the workspace (${names}). ` +
            'A client presents its own certificate, not its CA’s, so this identity never matches. To accept the clients this CA issues, ' +
            'pin it as issuer-thumbprint (on a tier that validates chains, with validate-trust); to accept one client, pin that client’s thumbprint.',
          // Only where the chain is validated: elsewhere the rename would trade a pin that never matches for a check
          // the tier can't make, which no finding would then point at.
          fixes: chainValidated(ctx, ref.identity) ? renameFix(ctx, ref.identity, 'thumbprint', 'issuer-thumbprint', `Pin "${cert.subject}" as issuer-thumbprint (the clients it issues)`) : [],
          related: issued.slice(0, 10).map((g) => ({ file: g.files[0]!, span: { start: 0, end: 0 }, message: `issued by this CA: ${g.certificate.subject}` })),
        });
      }
      if (ref.kind === 'issuer-thumbprint' && !actsAsCa(cert)) {
        ctx.report({
          span: ref.span,
          message:
            `issuer-thumbprint names "${cert.subject}" (${files}), which is not a CA certificate: it issues no client certificates, so this ` +
            'identity never matches. To accept that certificate, pin it as thumbprint; to accept the clients of a CA, give the CA’s thumbprint.',
          fixes: renameFix(ctx, ref.identity, 'issuer-thumbprint', 'thumbprint', `Pin "${cert.subject}" as thumbprint`),
        });
      }
    }
  },
};

/** Does the `validate-client-certificate` holding the identity validate the chain (validate-trust true on tiers that can)? */
function chainValidated(ctx: PolicyRuleContext, identity: PolicyElement): boolean {
  let vcc: PolicyElement | undefined = identity.parent;
  while (vcc && vcc.name !== 'validate-client-certificate') vcc = vcc.parent;
  return vcc !== undefined && analyzeTrust(vcc, ctx.policy)?.validates === 'yes';
}

/** The other workspace certificates whose issuer is this CA's subject. */
function issuedBy(ctx: PolicyRuleContext, ca: WorkspaceCertificateGroup): WorkspaceCertificateGroup[] {
  return groupedCertificates(ctx.certificates).filter((g) => g !== ca && g.certificate.thumbprint !== ca.certificate.thumbprint && sameDn(g.certificate.issuer, ca.certificate.subject));
}

/** Moves the value to the other attribute by renaming it, when the identity doesn't have that one already. */
function renameFix(ctx: PolicyRuleContext, identity: PolicyElement, from: string, to: string, title: string): Fix[] {
  const attr = getAttribute(identity, from);
  if (!attr || getAttribute(identity, to)) return [];
  return [{ title, edits: [{ file: ctx.file, span: attr.nameSpan, newText: to }], preferred: true }];
}
