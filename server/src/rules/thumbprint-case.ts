import type { Fix } from '../core/finding';
import type { PolicyRule } from './types';
import { literalContentSpan, thumbprintComparisons, type ThumbprintComparison } from './util/thumbprints';

/** How each form is named in the message. */
const FORM_NAMES: Partial<Record<ThumbprintComparison['form'], string>> = {
  Any: 'Any(… == …)',
  switch: 'switch … case',
  'switch expression': 'switch { … => … }',
};

/** An ordinal comparison of `.Thumbprint` with a literal in the other case: it never matches. */
export const thumbprintCase: PolicyRule = {
  id: 'thumbprint-case',
  target: 'policy',
  defaultLevel: 'error',
  description: 'An ordinal comparison of .Thumbprint (upper-case hex) with a lower-case literal: it never matches.',
  check(ctx) {
    // A literal held by a local variable may be compared more than once: reported once, with its first comparison.
    const reported = new Set<number>();
    const found = [...thumbprintComparisons(ctx.doc)].sort((a, b) => (a.via?.use.start ?? -1) - (b.via?.use.start ?? -1));
    // A list held by a local is the same literals at every read: judged once per case (not reads × items).
    const judged = new Map<readonly unknown[], Set<string>>();
    for (const c of found) {
      if (c.ignoreCase || c.literalCase !== undefined) continue;
      const cases = judged.get(c.literals) ?? new Set<string>();
      if (cases.has(c.thumbprintCase)) continue;
      judged.set(c.literals, cases.add(c.thumbprintCase));
      for (const literal of c.literals) {
        const value = literal.value ?? '';
        if (!/^[0-9A-Fa-f]+$/.test(value)) continue;
        const wrong = c.thumbprintCase === 'upper' ? /[a-f]/.test(value) : /[A-F]/.test(value);
        if (!wrong || reported.has(literal.span.start)) continue;
        reported.add(literal.span.start);
        const fixed = c.thumbprintCase === 'upper' ? value.toUpperCase() : value.toLowerCase();
        const fixes: Fix[] = [];
        // Through a variable read elsewhere too, the other reads would see the new case: no safe fix there.
        if (!c.via || c.via.fixSafe) {
          fixes.push({ title: `${c.thumbprintCase === 'upper' ? 'Upper' : 'Lower'}-case the literal`, edits: [{ file: ctx.file, span: literalContentSpan(ctx.text, literal), newText: fixed }], preferred: true, autofix: true });
        }
        if (c.rewrite && c.literals.length === 1) {
          const r = c.rewrite;
          const call = `${r.negate ? '!' : ''}string.Equals(${ctx.text.slice(r.thumbprint.start, r.thumbprint.end)}, ${ctx.text.slice(r.literal.start, r.literal.end)}, StringComparison.OrdinalIgnoreCase)`;
          fixes.push({ title: 'Compare with StringComparison.OrdinalIgnoreCase', edits: [{ file: ctx.file, span: r.span, newText: call }] });
        }
        const side = c.thumbprintCase === 'upper' ? 'Thumbprint is upper-case hex' : 'The thumbprint is lower-cased before the comparison';
        const result = c.form === '!=' ? 'it is always "different"' : c.form.startsWith('string.Compare') ? 'it never returns 0' : 'it never matches';
        const kind = c.form === 'string.Compare' ? 'case-sensitive' : 'ordinal';
        const form = `${FORM_NAMES[c.form] ?? c.form}${c.via ? ` with the variable '${c.via.name}'` : ''}`;
        ctx.report({
          span: literal.span,
          message: `${side}, but this ${kind} comparison (${form}) uses a literal with ${c.thumbprintCase === 'upper' ? 'lower' : 'upper'}-case letters: ${result}. Write the literal in ${c.thumbprintCase} case, or compare with StringComparison.OrdinalIgnoreCase.`,
          fixes,
          ...(c.via ? { related: [{ file: ctx.file, span: c.via.use, message: `'${c.via.name}' is compared with the thumbprint here.` }] } : {}),
        });
      }
    }
  },
};
