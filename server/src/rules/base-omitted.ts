import * as path from 'node:path';
import type { Fix } from '../core/finding';
import { childElements } from '../parsers/policy';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';
import { clientCertificateCheck } from './util/bicep-policies';

/**
 * An operation (or API) policy whose `<inbound>` leaves out `<base />`: the inbound policies of the enclosing scope
 * don't run for it, so a client-certificate check written there (the API's `validate-client-certificate`, the global
 * policy's) is skipped for this operation, silently.
 */
export const baseOmitted: PolicyRule = {
  id: 'base-omitted',
  target: 'policy',
  defaultLevel: 'warning',
  description: "An operation or API policy's <inbound> has no <base />, so the client-certificate check of the enclosing scope's policy doesn't run for it.",
  check(ctx) {
    const root = ctx.doc.root;
    if (root?.name !== 'policies') return;
    const inbound = childElements(root, 'inbound')[0];
    if (!inbound || childElements(inbound, 'base').length > 0) return;
    for (const parent of enclosingPolicies(ctx)) {
      // Only the enclosing policy's inbound runs where this one's <base /> would be.
      const parentInbound = parent.doc.root && childElements(parent.doc.root, 'inbound')[0];
      const check = parentInbound && clientCertificateCheck(parent.doc);
      if (!check || check.span.start < parentInbound.span.start || check.span.start > parentInbound.span.end) continue;
      const where = path.relative(path.dirname(ctx.file), parent.file) || path.basename(parent.file);
      ctx.report({
        span: inbound.nameSpan,
        message:
          `This <inbound> has no <base />, so the ${parent.scope} policy's inbound doesn't run here, and with it the client-certificate ` +
          `check it makes (${check.what} in ${where}): requests to this ${parent.scope === 'API' ? 'operation' : 'API'} skip it. ` +
          'Add <base /> (first, to check before anything else runs), or check the certificate here too.',
        fixes: [baseFix(ctx, inbound)],
        related: [{ file: parent.file, span: check.span, message: `the ${parent.scope} policy's ${check.what}` }],
      });
      return;
    }
  },
};

/**
 * The policies of the enclosing scope, as the Bicep deploys them (an operation policy's API policies) or as the
 * APIOps extractor lays them out (`apis/<api>/operations/<op>/policy.xml` under `apis/<api>/policy.xml`, which is
 * under the global `policy.xml` beside `apis/`).
 */
function enclosingPolicies(ctx: PolicyRuleContext): { file: string; doc: PolicyDocument; scope: 'API' | 'global' }[] {
  const out: { file: string; doc: PolicyDocument; scope: 'API' | 'global' }[] = [];
  const add = (file: string, scope: 'API' | 'global'): void => {
    if (out.some((p) => p.file === file)) return;
    const doc = ctx.policyAt(file);
    if (doc) out.push({ file, doc, scope });
  };
  for (const file of ctx.model.apiPolicyFiles(ctx.file)) add(file, 'API');
  const parts = ctx.file.split(/[\\/]/);
  const n = parts.length;
  if (parts[n - 1]?.toLowerCase() === 'policy.xml') {
    if (parts[n - 3]?.toLowerCase() === 'operations' && parts[n - 5]?.toLowerCase() === 'apis') {
      add(path.join(path.dirname(path.dirname(path.dirname(ctx.file))), 'policy.xml'), 'API');
    } else if (parts[n - 3]?.toLowerCase() === 'apis') {
      add(path.join(path.dirname(path.dirname(path.dirname(ctx.file))), 'policy.xml'), 'global');
    }
  }
  return out;
}

/** `<base />` as the first child of `<inbound>`, indented like its children (or one level in). */
function baseFix(ctx: PolicyRuleContext, inbound: PolicyElement): Fix {
  const text = ctx.text;
  const lineStart = text.lastIndexOf('\n', inbound.span.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const child = inbound.children[0];
  const childLineStart = child ? text.lastIndexOf('\n', child.span.start - 1) + 1 : -1;
  const childIndent = child && childLineStart > inbound.startTagSpan.end ? /^[ \t]*/.exec(text.slice(childLineStart))![0] : `${indent}    `;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const at = inbound.startTagSpan.end;
  return { title: 'Add <base /> first in <inbound>', edits: [{ file: ctx.file, span: { start: at, end: at }, newText: `${eol}${childIndent}<base />` }], preferred: true };
}
