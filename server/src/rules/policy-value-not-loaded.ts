import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { BicepRule } from './types';
import { firstRawCharacter } from './util/rawxml';

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
      const doc = ctx.policyAt(target);
      const related: RelatedInfo[] = doc
        ? [{ file: target, span: { start: 0, end: 0 }, message: 'the policy file this value names' }]
        : [];
      // With a `-link` format APIM fetches the value as a URL: a path in the repository is none it can reach, and
      // loading the file means the format without `-link` (else the policy text would be taken for a URL).
      const format = policy.format;
      const link = format && /^(raw)?xml-link$/.test(format.value) ? format : undefined;
      const unlinked = link && (doc && firstRawCharacter(doc) ? 'rawxml' : link.value.replace(/-link$/, ''));
      const edits = [{ file: ctx.file, span: value.ref.span, newText: `loadTextContent(${written})` }];
      if (link) edits.push({ file: ctx.file, span: link.ref.span, newText: `'${unlinked}'` });
      ctx.report({
        span: value.ref.span,
        message: link
          ? `value is the path ${written}, and format '${link.value}' makes APIM fetch it as a URL: a path in the repository is ` +
            `no URL it can reach, and the deployment fails. Load the file instead: loadTextContent(${written}) with format '${unlinked}'.`
          : `value is the path ${written}, not the policy: APIM receives the path itself as the policy text and rejects it. ` +
            `Load the file: loadTextContent(${written}).`,
        fixes: [
          {
            title: link ? `Wrap the path in loadTextContent(…) and set format to '${unlinked}'` : 'Wrap the path in loadTextContent(…)',
            edits,
            preferred: true,
            autofix: true,
          },
        ],
        related,
      });
    }
  },
};
