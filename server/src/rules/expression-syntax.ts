import type { PolicyRule } from './types';
import { syntaxProblems } from './util/cs-syntax';

/** C# syntax mistakes in policy expressions that the token stream shows. */
export const expressionSyntax: PolicyRule = {
  id: 'expression-syntax',
  target: 'policy',
  defaultLevel: 'error',
  description: 'A C# syntax mistake in a policy expression (unbalanced brackets, a statement without ;, a @{ } block without return): APIM rejects the policy.',
  check(ctx) {
    for (const expr of ctx.doc.expressions) {
      for (const p of syntaxProblems(expr, ctx.text)) {
        const fixes = p.insert
          ? [{ title: `Insert '${p.insert}'`, edits: [{ file: ctx.file, span: { start: p.span.end, end: p.span.end }, newText: p.insert }], preferred: true }]
          : p.remove
            ? [{ title: `Remove '${ctx.text.slice(p.span.start, p.span.end)}'`, edits: [{ file: ctx.file, span: p.span, newText: '' }], preferred: true }]
            : p.replace
              ? [{ title: p.replace.title, edits: p.replace.edits.map((e) => ({ file: ctx.file, ...e })), preferred: true }]
              : [];
        ctx.report({ span: p.span, message: p.message, fixes });
      }
    }
  },
};
