import type { Position } from 'vscode-languageserver/node';
import type { Span } from '../core/text';
import type { Workspace } from '../engine/workspace';
import type { PolicyContext } from '../model/types';
import { elementAt } from '../parsers/policy';
import type { CsToken, PolicyAttribute, PolicyDocument } from '../parsers/policy/types';
import { normalizeThumbprint } from '../rules/util/certificate-references';
import { THUMBPRINT } from './protocol';

/** What a place in a policy refers to that lives elsewhere in the workspace (hover and go to definition share it). */
export type PolicyReference =
  /** `issuer-certificate-id="id"`: an uploaded certificate by its id. */
  | { kind: 'certificate-id'; id: string; span: Span }
  /**
   * `thumbprint` / `issuer-thumbprint` attribute values, and 40-hex string literals in expressions (also the keys of
   * `context.Deployment.Certificates["…"]`, which is keyed by thumbprint).
   */
  | { kind: 'thumbprint'; thumbprint: string; span: Span }
  /** `{{name}}`, anywhere in the policy. */
  | { kind: 'named-value'; name: string; span: Span };

const THUMBPRINT_ATTRIBUTES = new Set(['thumbprint', 'issuer-thumbprint']);

/** The policy at a place of a file: the policy file itself, or the policy written in a Bicep string there. */
export interface PolicyAtPosition {
  doc: PolicyDocument;
  context: PolicyContext;
  /** The place in the policy's own offsets. */
  offset: number;
}

/** The policy under the cursor (rules' `policyAt`, by contrast, reads a policy file by its path). */
export function policyAtPosition(ws: Workspace, file: string, position: Position): PolicyAtPosition | undefined {
  const index = ws.lineIndex(file);
  if (!index) return undefined;
  const offset = index.offsetAt(position);
  if (ws.kindOf(file) === 'policy') {
    const doc = ws.policy(file);
    return doc && { doc, context: ws.policyContext(file), offset };
  }
  if (ws.kindOf(file) !== 'bicep') return undefined;
  const inline = ws.inlinePolicyAt(file, offset);
  return inline && { doc: inline.doc, context: inline.context, offset: inline.offset };
}

/** A thumbprint as the certificate index keys it (upper-case hex; separators and invisible marks dropped). */
export function thumbprintKey(written: string): string {
  return normalizeThumbprint(written) ?? written.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
}

/** The reference at `offset` (in the policy's own offsets), if any. */
export function policyReferenceAt(doc: PolicyDocument, offset: number): PolicyReference | undefined {
  const inside = (s: Span) => s.start <= offset && offset <= s.end;
  for (const nv of doc.namedValues) if (inside(nv.span)) return { kind: 'named-value', name: nv.name.trim(), span: nv.span };
  for (const expr of doc.expressions) {
    if (!inside(expr.span)) continue;
    const ref = expressionReferences(expr.tokens).find((r) => inside(r.span));
    if (ref) return ref;
  }
  const el = elementAt(doc, offset);
  for (const attr of el?.attributes ?? []) {
    const ref = inside(attr.valueSpan) ? attributeReference(attr) : undefined;
    if (ref) return ref;
  }
  return undefined;
}

/** Every reference in a policy, in document order. */
export function policyReferences(doc: PolicyDocument): PolicyReference[] {
  const out: PolicyReference[] = doc.namedValues.map((nv) => ({ kind: 'named-value', name: nv.name.trim(), span: nv.span }));
  for (const expr of doc.expressions) out.push(...expressionReferences(expr.tokens));
  for (const el of doc.elements) {
    for (const attr of el.attributes) {
      const ref = attributeReference(attr);
      if (ref) out.push(ref);
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** An expression's 40-hex string literals: thumbprints compared, or keys of `context.Deployment.Certificates`. */
function expressionReferences(tokens: readonly CsToken[]): PolicyReference[] {
  const out: PolicyReference[] = [];
  for (const token of tokens) {
    if (token.kind === 'string' && token.value !== undefined && THUMBPRINT.test(token.value)) {
      out.push({ kind: 'thumbprint', thumbprint: token.value, span: token.span });
    }
  }
  return out;
}

function attributeReference(attr: PolicyAttribute): PolicyReference | undefined {
  if (attr.expression || attr.value.includes('{{')) return undefined;
  if (THUMBPRINT_ATTRIBUTES.has(attr.name)) return { kind: 'thumbprint', thumbprint: attr.value.trim(), span: attr.valueSpan };
  if (attr.name === 'issuer-certificate-id') return { kind: 'certificate-id', id: attr.value.trim(), span: attr.valueSpan };
  return undefined;
}
