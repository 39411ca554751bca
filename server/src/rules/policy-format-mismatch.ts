import type { Fix } from '../core/finding';
import { property, propertyMember } from '../model/bicep-scope';
import type { PolicyResource } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';
import { insertLineBeforeEdit, resourceAt } from './util/bicep-edit';
import { deployedPolicy, type DeployedPolicy } from './util/bicep-policies';
import { firstRawCharacter, type RawCharacter } from './util/rawxml';

/** `format: 'xml'` (or no format: the API's default is `xml`) with a loaded policy that is rawxml. */
export const policyFormatMismatch: BicepRule = {
  id: 'policy-format-mismatch',
  target: 'bicep',
  defaultLevel: 'error',
  description:
    "A policy's format doesn't fit its value: 'xml' (explicitly or by default) with expressions that keep raw quotes, < or &, which only 'rawxml' accepts; or a '-link' format (a URL) with the policy's text.",
  check(ctx) {
    // A module's resource may deploy several files (one per caller): one finding per resource, naming each rawxml file.
    const byDeclaration = new Map<number, PolicyResource[]>();
    for (const p of ctx.model.policyResourcesIn(ctx.file)) {
      const list = byDeclaration.get(p.ref.span.start);
      if (list) list.push(p);
      else byDeclaration.set(p.ref.span.start, [p]);
    }
    // A string two resources deploy without a format (a variable): one finding where it is written, whose fix sets
    // the format of each.
    const inString = new Map<string, { finding: Parameters<BicepRuleContext['report']>[0]; fix: Fix }>();
    for (const [, same] of byDeclaration) {
      const policy = same[0]!;
      const format = policy.format?.value;
      if (policy.format && /^(raw)?xml-link$/i.test(policy.format.value) && (policy.value?.loadedFile || policy.value?.inline)) {
        reportLinkFormat(ctx, policy, policy.format);
        continue;
      }
      // A format that isn't written as a literal (passed in by a caller) may well be rawxml: not judged.
      if ((format !== undefined && format.toLowerCase() !== 'xml') || policy.formatUnread) continue;
      const raw: { deployed: DeployedPolicy; raw: RawCharacter }[] = [];
      for (const one of same) {
        // A text rewritten before deployment (`replace(loadTextContent(…), '"', '&quot;')`) may no longer be rawxml.
        if (one.value?.loadedFile?.transformed) continue;
        const deployed = deployedPolicy(ctx, one);
        const found = deployed && firstRawCharacter(deployed.doc);
        if (deployed && found) raw.push({ deployed, raw: found });
      }
      const first = raw[0];
      if (!first) continue;
      const { deployed } = first;
      const names = raw.map((r) => r.deployed.name);
      const which = names.length === 1 ? `${names[0]} is` : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are`;
      const stated = policy.format ? "format is 'xml'" : "format is not set, so it is 'xml' (the API's default)";
      const span = policy.format?.ref.span ?? (deployed.file === ctx.file ? deployed.place(first.raw.span) : policy.value?.ref.span ?? policy.ref.span);
      const fixes = rawxmlFix(ctx, policy);
      const key = `${span.start}:${span.end}`;
      const inAString = !policy.format && deployed.file === ctx.file;
      const shared = inAString ? inString.get(key) : undefined;
      if (shared) {
        if (fixes[0]) shared.fix.edits.push(...fixes[0].edits);
        continue;
      }
      const finding = {
        span,
        message:
          `${stated}, but ${which} rawxml: ${names.length === 1 ? 'its' : 'their'} C# expressions keep ${first.raw.what}, which XML doesn't allow, so the deployment ` +
          `fails. Use format: 'rawxml' (or entity-escape the policy: &quot; &lt; &amp;).`,
        fixes,
        related: raw.map((r) => ({ file: r.deployed.file, span: r.deployed.place(r.raw.span), message: `${r.raw.what}: only rawxml accepts it` })),
      };
      if (inAString && fixes[0]) inString.set(key, { finding, fix: fixes[0] });
      else ctx.report(finding);
    }
    for (const { finding } of inString.values()) ctx.report(finding);
  },
};

/**
 * A `-link` format with the policy's text as the value (loaded, or written in the string): APIM fetches the value as a
 * URL, so the deployment fails. The format without `-link` is what the text needs.
 */
function reportLinkFormat(ctx: BicepRuleContext, policy: PolicyResource, format: NonNullable<PolicyResource['format']>): void {
  // A policy that keeps raw quotes or < in its expressions needs rawxml, whatever the link format said.
  const deployed = deployedPolicy(ctx, policy);
  const unlinked = deployed && firstRawCharacter(deployed.doc) ? 'rawxml' : format.value.replace(/-link$/i, '').toLowerCase();
  const what = policy.value?.loadedFile ? 'the text of a loaded file' : 'the policy written in the string';
  ctx.report({
    span: format.ref.span,
    message:
      `format is '${format.value}', so APIM fetches value as a URL, but value is ${what}, not a URL: the deployment ` +
      `fails. Use format: '${unlinked}'.`,
    fixes: [{ title: `Set format: '${unlinked}'`, edits: [{ file: ctx.file, span: format.ref.span, newText: `'${unlinked}'` }], preferred: true, autofix: true }],
  });
}

/** Sets `format: 'rawxml'`, replacing the value or adding the property before `value`. */
function rawxmlFix(ctx: BicepRuleContext, policy: PolicyResource): Fix[] {
  const title = "Set format: 'rawxml'";
  if (policy.format) return [{ title, edits: [{ file: ctx.file, span: policy.format.ref.span, newText: "'rawxml'" }], preferred: true, autofix: true }];
  const member = propertyMember(property(resourceAt(ctx.file, ctx.bicep, policy.ref.span)?.body, 'properties'), 'value');
  if (!member) return [];
  return [{ title, edits: [insertLineBeforeEdit(ctx.file, ctx.text, member.span.start, "format: 'rawxml'")], preferred: true, autofix: true }];
}
