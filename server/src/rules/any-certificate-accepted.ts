import { elementsNamed } from '../parsers/policy/query';
import { actsAsCa } from '../certificates/role';
import type { Fix } from '../core/finding';
import type { PolicyRule } from './types';
import { baseName, groupedCertificates } from './util/certificate-references';
import { addIdentitiesEdit, identityElements, PLACEHOLDER_LABEL, validNow } from './util/identity';
import { analyzeTrust, reasonOrigins, untrustedReason, type TrustAnalysis } from './util/trust';
import type { Sku } from '../model/sku';
import { expressionsPinOrVerifyForEveryRequest } from './util/certificate-names';
import { pinsOrVerifies } from './util/certificate-expressions';
import { enclosingVerification, runsAfterBase } from './util/enclosing';

/** At most this many workspace certificates are offered as pins. */
const MAX_CERTIFICATE_FIXES = 5;

/** validate-client-certificate that can't validate trust and has no identities: any self-made certificate passes. */
export const anyCertificateAccepted: PolicyRule = {
  id: 'any-certificate-accepted',
  target: 'policy',
  defaultLevel: 'error',
  description: 'validate-client-certificate without chain validation and without <identities>: any self-made certificate with valid dates is accepted.',
  check(ctx) {
    // A policy that pins or verifies the certificate in C# restricts its clients there (context-certificate-not-verified
    // and the thumbprint rules judge how); asked once, when an element would be reported.
    let pinnedInExpressions: boolean | undefined;
    // After <base />, an enclosing scope's verification (the API policy's) has run: this element adds to it.
    let verifiedAbove: boolean | undefined;
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const a = analyzeTrust(el, ctx.policy);
      if (!a || a.validates === 'yes' || identityElements(el).length > 0) continue;
      if ((pinnedInExpressions ??= expressionsPinOrVerifyForEveryRequest(ctx.doc))) return;
      if (runsAfterBase(ctx.doc, el) && (verifiedAbove ??= enclosingVerification(ctx) !== undefined)) continue;
      const clients = validNow(groupedCertificates(ctx.certificates), ctx.settings.now)
        .filter((c) => !actsAsCa(c.certificate))
        .slice(0, MAX_CERTIFICATE_FIXES);
      const fixes: Fix[] = [
        {
          title: `Add <identities> with ${PLACEHOLDER_LABEL}`,
          edits: [addIdentitiesEdit(ctx.file, ctx.text, el)],
          preferred: true,
        },
        ...clients.map(({ files, certificate }) => ({
          title: `Accept only ${certificate.subject} (${baseName(files[0]!)}) by thumbprint`,
          edits: [addIdentitiesEdit(ctx.file, ctx.text, el, certificate.thumbprint)],
        })),
      ];
      // A thumbprint read but not compared here may be checked where it is sent (a verification API, the backend).
      const handedOn = ctx.doc.expressions.some(pinsOrVerifies);
      ctx.report({
        span: el.nameSpan,
        message:
          `No <identity> restricts the client certificate and ${untrustedReason(a)}: ` +
          `${a.value === false ? '' : 'wherever validate-trust is (or has to be) false, '}any self-made certificate with valid dates passes. ` +
          'Add <identities> with an <identity thumbprint="…"> for each accepted client.' +
          (handedOn ? ' The policy reads the certificate but compares nothing here: if what it hands it to checks the thumbprint, say so in a suppression comment.' : ''),
        // Certain where validate-trust is "false" (written so, or a named value the Bicep makes false on every possible
        // tier). Where it is true on a tier that can't validate chains, this is what the policy becomes once
        // validate-trust-unsupported-tier's fix makes it false: a warning beside that error (whose fix pins).
        certain: a.validates === 'no' && trustIsFalse(a, [...ctx.policy.skus.values], ctx.policy.skus.unknown) && !handedOn,
        fixes,
        related: reasonOrigins(a),
      });
    }
  },
};

/** Is validate-trust false wherever the policy runs: written "false", or a named value the Bicep makes false on every possible tier? */
function trustIsFalse(a: TrustAnalysis, possible: Sku[], unknown: boolean): boolean {
  if (a.value === false) return true;
  const named = a.namedValues;
  return named !== undefined && !unknown && possible.length > 0 && possible.every((s) => named.every((nv) => !nv.maybeTrue.has(s)));
}
