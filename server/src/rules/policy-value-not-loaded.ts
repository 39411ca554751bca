import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { BicepRule } from './types';

/** A policy resource whose `value` is a file path (`'./policy.xml'`) instead of `loadTextContent('./policy.xml')`. */
export const policyValueNotLoaded: BicepRule = {
  id: 'policy-value-not-loaded',
  target: 'bicep',
  defaultLevel: 'error',
  description: "A policy resource's value is a file path rather than the file's content loaded with loadTextContent(…).",
  check(ctx) {
    for (const policy of ctx.model.policyResourcesIn(ctx.file)) {
      const value = policy.value;
      if (value?.literal === undefined) continue;
      const written = ctx.text.slice(value.ref.span.start, value.ref.span.end);
      const target = path.resolve(path.dirname(ctx.file), value.literal);
      const related: RelatedInfo[] = ctx.policyAt(target)
        ? [{ file: target, span: { start: 0, end: 0 }, message: 'the policy file this value names' }]
        : [];
      ctx.report({
        span: value.ref.span,
        message:
          `value is the path ${written}, not the policy: APIM receives the path itself as the policy text and rejects it. ` +
          `Load the file: loadTextContent(${written}).`,
        fixes: [
          {
            title: 'Wrap the path in loadTextContent(…)',
            edits: [{ file: ctx.file, span: value.ref.span, newText: `loadTextContent(${written})` }],
            preferred: true,
            autofix: true,
          },
        ],
        related,
      });
    }
  },
};
