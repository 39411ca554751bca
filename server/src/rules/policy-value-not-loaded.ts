import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { BicepRule, BicepRuleContext } from './types';
import { firstRawCharacter } from './util/rawxml';

/** A policy resource whose `value` is a file path (`'./policy.xml'`) instead of `loadTextContent('./policy.xml')`. */
export const policyValueNotLoaded: BicepRule = {
  id: 'policy-value-not-loaded',
  target: 'bicep',
  defaultLevel: 'error',
  description:
    "A policy resource's value is a file path rather than the file's content loaded with loadTextContent(…), or loads a policy file that isn't there.",
  check(ctx) {
    missingFiles(ctx);
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

/**
 * `loadTextContent('./policies/x.xml')` written in this file (for a policy resource here or in the module it calls),
 * whose file was looked for on disk and is not there: Bicep can't build the template, and the policy is never linted.
 */
function missingFiles(ctx: BicepRuleContext): void {
  const said = new Set<number>();
  for (const policy of ctx.model.policyLoadsIn(ctx.file)) {
    const loaded = policy.value?.loadedFile;
    if (!loaded?.missing || said.has(loaded.pathRef.span.start)) continue;
    said.add(loaded.pathRef.span.start);
    const written = ctx.text.slice(loaded.pathRef.span.start, loaded.pathRef.span.end);
    const where = policy.ref.file === ctx.file ? [] : [{ file: policy.ref.file, span: policy.ref.span, message: 'the policy resource it is passed to' }];
    ctx.report({
      span: loaded.pathRef.span,
      message:
        `loadTextContent(${written}) names a file that doesn't exist: Bicep can't build the template, and the policy it would ` +
        'deploy (with any client-certificate checks in it) is not linted. Fix the path, or add the file.',
      related: where,
    });
  }
}
