import type { Fix } from '../core/finding';
import type { PolicyRule } from './types';
import { rejectsMissingCertificate, unguardedUses } from './util/certificate-flow';
import { enclosingPassing, everyRequestInInbound, remembered, runsAfterBase, type EnclosingPolicy } from './util/enclosing';

/** Tokens after which a member ends the operand of `==` / `!=` it follows (not `.`, `(`, `[`, `+`…). */
const OPERAND_ENDS: ReadonlySet<string> = new Set([')', '&&', '||', ';', '?', ':', ',', '}']);

/** A member of `context.Request.Certificate` used where the certificate may be null. */
export const certificateNullCheck: PolicyRule = {
  id: 'certificate-null-check',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'A member of context.Request.Certificate is used without a null check: a request without a certificate gets 500 instead of 401.',
  check(ctx) {
    // A use after <base /> runs after the enclosing scopes' inbound: when that answers a request without a
    // certificate (the API policy's validate-client-certificate), the certificate is there.
    let above: { policy?: EnclosingPolicy } | undefined;
    const guardedAbove = (): boolean => {
      above ??= { policy: enclosingPassing(ctx, (doc) => remembered(doc, 'rejects-missing-certificate', (d) => rejectsMissingCertificate(d, everyRequestInInbound(d), true))) };
      return above.policy !== undefined;
    };
    for (const use of unguardedUses(ctx.doc)) {
      if (runsAfterBase(ctx.doc, use.expr) && guardedAbove()) continue;
      const tokens = use.expr.tokens;
      const dot = tokens[use.memberIndex - 1]!;
      const next = tokens[use.memberIndex + 1]?.text;
      const before = tokens[use.ref.start - 1]?.text;
      const fixes: Fix[] = [];
      // `cert?.Thumbprint == "…"` stays a bool (false without a certificate): the one rewrite that is safe as it stands.
      // So does `"…" != cert?.Thumbprint`, when the member ends the right operand.
      const leftOperand = next === '==' || next === '!=';
      const rightOperand = (before === '==' || before === '!=') && (next === undefined || OPERAND_ENDS.has(next));
      if (!use.call && (leftOperand || rightOperand)) {
        fixes.push({ title: 'Use ?. (null-conditional access)', edits: [{ file: ctx.file, span: dot.span, newText: '?.' }], preferred: true, autofix: true });
      }
      const written = ctx.text.slice(use.ref.span.start, use.ref.span.end);
      const what = use.ref.kind === 'alias' ? `'${written}' (context.Request.Certificate)` : 'context.Request.Certificate';
      ctx.report({
        span: use.span,
        message:
          `${what} is null when the client sends no certificate, and nothing checks that before .${use.member.text}: ` +
          'the expression throws and the gateway answers 500 instead of 401. ' +
          'Return 401 first when context.Request.Certificate == null, or put validate-client-certificate before it.',
        fixes,
      });
    }
  },
};
