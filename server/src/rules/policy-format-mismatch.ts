import * as path from 'node:path';
import type { Fix } from '../core/finding';
import { property, propertyMember } from '../model/bicep-scope';
import type { PolicyResource } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';
import { insertLineBeforeEdit, resourceAt } from './util/bicep-edit';
import { firstRawCharacter } from './util/rawxml';

/** `format: 'xml'` (or no format: the API's default is `xml`) with a loaded policy that is rawxml. */
export const policyFormatMismatch: BicepRule = {
  id: 'policy-format-mismatch',
  target: 'bicep',
  defaultLevel: 'error',
  description: "A policy deployed as 'xml' (explicitly or by default) whose expressions keep raw quotes, < or &, which only 'rawxml' accepts.",
  check(ctx) {
    for (const policy of ctx.model.policyResourcesIn(ctx.file)) {
      const format = policy.format?.value;
      const loaded = policy.value?.loadedFile;
      if ((format !== undefined && format.toLowerCase() !== 'xml') || !loaded) continue;
      const doc = ctx.policyAt(loaded.path);
      const raw = doc && firstRawCharacter(doc);
      if (!raw) continue;
      const name = path.basename(loaded.path);
      const stated = policy.format ? "format is 'xml'" : "format is not set, so it is 'xml' (the API's default)";
      ctx.report({
        span: policy.format?.ref.span ?? loaded.ref.span,
        message:
          `${stated}, but ${name} is rawxml: its C# expressions keep ${raw.what}, which XML doesn't allow, so the deployment ` +
          `fails. Use format: 'rawxml' (or entity-escape the policy: &quot; &lt; &amp;).`,
        fixes: rawxmlFix(ctx, policy),
        related: [{ file: loaded.path, span: raw.span, message: `${raw.what}: only rawxml accepts it` }],
      });
    }
  },
};

/** Sets `format: 'rawxml'`, replacing the value or adding the property before `value`. */
function rawxmlFix(ctx: BicepRuleContext, policy: PolicyResource): Fix[] {
  const title = "Set format: 'rawxml'";
  if (policy.format) return [{ title, edits: [{ file: ctx.file, span: policy.format.ref.span, newText: "'rawxml'" }], preferred: true }];
  const member = propertyMember(property(resourceAt(ctx.file, ctx.bicep, policy.ref.span)?.body, 'properties'), 'value');
  if (!member) return [];
  return [{ title, edits: [insertLineBeforeEdit(ctx.file, ctx.text, member.span.start, "format: 'rawxml'")], preferred: true }];
}
