import * as path from 'node:path';
import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import { childElements, elementsNamed, findMemberChains, getAttribute } from '../parsers/policy';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import { inlineSpan } from '../model/policy-resources';
import { pinsOrVerifiesTested } from './util/certificate-names';
import { enclosingPolicies } from './util/enclosing';
import { indentAt } from './util/policy-edit';
import { reachedFragments } from './util/fragments';

/**
 * An operation (or API) policy whose `<inbound>` leaves out `<base />`: the inbound policies of the enclosing scopes
 * don't run for it, so a client-certificate check written there (the API's `validate-client-certificate`, the global
 * policy's) is skipped for this operation, silently.
 */
export const baseOmitted: PolicyRule = {
  id: 'base-omitted',
  target: 'policy',
  defaultLevel: 'warning',
  description: "An operation, API or product policy's <inbound> has no <base />, so the client-certificate check of the enclosing scope's policy doesn't run for it.",
  check(ctx) {
    const root = ctx.doc.root;
    if (root?.name !== 'policies') return;
    const inbound = childElements(root, 'inbound')[0];
    if (!inbound || childElements(inbound, 'base').length > 0) return;
    for (const parent of enclosingPolicies(ctx)) {
      const check = inboundCertificateCheck(parent.doc);
      if (!check) continue;
      const where = path.relative(path.dirname(ctx.file), parent.file) || path.basename(parent.file);
      ctx.report({
        span: inbound.nameSpan,
        message:
          `This <inbound> has no <base />, so the ${parent.scope} policy's inbound doesn't run here, and with it the client-certificate ` +
          `check it makes (${check.what} in ${where}): requests to this ${scopeNoun(ctx)} skip it. ` +
          'Add <base /> (first, to check before anything else runs), or check the certificate here too.',
        fixes: [baseFix(ctx, inbound)],
        // A policy written in a Bicep string: its span maps to the Bicep file's text.
        related: [{ file: parent.file, span: parent.inline ? inlineSpan(parent.inline, check.span) : check.span, message: `the ${parent.scope} policy's ${check.what}` }],
      });
      return;
    }
  },
};

/**
 * Where a policy's own `<inbound>` checks the client certificate: a `validate-client-certificate`, a `<when>` that
 * decides on `context.Request.Certificate`, or code that verifies or pins it, there or in a fragment it includes there.
 * Reading it into a header is no check.
 */
function inboundCertificateCheck(doc: PolicyDocument): { span: Span; what: string } | undefined {
  const inbound = doc.root && childElements(doc.root, 'inbound')[0];
  if (!inbound) return undefined;
  // The <inbound> is a child of the root: the element's top-level ancestor (remembered), not all its ancestors per element.
  const inside = (el: PolicyElement): boolean => el.topLevel === inbound;
  const own = certificateCheckIn(doc, inside);
  if (own) return own;
  for (const f of reachedFragments(doc)) {
    if (!inside(f.include)) continue;
    const check = certificateCheckIn(f.doc, () => true);
    const id = getAttribute(f.include, 'fragment-id')?.value.trim() ?? '';
    if (check) return { span: f.include.nameSpan, what: `${check.what} of the fragment '${id}' it includes` };
  }
  return undefined;
}

function certificateCheckIn(doc: PolicyDocument, inside: (el: PolicyElement) => boolean): { span: Span; what: string } | undefined {
  const element = elementsNamed(doc, 'validate-client-certificate').find(inside);
  if (element) return { span: element.nameSpan, what: 'validate-client-certificate' };
  for (const expr of doc.expressions) {
    if (!inside(expr.owner.element)) continue;
    const chain = findMemberChains(expr.tokens, 'context.Request.Certificate')[0];
    const decides = expr.owner.element.name === 'when' && expr.owner.attribute?.name === 'condition';
    if (chain && (decides || pinsOrVerifiesTested(expr))) return { span: chain.span, what: 'context.Request.Certificate' };
  }
  return undefined;
}

/** Whose requests skip the check: the operation's, the API's, or the product's APIs' (deployed so, or laid out so by the APIOps extractor). */
function scopeNoun(ctx: PolicyRuleContext): string {
  const parts = ctx.file.split(/[\\/]/);
  const folder = parts[parts.length - 3]?.toLowerCase();
  if (ctx.policy.deployments.some((d) => d.scope === 'operation') || folder === 'operations') return 'operation';
  if (ctx.policy.deployments.some((d) => d.scope === 'product') || folder === 'products') return "product's APIs";
  return 'API';
}

/**
 * `<base />` as the first child of `<inbound>`, indented like its children (or one level in); `<inbound />` opened.
 * Lines end in `\n`, as in every fix: a CRLF file gets `\r\n` where fixes are applied (`withLineEndingsOf`).
 */
function baseFix(ctx: PolicyRuleContext, inbound: PolicyElement): Fix {
  const text = ctx.text;
  const indent = indentAt(text, inbound.span.start);
  const title = 'Add <base /> first in <inbound>';
  if (inbound.selfClosing) {
    const newText = `<inbound>\n${indent}    <base />\n${indent}</inbound>`;
    return { title, edits: [{ file: ctx.file, span: inbound.startTagSpan, newText }], preferred: true };
  }
  const child = inbound.children[0];
  // The first child's indentation when it starts on a later line than the start tag.
  const childIndent = child && text.slice(inbound.startTagSpan.end, child.span.start).includes('\n') ? indentAt(text, child.span.start) : `${indent}    `;
  const at = inbound.startTagSpan.end;
  return { title, edits: [{ file: ctx.file, span: { start: at, end: at }, newText: `\n${childIndent}<base />` }], preferred: true };
}
