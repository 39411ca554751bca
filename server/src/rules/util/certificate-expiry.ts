import * as path from 'node:path';
import type { Fix, RelatedInfo } from '../../core/finding';
import type { BicepRule, BicepRuleContext, CertificateRule, PolicyRule, RuleMeta } from '../types';
import type { PolicyElement } from '../../parsers/policy/types';
import { readBoolAttribute, type BoolAttribute } from './bool-attribute';
import {
  baseName,
  bicepCertificateReferences,
  certificateByThumbprint,
  certificateSpans,
  describeValidity,
  fileNames,
  judgeValidity,
  policyThumbprints,
  relatedFiles,
  renewalsOf,
  type BicepCertificateReference,
  type PolicyThumbprint,
  type Validity,
  type WorkspaceCertificateGroup,
} from './certificate-references';

/** Which end of the validity a rule reports. */
export type ExpiryState = 'expired' | 'expiring';

/** One rule id that checks policies, Bicep and certificate files: one rule object per target. */
export type ExpiryRules = readonly [PolicyRule, BicepRule, CertificateRule];

/** `"CN=…" (a.cer, a.without-markers.cer)` */
function describeGroup(group: WorkspaceCertificateGroup): string {
  return `"${group.certificate.subject}" (${fileNames(group.files)})`;
}

const POLICY_SUBJECT: Record<PolicyThumbprint['kind'], string> = {
  thumbprint: 'The certificate this identity pins by thumbprint',
  'issuer-thumbprint': 'The issuing CA this identity pins by issuer-thumbprint',
  expression: 'The certificate whose thumbprint this expression compares with',
};

const POLICY_ADVICE: Record<ExpiryState, Record<PolicyThumbprint['kind'], string>> = {
  expired: {
    thumbprint: 'APIM rejects an expired client certificate, so this identity lets no one in. Renew the certificate and pin the new thumbprint.',
    'issuer-thumbprint': 'the certificates it issued no longer validate. Renew the CA, reissue its clients and pin the new thumbprint.',
    expression: 'renew the certificate and compare with the new thumbprint.',
  },
  expiring: {
    thumbprint: 'issue the renewed certificate and add an <identity> with its thumbprint before then, so clients can switch without an outage.',
    'issuer-thumbprint': 'renew the CA and add an <identity> with the new issuer-thumbprint before then.',
    expression: "add the renewed certificate's thumbprint here before then.",
  },
};

/** Replace the pinned thumbprint with a renewal's (preferred only for an expired certificate with a single renewal). */
function thumbprintRenewalFixes(file: string, ref: PolicyThumbprint, renewals: WorkspaceCertificateGroup[], state: ExpiryState): Fix[] {
  return renewals.map((r) => ({
    title: `Pin the renewed certificate ${r.certificate.thumbprint} (${fileNames(r.files)}, valid until ${r.certificate.notAfter.toISOString().slice(0, 10)})`,
    edits: [{ file, span: ref.span, newText: r.certificate.thumbprint }],
    preferred: state === 'expired' && renewals.length === 1,
  }));
}

function relatedOf(group: WorkspaceCertificateGroup, validity: Validity): RelatedInfo[] {
  return relatedFiles(group.files, `${group.certificate.subject} ${describeValidity(group.certificate, validity)}`);
}

function policyPart(meta: RuleMeta, state: ExpiryState): PolicyRule {
  return {
    ...meta,
    target: 'policy',
    check(ctx) {
      const refs = policyThumbprints(ctx.doc);
      const pinned = new Set(refs.map((r) => r.thumbprint));
      for (const ref of refs) {
        const group = certificateByThumbprint(ctx.certificates, ref.thumbprint);
        if (!group) continue;
        const validity = judgeValidity(group.certificate, ctx.settings);
        if (validity.state !== state) continue;
        const renewals = renewalsOf(group.certificate, ctx.certificates, ctx.settings);
        // Expiring, with its renewal already pinned beside it: the switch this rule asks for is in place.
        if (state === 'expiring' && renewals.some((r) => pinned.has(r.certificate.thumbprint))) continue;
        // An expired client certificate is rejected only while validate-not-after is on. With "false" the identity
        // still lets its holder in, which validity-check-disabled reports; with a {{named value}} it may.
        const notAfter = state === 'expired' && ref.kind === 'thumbprint' ? notAfterCheck(ref.identity) : undefined;
        if (notAfter?.kind === 'literal' && !notAfter.value) continue;
        const advice =
          notAfter?.kind === 'named'
            ? `APIM rejects an expired client certificate while validate-not-after (${notAfter.written}) is true, and then this identity lets no one in. Renew the certificate and pin the new thumbprint.`
            : POLICY_ADVICE[state][ref.kind];
        ctx.report({
          span: ref.span,
          message: `${POLICY_SUBJECT[ref.kind]}, ${describeGroup(group)}, ${describeValidity(group.certificate, validity)}: ${advice}`,
          certain: notAfter?.kind !== 'named',
          fixes: thumbprintRenewalFixes(ctx.file, ref, renewals, state),
          related: relatedOf(group, validity),
        });
      }
    },
  };
}

