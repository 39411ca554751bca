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
  },
};
