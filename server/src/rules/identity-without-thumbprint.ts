import { elementsNamed } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { enclosingVerification, runsAfterBase } from './util/enclosing';
import { IDENTITY_ATTRIBUTES, identityElements, isPinned, pinIdentityFixes, validNow } from './util/identity';
import { analyzeTrust, reasonOrigins, untrustedReason } from './util/trust';
import { expressionsPinOrVerifyForEveryRequest } from './util/certificate-names';

/** An `<identity>` made only of name claims where the chain isn't (or may not be) validated: anyone can mint such a certificate. */
export const identityWithoutThumbprint: PolicyRule = {
  id: 'identity-without-thumbprint',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'An <identity> that matches only names (subject, issuer-subject, common-name, dns-name) while the certificate chain is not validated: spoofable.',
  check(ctx) {
    // A policy that pins or verifies the certificate in C# restricts its clients there, names aside.
    let pinnedInExpressions: boolean | undefined;
    // After <base />, an enclosing scope's verification (the API policy's) has run: names here add to it.
    let verifiedAbove: boolean | undefined;
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const a = analyzeTrust(el, ctx.policy);
      if (!a || a.validates === 'yes') continue;
      for (const identity of identityElements(el)) {
        if (isPinned(identity)) continue;
        if ((pinnedInExpressions ??= expressionsPinOrVerifyForEveryRequest(ctx.doc))) return;
        if (runsAfterBase(ctx.doc, el) && (verifiedAbove ??= enclosingVerification(ctx) !== undefined)) break;
        const claims = identity.attributes.map((x) => x.name).filter((n) => IDENTITY_ATTRIBUTES.includes(n));
        // Only attributes APIM doesn't know (`certificate-id`): policy-attributes says so, and what it matches is moot.
        if (claims.length === 0 && identity.attributes.length > 0) continue;
        // "subject and issuer-subject, and …": listed as "subject, issuer-subject, and …", the reason read as one more claim.
        const named = claims.length > 1 ? `${claims.slice(0, -1).join(', ')} and ${claims[claims.length - 1]}` : claims[0];
        const matches = named ? `This identity matches only ${named}` : 'This identity has no claims, so every certificate matches it';
        ctx.report({
          span: identity.nameSpan,
          message:
            `${matches}, and ${untrustedReason(a)}: anyone can create a certificate ${claims.length > 0 ? 'with these names ' : ''}and pass. ` +
            'Pin it with thumbprint (or issuer-thumbprint / issuer-certificate-id).',
          certain: a.validates === 'no',
          fixes: pinIdentityFixes(ctx.file, identity, validNow(ctx.certificates.all(), ctx.settings.now)),
          related: reasonOrigins(a),
        });
      }
    }
  },
};
