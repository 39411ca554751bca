import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import { elementsNamed } from '../parsers/policy/query';
import type { PolicyRule, PolicyRuleContext } from './types';
import { checkThumbprintFormat, literalContentSpan, thumbprintComparisons } from './util/thumbprints';

const IDENTITY_ATTRIBUTES = ['thumbprint', 'issuer-thumbprint'];

/** A thumbprint that is not 40 hex digits, or hides invisible characters, blanks or separators. */
export const thumbprintFormat: PolicyRule = {
  id: 'thumbprint-format',
  target: 'policy',
  defaultLevel: 'error',
  description: 'A thumbprint (an <identity> attribute or a literal compared with .Thumbprint) that is not exactly 40 hex digits: it never matches.',
  check(ctx) {
    for (const identity of elementsNamed(ctx.doc, 'identity')) {
      for (const attr of identity.attributes) {
        if (!IDENTITY_ATTRIBUTES.includes(attr.name) || attr.expression) continue;
        check(ctx, attr.value, attr.valueSpan, attr.valueSpan, `${attr.name}="…"`, false);
      }
    }
    const seen = new Set<number>();
    // A list held by a local is the same literals at every read: looked at once per fallback (not reads × items).
    const lists = new Map<readonly unknown[], Set<string | undefined>>();
    for (const comparison of thumbprintComparisons(ctx.doc)) {
      const fallbacks = lists.get(comparison.literals) ?? new Set<string | undefined>();
      if (fallbacks.has(comparison.thumbprintFallback)) continue;
      lists.set(comparison.literals, fallbacks.add(comparison.thumbprintFallback));
      for (const literal of comparison.literals) {
        // `var t = cert?.Thumbprint ?? ""; … t == ""`: whether a certificate was sent, not a thumbprint.
        if (seen.has(literal.span.start) || literal.value === undefined || literal.value === comparison.thumbprintFallback) continue;
        seen.add(literal.span.start);
        check(ctx, literal.value, literal.span, literalContentSpan(ctx.text, literal), 'the literal compared with Thumbprint', true);
      }
    }
  },
};

function check(ctx: PolicyRuleContext, value: string, span: Span, content: Span, what: string, upper: boolean): void {
  const problem = checkThumbprintFormat(value);
  if (!problem) return;
  if (problem.kind === 'invalid') {
    ctx.report({ span, message: `The thumbprint in ${what} ${problem.reason}: it never matches a certificate. Copy the certificate's SHA-1 thumbprint (40 hex digits).` });
    return;
  }
  const cleaned = upper ? problem.cleaned.toUpperCase() : problem.cleaned;
  const fix: Fix = { title: `Keep only the 40 hex digits (${cleaned})`, edits: [{ file: ctx.file, span: content, newText: cleaned }], preferred: true, autofix: true };
  ctx.report({
    span,
    message:
      `The thumbprint in ${what} contains ${problem.found.join(', ')}: it never matches a certificate. ` +
      (value.includes('\u200e') ? 'Thumbprints copied from the Windows certificate dialog start with this invisible mark. ' : '') +
      'Keep only the 40 hex digits.',
    fixes: [fix],
  });
}
