import type { Fix } from '../core/finding';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import { childElements, elementsNamed, getAttribute, sectionOf } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { includedFragments } from './util/fragments';
import { indentAt, indentUnit } from './util/policy-edit';

/** validate-client-certificate outside `<inbound>`. In a `<fragment>` the section is unknown: silent. */
export const policySection: PolicyRule = {
  id: 'policy-section',
  target: 'policy',
  defaultLevel: 'error',
  description: 'validate-client-certificate outside the inbound section: API Management rejects the policy.',
  check(ctx) {
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const section = sectionOf(el);
      if (!section || section === 'inbound') continue;
      const fix = moveToInbound(ctx.file, ctx.doc, el);
      ctx.report({
        span: el.nameSpan,
        message: `validate-client-certificate is allowed only in <inbound>, not in <${section}>: API Management rejects this policy. Move it to <inbound>.`,
        fixes: fix ? [fix] : [],
      });
    }
    // A fragment's elements run in place of its <include-fragment>: included outside <inbound>, a
    // validate-client-certificate in it (or in a fragment it includes) is outside <inbound> too.
    for (const f of includedFragments(ctx.doc)) {
      const section = sectionOf(f.include);
      if (!section || section === 'inbound') continue;
      const id = getAttribute(f.include, 'fragment-id')?.value.trim() ?? '';
      const via = fragmentWithCheck(f.doc, new Set([ctx.doc]), id, f.file);
      if (!via) continue;
      const inner = via.id === id ? '' : ` (through the fragment '${via.id}' it includes)`;
      ctx.report({
        span: f.include.nameSpan,
        message: `The fragment '${id}' holds validate-client-certificate${inner}, which is allowed only in <inbound>, and is included here in <${section}>: API Management rejects this policy. Include the fragment in <inbound>.`,
        related: [{ file: via.file, span: via.el.nameSpan, message: 'validate-client-certificate in the fragment' }],
      });
    }
  },
};

/** The first validate-client-certificate of a fragment, or of a fragment it includes in turn (a cycle is cut). */
function fragmentWithCheck(doc: PolicyDocument, seen: Set<PolicyDocument>, id: string, file: string): { id: string; file: string; el: PolicyElement } | undefined {
  if (seen.has(doc)) return undefined;
  seen.add(doc);
  const el = elementsNamed(doc, 'validate-client-certificate')[0];
  if (el) return { id, file, el };
  for (const f of includedFragments(doc)) {
    const fid = getAttribute(f.include, 'fragment-id')?.value.trim() ?? '';
    const found = fragmentWithCheck(f.doc, seen, fid, f.file);
    if (found) return found;
  }
  return undefined;
}

/** Moves a direct child of a section to `<inbound>`, after its `<base />` (or first). Undefined when there is no `<inbound>` or the element is nested. */
function moveToInbound(file: string, doc: PolicyDocument, el: PolicyElement): Fix | undefined {
  const text = doc.text;
  const inbound = doc.root ? childElements(doc.root, 'inbound')[0] : undefined;
  if (!inbound || inbound.selfClosing || el.parent === undefined || el.parent.parent !== doc.root) return undefined;
  const base = childElements(inbound, 'base')[0];
  const indent = base ? indentAt(text, base.span.start) : indentAt(text, inbound.span.start) + indentUnit(text, inbound);
  const at = base ? base.span.end : inbound.startTagSpan.end;
  const source = text.slice(el.span.start, el.span.end);
  return {
    title: 'Move validate-client-certificate to <inbound>',
    edits: [
      { file, span: { start: at, end: at }, newText: `\n${indent}${source}` },
      { file, span: wholeLines(text, el.span.start, el.span.end), newText: '' },
    ],
    preferred: true,
  };
}

/** The span widened to whole lines when only blanks share them (so removing it leaves no blank line). */
function wholeLines(text: string, start: number, end: number): { start: number; end: number } {
  let s = start;
  while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
  let e = end;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t' || text[e] === '\r')) e++;
  const ownLines = (s === 0 || text[s - 1] === '\n') && (e === text.length || text[e] === '\n');
  return ownLines ? { start: s, end: Math.min(e + 1, text.length) } : { start, end };
}
