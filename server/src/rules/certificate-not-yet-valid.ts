import type { CertificateInfo } from '../certificates/types';
import type { PolicyElement } from '../parsers/policy/types';
import type { BicepRule, CertificateIndex, PolicyRule, RuleMeta, RuleSettings } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { baseName, bicepCertificateReferences, certificateByThumbprint, describeStart, fileNames, normalizeThumbprint, policyThumbprints, relatedFiles } from './util/certificate-references';
import { identityElements } from './util/identity';
import { getAttribute } from '../parsers/policy/query';

const META: RuleMeta = {
  id: 'certificate-not-yet-valid',
  defaultLevel: 'warning',
  description: 'A certificate that a policy pins by thumbprint, or that Bicep uploads, is not valid yet: it is rejected until its start date.',
};

/**
 * Not valid yet at `settings.now`: how it is said; the moment that changes is told to `onTimeBoundary` (the finding goes
 * then). A certificate that is valid, or has expired, answers undefined (the expiry rules speak of it).
 */
function notYetValid(certificate: CertificateInfo, settings: RuleSettings): string | undefined {
  const start = certificate.notBefore.getTime();
  if (start <= settings.now.getTime()) return undefined;
  settings.onTimeBoundary?.(start);
  return describeStart(certificate, settings.now);
}

/** Can this `<identity>` let a client in now: anything but a thumbprint pin of a workspace certificate outside its validity? */
function usableNow(identity: PolicyElement, certificates: CertificateIndex, settings: RuleSettings): boolean {
  const written = getAttribute(identity, 'thumbprint')?.value;
  const thumbprint = written === undefined ? undefined : normalizeThumbprint(written);
  const group = thumbprint ? certificateByThumbprint(certificates, thumbprint) : undefined;
  if (!group) return true;
  const now = settings.now.getTime();
  return group.certificate.notBefore.getTime() <= now && now < group.certificate.notAfter.getTime();
}

const policyPart: PolicyRule = {
  ...META,
  target: 'policy',
  check(ctx) {
    // Per validate-client-certificate: does an identity of it let a client in now? Asked once per element (each pin
    // asking about every other identity was quadratic in the identities).
    const usable = new Map<PolicyElement, boolean>();
    const anyUsable = (vcc: PolicyElement): boolean => {
      let answer = usable.get(vcc);
      if (answer === undefined) usable.set(vcc, (answer = identityElements(vcc).some((identity) => usableNow(identity, ctx.certificates, ctx.settings))));
      return answer;
    };
    for (const ref of policyThumbprints(ctx.doc)) {
      // The certificate itself, pinned in an <identity>: validate-not-before rejects it until its start (an issuer's
      // start, or a thumbprint compared in an expression, is no check of the client's validity).
      if (ref.kind !== 'thumbprint' || !ref.identity) continue;
      const group = certificateByThumbprint(ctx.certificates, ref.thumbprint);
      const when = group && notYetValid(group.certificate, ctx.settings);
      if (!group || !when) continue;
      const vcc = ref.identity.parent?.parent;
      const check = vcc?.name === 'validate-client-certificate' ? readBoolAttribute(vcc, 'validate-not-before') : undefined;
      if (check?.kind === 'literal' && !check.value) continue;
      // A renewal pinned ahead of its start beside the certificate in use (a planned switch): nothing to say. This
      // identity is not usable now, so any usable one is another.
      if (vcc?.name === 'validate-client-certificate' && anyUsable(vcc)) continue;
      const rejects = check?.kind === 'named' ? `APIM rejects it until then while validate-not-before (${check.written}) is true` : 'APIM rejects it until then (validate-not-before)';
      ctx.report({
        span: ref.span,
        message:
          `The certificate this identity pins, "${group.certificate.subject}" (${fileNames(group.files)}), ${when}: ${rejects}, ` +
          'and no other identity here lets a client in before then. Pin the certificate clients use now beside it, or check its start date.',
        certain: check?.kind !== 'named',
        related: relatedFiles(group.files, `${group.certificate.subject}, valid from ${group.certificate.notBefore.toISOString()}`),
      });
    }
  },
};

const bicepPart: BicepRule = {
  ...META,
  target: 'bicep',
  check(ctx) {
    for (const ref of bicepCertificateReferences(ctx.model.certificateEntriesIn(ctx.file), ctx.certificates)) {
      const when = notYetValid(ref.certificate, ctx.settings);
      if (!when) continue;
      const holder = ref.file ? `${baseName(ref.file)} holds` : 'The certificate written here is';
      const effect =
        ref.entry.kind === 'ca'
          ? 'until then, client certificates that chain through this CA fail chain validation.'
          : 'until then, whatever uses this uploaded certificate (context.Deployment.Certificates, authentication-certificate) gets one that is not valid.';
      ctx.report({
        span: ref.span,
        message: `${holder} "${ref.certificate.subject}", which ${when}: ${effect}`,
        related: ref.file ? [{ file: ref.file, span: { start: 0, end: 0 }, message: `${ref.certificate.subject}, thumbprint ${ref.certificate.thumbprint}` }] : [],
      });
    }
  },
};

/** A certificate not valid yet: pinned by an `<identity>` thumbprint, or uploaded by Bicep. Register with `...certificateNotYetValid`. */
export const certificateNotYetValid: readonly [PolicyRule, BicepRule] = [policyPart, bicepPart];
