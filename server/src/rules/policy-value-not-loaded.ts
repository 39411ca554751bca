import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { PolicyResource } from '../model/types';
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
    pathsWritten(ctx);
  },
};

/**
 * A path written where the policy's text belongs, in this file: as the value itself, in a variable the value reads, or
 * by a module's caller that passes it on. Reported once where it is written, whichever resources deploy it.
 */
function pathsWritten(ctx: BicepRuleContext): void {
  const byString = new Map<number, PolicyResource[]>();
  for (const policy of ctx.model.policyLoadsIn(ctx.file)) {
    const literal = policy.value?.literal;
    if (!literal || literal.ref.file !== ctx.file) continue;
    const list = byString.get(literal.ref.span.start);
    if (list) list.push(policy);
    else byString.set(literal.ref.span.start, [policy]);
  }
  for (const policies of byString.values()) {
    const policy = policies[0]!;
    const value = policy.value!;
    const literal = value.literal!;
    // Written as the value itself: the fix only wraps it. Elsewhere (a variable, an argument), the string may be read
    // for something else too: the fix is offered, not applied by `--fix`.
    const direct = policies.length === 1 && policy.ref.file === ctx.file && value.ref.span.start === literal.ref.span.start && value.ref.span.end === literal.ref.span.end;
    const written = ctx.text.slice(literal.ref.span.start, literal.ref.span.end);
    const target = path.resolve(path.dirname(ctx.file), literal.value);
    const doc = ctx.policyAt(target);
    const related: RelatedInfo[] = doc ? [{ file: target, span: { start: 0, end: 0 }, message: 'the policy file this value names' }] : [];
    if (!direct) for (const p of policies) related.push({ file: p.ref.file, span: p.ref.span, message: 'the policy resource that deploys this string as its value' });
    // With a `-link` format APIM fetches the value as a URL: a path in the repository is none it can reach, and
    // loading the file means the format without `-link` (else the policy text would be taken for a URL).
    const format = policies.map((p) => p.format).find((f) => f && /^(raw)?xml-link$/.test(f.value));
    const unlinked = format && (doc && firstRawCharacter(doc) ? 'rawxml' : format.value.replace(/-link$/, ''));
    const edits = [{ file: ctx.file, span: literal.ref.span, newText: `loadTextContent(${written})` }];
    if (format) edits.push({ file: format.ref.file, span: format.ref.span, newText: `'${unlinked}'` });
    const what = direct ? `value is the path ${written}` : `${written} is deployed as a policy's value`;
    ctx.report({
      span: literal.ref.span,
      message: format
        ? `${what}, and format '${format.value}' makes APIM fetch it as a URL: a path in the repository is ` +
          `no URL it can reach, and the deployment fails. Load the file instead: loadTextContent(${written}) with format '${unlinked}'.`
        : `${what}, not the policy: APIM receives the path itself as the policy text and rejects it. ` + `Load the file: loadTextContent(${written}).`,
      fixes: [
        {
          title: format ? `Wrap the path in loadTextContent(…) and set format to '${unlinked}'` : 'Wrap the path in loadTextContent(…)',
          edits,
          preferred: true,
          ...(direct ? { autofix: true } : {}),
        },
      ],
      related,
    });
  }
}

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
