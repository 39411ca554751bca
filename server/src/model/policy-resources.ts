import * as path from 'node:path';
import { property, propertyMember, type ResourceNode } from './bicep-scope';
import { stringValueOffsets } from '../parsers/bicep/lexer';
import { unparen } from './expr-walk';
import type { Span } from '../core/text';
import type { InlinePolicy, PolicyResource, PolicyScope } from './types';

const SCOPES: ReadonlyMap<string, PolicyScope> = new Map([
  ['microsoft.apimanagement/service/policies', 'service'],
  ['microsoft.apimanagement/service/apis/policies', 'api'],
  ['microsoft.apimanagement/service/apis/operations/policies', 'operation'],
  ['microsoft.apimanagement/service/products/policies', 'product'],
  ['microsoft.apimanagement/service/policyfragments', 'fragment'],
]);

/** The policy scope of a resource type, `unknown` for other APIM `…/policies` (workspaces…), undefined for non-policies. */
export function policyScopeOf(fullType: string): PolicyScope | undefined {
  const known = SCOPES.get(fullType);
  if (known) return known;
  return fullType.startsWith('microsoft.apimanagement/service/') && fullType.endsWith('/policies') ? 'unknown' : undefined;
}

/** Bicep functions whose first argument is the text they return rewritten (placeholders filled in, say). */
const TEXT_FUNCTIONS: ReadonlySet<string> = new Set(['replace', 'format', 'trim', 'concat', 'string']);

/** A string that is meant as a file path rather than policy XML. */
function looksLikePath(s: string): boolean {
  const t = s.trim();
  return !t.startsWith('<') && /\.xml$|^\.{1,2}[\\/]/i.test(t);
}

/** Reads `format` and `value` of a policy resource (the service is linked by the workspace). */
export function describePolicy(node: ResourceNode, scope: PolicyScope, exists: (file: string) => boolean): PolicyResource {
  const file = node.scope.path;
  const props = property(node.body, 'properties');
  const policy: PolicyResource = { ref: { file, span: node.decl.span }, scope };
  const format = property(props, 'format');
  if (format?.kind === 'string' && format.value !== undefined) policy.format = { value: format.value, ref: { file, span: format.span } };
  const member = propertyMember(props, 'value');
  if (member?.kind !== 'property') return policy;
  policy.value = { ref: { file, span: member.value.span } };
  // `loadTextContent('x.xml')`, also as the text a string function rewrites: `replace(loadTextContent('x.xml'), …)`.
  let v = unparen(member.value);
  let transformed = false;
  while (v.kind === 'call' && v.name.toLowerCase() !== 'loadtextcontent' && TEXT_FUNCTIONS.has(v.name.toLowerCase()) && v.args[0]) {
    v = unparen(v.args[0]);
    transformed = true;
  }
  const arg = v.kind === 'call' ? v.args[0] : undefined;
  if (v.kind === 'call' && v.name.toLowerCase() === 'loadtextcontent' && arg?.kind === 'string' && arg.value !== undefined) {
    const p = path.resolve(node.scope.dir, arg.value);
    policy.value.loadedFile = { path: p, ref: { file, span: v.span }, pathRef: { file, span: arg.span }, exists: exists(p) };
    if (transformed) policy.value.loadedFile.transformed = true;
  } else if (transformed) {
    return policy;
  } else if (v.kind === 'string' && v.value !== undefined) {
    if (looksLikePath(v.value)) policy.value.literal = v.value;
    else if (v.value.trimStart().startsWith('<')) {
      // The policy written in the Bicep string itself: linted as a policy, its findings placed in the Bicep file.
      const read = stringValueOffsets(node.scope.file.text, v.span, v.multiline);
      if (read && read.text === v.value) policy.value.inline = { text: read.text, offsets: read.offsets, multiline: v.multiline };
    }
  }
  return policy;
}

/** A span of an inline policy's text as a span of the Bicep file it is written in. */
export function inlineSpan(inline: InlinePolicy, span: Span): Span {
  const end = inline.offsets[inline.offsets.length - 1]!;
  return { start: inline.offsets[span.start] ?? end, end: inline.offsets[span.end] ?? end };
}
