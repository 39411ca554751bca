import * as path from 'node:path';
import { property, propertyMember, type FileScope, type ResourceNode } from './bicep-scope';
import { stringValueOffsets } from '../parsers/bicep/lexer';
import { unparen } from './expr-walk';
import type { Span } from '../core/text';
import type { CallExpr, Expr, StringExpr } from '../parsers/bicep/types';
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
  const loaded = loadedText(member.value, node.scope, 0);
  if (loaded) {
    const p = path.resolve(loaded.scope.dir, loaded.path.value!);
    const where = loaded.scope.path;
    policy.value.loadedFile = { path: p, ref: { file: where, span: loaded.call.span }, pathRef: { file: where, span: loaded.path.span }, exists: exists(p) };
    if (loaded.transformed) policy.value.loadedFile.transformed = true;
    return policy;
  }
  const v = unparen(member.value);
  if (v.kind === 'string' && v.value !== undefined) {
    if (looksLikePath(v.value)) policy.value.literal = v.value;
    else if (v.value.trimStart().startsWith('<')) {
      // The policy written in the Bicep string itself: linted as a policy, its findings placed in the Bicep file.
      const read = stringValueOffsets(node.scope.file.text, v.span, v.multiline);
      if (read && read.text === v.value) policy.value.inline = { text: read.text, offsets: read.offsets, multiline: v.multiline };
    }
  }
  return policy;
}

/** Variables and module levels followed from a policy's `value:` to the `loadTextContent` it comes from. */
const MAX_PARAM_DEPTH = 8;

interface LoadedText {
  call: CallExpr;
  path: StringExpr;
  /** The file the call is written in (a caller's, when the value comes through a module parameter). */
  scope: FileScope;
  transformed: boolean;
}

/**
 * The `loadTextContent('x.xml')` a policy's value comes from: written there, as the text a string function rewrites
 * (`replace(loadTextContent('x.xml'), …)`), held by a variable, or passed by the callers of a module into the parameter
 * used as the value, when they all pass the same file.
 */
function loadedText(expr: Expr, scope: FileScope, depth: number): LoadedText | undefined {
  let v = unparen(expr);
  let transformed = false;
  while (v.kind === 'call' && v.name.toLowerCase() !== 'loadtextcontent' && TEXT_FUNCTIONS.has(v.name.toLowerCase()) && v.args[0]) {
    v = unparen(v.args[0]);
    transformed = true;
  }
  if (v.kind === 'call' && v.name.toLowerCase() === 'loadtextcontent') {
    const arg = v.args[0];
    return arg?.kind === 'string' && arg.value !== undefined ? { call: v, path: arg, scope, transformed } : undefined;
  }
  if (v.kind !== 'identifier' || depth >= MAX_PARAM_DEPTH) return undefined;
  const variable = scope.vars.get(v.name)?.value;
  if (variable) {
    const held = loadedText(variable, scope, depth + 1);
    return held && { ...held, transformed: held.transformed || transformed };
  }
  if (!scope.params.has(v.name) || scope.callers.length === 0) return undefined;
  let found: LoadedText | undefined;
  for (const site of scope.callers) {
    const arg = site.args.get(v.name);
    const passed = arg && loadedText(arg, site.scope, depth + 1);
    if (!passed) return undefined;
    const file = path.resolve(passed.scope.dir, passed.path.value!);
    if (found && path.resolve(found.scope.dir, found.path.value!) !== file) return undefined;
    found ??= { ...passed, transformed: passed.transformed || transformed };
  }
  return found;
}

/** A span of an inline policy's text as a span of the Bicep file it is written in. */
export function inlineSpan(inline: InlinePolicy, span: Span): Span {
  const end = inline.offsets[inline.offsets.length - 1]!;
  return { start: inline.offsets[span.start] ?? end, end: inline.offsets[span.end] ?? end };
}
