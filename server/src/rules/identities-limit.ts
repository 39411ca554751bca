import { childElements, elementsNamed } from '../parsers/policy/query';
import type { PolicyRule } from './types';

/** How many `<identity>` elements `<identities>` holds at most (facts §1; Microsoft Learn, and the extension's XSD). */
export const MAX_IDENTITIES = 10;

/**
 * More than 10 `<identity>` elements in the `<identities>` of a `validate-client-certificate` policy. Microsoft Learn
 * documents at most 10 (and the official APIM extension's policy schema says `maxOccurs="10"`); what the service does
 * with more is not documented, hence a warning.
 */
export const identitiesLimit: PolicyRule = {
  id: 'identities-limit',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'More than 10 <identity> elements in <identities>: validate-client-certificate takes at most 10.',
  check(ctx) {
    for (const policy of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      for (const identities of childElements(policy, 'identities')) {
        const list = childElements(identities, 'identity');
        if (list.length <= MAX_IDENTITIES) continue;
        const over = list.slice(MAX_IDENTITIES);
        ctx.report({
          span: over[0]!.nameSpan,
          message:
            `<identities> holds ${list.length} identities, but validate-client-certificate takes at most ${MAX_IDENTITIES}: this is ` +
            `identity ${MAX_IDENTITIES + 1}. What API Management does with more isn’t documented: the policy may be refused when it ` +
            'is deployed, or the identities past the tenth may never be compared. To accept many client certificates, check their ' +
            'issuer (issuer-thumbprint or issuer-certificate-id, with validate-trust where the tier validates chains), or compare ' +
            'the thumbprint in an expression with a list kept in a named value.',
          related: [
            { file: ctx.file, span: identities.nameSpan, message: `${list.length} identities` },
            ...over.slice(1).map((el, i) => ({ file: ctx.file, span: el.nameSpan, message: `identity ${MAX_IDENTITIES + i + 2}` })),
          ],
        });
      }
    }
  },
};
