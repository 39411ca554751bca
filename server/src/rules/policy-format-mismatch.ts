import type { Fix } from '../core/finding';
import { property, propertyMember } from '../model/bicep-scope';
import type { PolicyResource } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';
import { insertLineBeforeEdit, resourceAt } from './util/bicep-edit';
import { deployedPolicy } from './util/bicep-policies';
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
      // A text rewritten before deployment (`replace(loadTextContent(…), '"', '&quot;')`) may no longer be rawxml.
      if ((format !== undefined && format.toLowerCase() !== 'xml') || policy.value?.loadedFile?.transformed) continue;
      const deployed = deployedPolicy(ctx, policy);
      const raw = deployed && firstRawCharacter(deployed.doc);
      if (!deployed || !raw) continue;
      const stated = policy.format ? "format is 'xml'" : "format is not set, so it is 'xml' (the API's default)";
      ctx.report({
        span: policy.format?.ref.span ?? (deployed.file === ctx.file ? deployed.place(raw.span) : policy.value?.ref.span ?? policy.ref.span),
        message:
          `${stated}, but ${deployed.name} is rawxml: its C# expressions keep ${raw.what}, which XML doesn't allow, so the deployment ` +
          `fails. Use format: 'rawxml' (or entity-escape the policy: &quot; &lt; &amp;).`,
        fixes: rawxmlFix(ctx, policy),
        related: [{ file: deployed.file, span: deployed.place(raw.span), message: `${raw.what}: only rawxml accepts it` }],
      });
    }
  },
};

/** Sets `format: 'rawxml'`, replacing the value or adding the property before `value`. */
function rawxmlFix(ctx: BicepRuleContext, policy: PolicyResource): Fix[] {
  const title = "Set format: 'rawxml'";
  if (policy.format) return [{ title, edits: [{ file: ctx.file, span: policy.format.ref.span, newText: "'rawxml'" }], preferred: true, autofix: true }];
  const member = propertyMember(property(resourceAt(ctx.file, ctx.bicep, policy.ref.span)?.body, 'properties'), 'value');
  if (!member) return [];
  return [{ title, edits: [insertLineBeforeEdit(ctx.file, ctx.text, member.span.start, "format: 'rawxml'")], preferred: true, autofix: true }];
}