/** validate-not-after of the validate-client-certificate an `<identity>` belongs to (`<identities>` in between). */
function notAfterCheck(identity: PolicyElement | undefined): BoolAttribute | undefined {
  const vcc = identity?.parent?.parent;
  return vcc && vcc.name === 'validate-client-certificate' ? readBoolAttribute(vcc, 'validate-not-after') : undefined;
}

const BICEP_ADVICE: Record<ExpiryState, Record<'ca' | 'client', string>> = {
  expired: {
    ca: 'client certificates that chain through this CA no longer pass chain validation. Load the renewed CA certificate.',
    client: 'whatever uses this uploaded certificate (context.Deployment.Certificates, authentication-certificate) gets an expired one. Load the renewed certificate.',
  },
  expiring: {
    ca: 'renew the CA and load the new certificate before then.',
    client: 'renew the certificate and load the new one before then.',
  },
};

/** Load a renewal instead: the path argument rewritten, relative to the Bicep file, to a file of the same encoding (PEM, base64, DER). */
function pathRenewalFixes(ctx: BicepRuleContext, ref: BicepCertificateReference, state: ExpiryState): Fix[] {
  if (!ref.file || !ref.pathSpan) return [];
  const encoding = ctx.certificates.file(ref.file)?.encoding;
  const written = ctx.text.slice(ref.pathSpan.start, ref.pathSpan.end);
  const quote = written.startsWith("'") ? "'" : '';
  const dotSlash = /^'?\.\//.test(written);
  const choices = renewalsOf(ref.certificate, ctx.certificates, ctx.settings).flatMap((r) => {
    const same = r.files.filter((f) => ctx.certificates.file(f)?.encoding === encoding);
    return same.length > 0 ? [{ renewal: r, file: same[0]! }] : [];
  });
  return choices.map(({ renewal, file }) => {
    let relative = path.relative(path.dirname(ctx.file), file).split(path.sep).join('/');
    if (dotSlash && !relative.startsWith('.')) relative = `./${relative}`;
    return {
      title: `Load the renewed certificate ${baseName(file)} (valid until ${renewal.certificate.notAfter.toISOString().slice(0, 10)})`,
      edits: [{ file: ctx.file, span: ref.pathSpan!, newText: `${quote}${relative}${quote}` }],
      preferred: state === 'expired' && choices.length === 1,
    };
  });
}

function bicepPart(meta: RuleMeta, state: ExpiryState): BicepRule {
  return {
    ...meta,
    target: 'bicep',
    check(ctx) {
      for (const ref of bicepCertificateReferences(ctx.model.certificateEntriesIn(ctx.file), ctx.certificates)) {
        const { certificate } = ref;
        const validity = judgeValidity(certificate, ctx.settings);
        if (validity.state !== state) continue;
        const holder = ref.file ? `${baseName(ref.file)} holds` : 'The certificate written here is';
        ctx.report({
          span: ref.span,
          message: `${holder} "${certificate.subject}", which ${describeValidity(certificate, validity)}: ${BICEP_ADVICE[state][ref.entry.kind]}`,
          fixes: pathRenewalFixes(ctx, ref, state),
          related: ref.file ? [{ file: ref.file, span: { start: 0, end: 0 }, message: `${certificate.subject}, thumbprint ${certificate.thumbprint}` }] : [],
        });
      }
    },
  };
}

function certificatePart(meta: RuleMeta, state: ExpiryState): CertificateRule {
  return {
    ...meta,
    target: 'certificate',
    check(ctx) {
      const spans = certificateSpans(ctx.text);
      for (const certificate of ctx.certificate.certificates) {
        const validity = judgeValidity(certificate, ctx.settings);
        if (validity.state !== state) continue;
        const advice = state === 'expired' ? 'Renew it' : 'Renew it before then';
        ctx.report({
          span: spans.pem.get(certificate.thumbprint) ?? spans.firstLine,
          message: `This certificate, "${certificate.subject}" (thumbprint ${certificate.thumbprint}), ${describeValidity(certificate, validity)}. ${advice}, then update the policies that pin it and the Bicep that loads it.`,
        });
      }
    },
  };
}

/** The three rule objects (policy, Bicep, certificate file) of one expiry rule id, sharing its metadata. */
export function expiryRules(meta: RuleMeta, state: ExpiryState): ExpiryRules {
  return [policyPart(meta, state), bicepPart(meta, state), certificatePart(meta, state)];
}
