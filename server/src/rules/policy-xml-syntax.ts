import type { PolicyRule } from './types';

/** Malformed policy XML, at the exact place. Valid rawxml (raw quotes and `<` inside C# expressions) is never flagged. */
export const policyXmlSyntax: PolicyRule = {
  id: 'policy-xml-syntax',
  target: 'policy',
  defaultLevel: 'error',
  description: 'Malformed policy XML: APIM rejects the policy at deployment.',
  check(ctx) {
    for (const problem of ctx.doc.problems) {
      ctx.report({ span: problem.span, message: problem.message });
    }
    if (ctx.doc.problems.length > 0) return;
    // Well-formed, but not a policy document APIM takes (a file named *.policy.xml, or deployed by the Bicep).
    const root = ctx.doc.root;
    if (!root) {
      ctx.report({ span: { start: 0, end: 0 }, message: 'The policy is empty: APIM expects a <policies> document (or <fragment> for a policy fragment).' });
    } else if (root.name !== 'policies' && root.name !== 'fragment') {
      ctx.report({ span: root.nameSpan, message: `The root element is <${root.name}>: APIM expects <policies> (or <fragment> for a policy fragment).` });
    }
  },
};
