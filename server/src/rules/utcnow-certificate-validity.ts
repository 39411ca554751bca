import type { Fix } from '../core/finding';
import { mayMention } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { UTC_NOW_WORDS, utcValidityComparisons } from './util/certificate-dates';

/** `DateTime.UtcNow` compared with a certificate's `NotBefore` / `NotAfter`, which are local time. */
export const utcnowCertificateValidity: PolicyRule = {
  id: 'utcnow-certificate-validity',
  target: 'policy',
  defaultLevel: 'warning',
  description: "DateTime.UtcNow compared with a certificate's NotBefore/NotAfter, which X509Certificate2 gives in local time.",
  check(ctx) {
    if (!UTC_NOW_WORDS.some((w) => mayMention(ctx.doc, w))) return;
    for (const expr of ctx.doc.expressions) {
      const reported = new Set<number>();
      for (const c of utcValidityComparisons(expr)) {
        if (reported.has(c.utcNow.span.start)) continue;
        reported.add(c.utcNow.span.start);
        const through = c.variable ? ` (through the variable '${c.variable}')` : '';
        const fix: Fix = {
          title: c.mirror ? `Compare ${c.validity.text} as it is` : 'Use DateTime.Now',
          edits: [{ file: ctx.file, span: c.toLocal.span, newText: c.toLocal.newText }],
          preferred: true,
        };
        ctx.report({
          span: c.utcNow.span,
          message: c.mirror
            ? `${c.written} is in UTC, but it is compared with DateTime.Now, which is local time: unless the gateway runs in UTC, ` +
              `the check is off by the zone offset. Compare ${c.validity.text} (local, as X509Certificate2 gives it) with DateTime.Now.`
            : `${c.written} is compared with ${c.validity.text}${through}, but X509Certificate2 gives ${c.validity.text} in local time: ` +
              'unless the gateway runs in UTC, the check is off by the zone offset. Use DateTime.Now.',
          certain: false,
          fixes: [fix],
        });
      }
    }
  },
};
