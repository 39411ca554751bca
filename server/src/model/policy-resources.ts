import * as path from 'node:path';
import { property, propertyMember, siteArg, type CallSite, type FileScope, type ResourceNode } from './bicep-scope';
import { decodeStringSegment, stringValueOffsets } from '../parsers/bicep/lexer';
import { unparen } from './expr-walk';
import { coalesced, elementsOf, followCutAtDepth, followCutShort, followStep, importedVariable, itemsOf, lambdaBinding, MAX_FOLLOW_DEPTH, objectsOf, type LoopItem, type Via } from './literals';
export { viaItems, viaSites, type Via } from './literals';
import type { Span } from '../core/text';
import type { CallExpr, Expr, ForExpr, StringExpr } from '../parsers/bicep/types';
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

/** A string that is meant as a file path rather than policy XML or a URL (what the `-link` formats take). */
function looksLikePath(s: string): boolean {
  const t = s.trim();
  return !t.startsWith('<') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(t) && /\.xml$|^\.{1,2}[\\/]/i.test(t);
}

/**
 * Reads `format` and `value` of a policy resource (the service is linked by the workspace). One resource may deploy
 * several policies: a module whose callers pass different `loadTextContent('…')` to the parameter used as the value
 * (a reusable API module) gives one `PolicyResource` per file, each with the same declaration, and one more for the
 * parameter's default when it is a policy some deployment keeps. `strings`: the policies written in strings found so
 * far in this model, so that one string deployed by several resources (a variable) is one `InlinePolicy`.
 */
export function describePolicy(
  node: ResourceNode,
  scope: PolicyScope,
  exists: (file: string) => boolean,
  missing: (file: string) => boolean = () => false,
  strings: Map<StringExpr, InlinePolicy> = new Map(),
): DescribedPolicy[] {
  const file = node.scope.path;
  const props = property(node.body, 'properties');
  const policy: PolicyResource = { ref: { file, span: node.decl.span }, scope };
  const format = property(props, 'format');
  if (format?.kind === 'string' && format.value !== undefined) policy.format = { value: format.value, ref: { file, span: format.span } };
  else if (format) policy.formatUnread = { file, span: format.span };
  const member = propertyMember(props, 'value');
  if (member?.kind !== 'property') return [{ policy }];
  const value = { ref: { file, span: member.value.span } };
  policy.value = value;
  const loop = node.decl.value?.kind === 'for' ? node.decl.value : undefined;
  const sources = deployedTexts(member.value, node.scope, 0, loop);
  // Ways left unfollowed (past the depth limit, or the steps spent on a wide fan-out of modules) may pass a text found
  // through one deployment from others too: no text is then one deployment's.
  if (followCutShort()) for (const t of sources) delete t.via;
  const out: DescribedPolicy[] = [];
  for (const l of sources) {
    if (l.kind !== 'loaded') continue;
    const where = l.scope.path;
    const loadedFile: NonNullable<PolicyResource['value']>['loadedFile'] = { path: l.file, ref: { file: where, span: l.call.span }, pathRef: { file: where, span: l.path.span }, exists: exists(l.file) };
    if (l.transformed) loadedFile.transformed = true;
    if (!loadedFile.exists && missing(l.file)) loadedFile.missing = true;
    out.push({ policy: { ...policy, value: { ...value, loadedFile } }, via: l.via });
  }
  // The policies written in Bicep strings (here, in a variable, as a parameter's default, or in what a module's callers
  // pass): linted as policies, their findings placed in the Bicep file that writes the string. So are the paths
  // written where the text should be loaded (`var policyPath = './x.xml'`).
  for (const w of sources) {
    if (w.kind !== 'written') continue;
    const inline = inlinePolicyOf(w.string, w.scope, strings);
    if (inline) out.push({ policy: { ...policy, value: { ...value, inline } }, via: w.via });
    else if (w.string.value !== undefined && looksLikePath(w.string.value)) {
      const literal = { value: w.string.value, ref: { file: w.scope.path, span: w.string.span } };
      out.push({ policy: { ...policy, value: { ...value, literal } }, via: w.via });
    }
  }
  return out.length > 0 ? out : [{ policy }];
}

/**
 * Whether a deployment of the file may get parameter `name`'s default: nobody deploys the file with values (it is
 * deployed as it is), or a caller (a module call, a `.bicepparam` or parameters file) leaves it out, or passes values
 * that can't be read.
 */
function defaultDeployed(name: string, scope: FileScope): boolean {
  return scope.params.has(name) && (scope.callers.length === 0 || scope.callers.some((site) => !siteArg(site, name)));
}

/** The policy a Bicep string holds (undefined for a path, a URL, other text), once per string. */
function inlinePolicyOf(v: StringExpr, scope: FileScope, strings: Map<StringExpr, InlinePolicy>): InlinePolicy | undefined {
  const known = strings.get(v);
  if (known) return known;
  const source = scope.file.text;
  let inline: InlinePolicy | undefined;
  if (v.value !== undefined) {
    if (v.value.trimStart().startsWith('<')) {
      const read = stringValueOffsets(source, v.span, v.multiline);
      if (read && read.text === v.value) inline = { file: scope.path, text: read.text, offsets: read.offsets, multiline: v.multiline };
    }
  } else if (v.parts) inline = interpolatedPolicy(scope.path, source, v);
  if (inline) strings.set(v, inline);
  return inline;
}

/**
 * What a hole (`${…}`) of an interpolated policy string stands for while the policy is linted: its value is known
 * only at deployment, so findings on it are dropped (see `InlinePolicy.holes`). Inert in an attribute value.
 */
const HOLE_PLACEHOLDER = 'x';

/**
 * A policy written in an interpolated `'…'` string (`'<policies>… base-url="${backendUrl}" …'`): the text with each
 * hole as `HOLE_PLACEHOLDER`, mapped to the hole's `${…}` in the Bicep file. Undefined when it is not a policy.
 */
function interpolatedPolicy(file: string, source: string, v: StringExpr): InlinePolicy | undefined {
  const parts = v.parts ?? [];
  const first = parts[0];
  if (v.multiline || first?.kind !== 'text' || !first.value.trimStart().startsWith('<')) return undefined;
  let text = '';
  const offsets: number[] = [];
  const holes: Span[] = [];
  for (const part of parts) {
    if (part.kind === 'hole') {
      // `${` and `}` around the expression: the placeholder stands for all of it.
      holes.push({ start: text.length, end: text.length + HOLE_PLACEHOLDER.length });
      for (let i = 0; i < HOLE_PLACEHOLDER.length; i++) offsets.push(part.span.start - 2);
      text += HOLE_PLACEHOLDER;
      continue;
    }
    const read = decodeStringSegment(source, part.span.start, part.span.end);
    if (!read || read.text !== part.value) return undefined;
    text += read.text;
    offsets.push(...read.offsets);
  }
  // The end of the string: just before its closing quote.
  offsets.push(v.span.end - 1);
  return { file, text, offsets, multiline: false, holes };
}


/** A `loadTextContent('x.xml')` call a policy's value comes from. */
interface LoadedText {
  kind: 'loaded';
  call: CallExpr;
  path: StringExpr;
  /** The file the call is written in (a caller's, when the value comes through a module parameter). */
  scope: FileScope;
  /** The loaded file, resolved. */
  file: string;
  transformed: boolean;
  via?: Via;
  item?: FoundInItem;
}

/** A string a policy's value is, as it is written (a policy, a path, a URL: `inlinePolicyOf` tells). */
interface WrittenText {
  kind: 'written';
  string: StringExpr;
  /** The file the string is written in (a caller's, when the value comes through a module parameter). */
  scope: FileScope;
  via?: Via;
  item?: FoundInItem;
}

/** The item of a loop a text was found in (`env.policy`, `env` each of `environments`), until the loop's call takes it. */
interface FoundInItem extends LoopItem {
  loop: ForExpr;
}

type DeployedText = LoadedText | WrittenText;

/** A policy resource, and the call sites its text comes through, if only some deployments pass it (see `Via`). */
export interface DescribedPolicy {
  policy: PolicyResource;
  via?: Via;
}

/**
 * Where a policy's value comes from: the `loadTextContent('x.xml')` calls and the strings it may be, written there, as
 * the text a string function rewrites (`replace(loadTextContent('x.xml'), …)`: calls only, as a rewritten string is
 * not the text deployed), held by a variable, or passed by the callers of a module into the parameter used as the
 * value: each file and each string once, whichever callers pass it. Callers that pass a parameter of their own nobody
 * sets add nothing.
 */
function deployedTexts(expr: Expr, scope: FileScope, depth: number, loop = lambdaBinding(expr)): DeployedText[] {
  const { v, transformed } = textOf(expr);
  const leaf = leafText(v, scope, transformed);
  if (leaf) return leaf;
  if (depth >= MAX_FOLLOW_DEPTH) {
    followCutAtDepth();
    return [];
  }
  if (!followStep(depth)) return [];
  if (v.kind !== 'binary' || v.operator !== '??') return followedTexts(v, scope, depth, transformed, loop);
  // `p.?value ?? loadTextContent('default.xml')`: either side may be deployed, at this depth (as `literalsOf` reads
  // `??`: its sides are parts of the expression, not a step to another value).
  const sides = coalesced(v).flatMap((side) => {
    const s = textOf(side);
    const sideLeaf = leafText(s.v, scope, s.transformed);
    if (sideLeaf) return sideLeaf;
    // `a ?? replace(b ?? c, …)`: the inner chain is a step of its own.
    if (s.v.kind === 'binary' && s.v.operator === '??') return distinctTexts(deployedTexts(s.v, scope, depth + 1, loop), s.transformed);
    return followedTexts(s.v, scope, depth, s.transformed, loop);
  });
  return distinctTexts(sides, transformed);
}

/** An expression without the string functions that rewrite it (`replace(loadTextContent('x.xml'), …)`). */
function textOf(expr: Expr): { v: Expr; transformed: boolean } {
  let v = unparen(expr);
  let transformed = false;
  while (v.kind === 'call' && v.name.toLowerCase() !== 'loadtextcontent' && TEXT_FUNCTIONS.has(v.name.toLowerCase()) && v.args[0]) {
    v = unparen(v.args[0]);
    transformed = true;
  }
  return { v, transformed };
}

/**
 * What a `loadTextContent('x.xml')` call loads (nothing for a path that isn't a literal) or what a string is (nothing
 * when a string function rewrites it, or in a JSON parameters file, whose escapes, fixes and suppression comments are
 * not Bicep's); undefined for other expressions, which are followed.
 */
function leafText(v: Expr, scope: FileScope, transformed: boolean): DeployedText[] | undefined {
  if (v.kind === 'string') return transformed || isJson(scope) ? [] : [{ kind: 'written', string: v, scope }];
  if (v.kind !== 'call' || v.name.toLowerCase() !== 'loadtextcontent') return undefined;
  const arg = v.args[0];
  return arg?.kind === 'string' && arg.value !== undefined ? [{ kind: 'loaded', call: v, path: arg, scope, file: path.resolve(scope.dir, arg.value), transformed }] : [];
}

function isJson(scope: FileScope): boolean {
  return scope.path.toLowerCase().endsWith('.json');
}

/** `deployedTexts` for an expression that is neither a leaf nor `a ?? b`, once its step is counted. */
function followedTexts(v: Expr, scope: FileScope, depth: number, transformed: boolean, loop?: ForExpr): DeployedText[] {
  // `policies[name]`, or `p.value` in a loop over `items(policies)`: any file the literal holds may be deployed.
  const elements = elementsOf(v, scope, depth, loop);
  if (elements) return distinctTexts(elements.flatMap((e) => throughVia(deployedTexts(e.expr, e.scope, depth + 1), e.via, e.unread)), transformed);
  // `cond ? policy.value : fallback`: either branch may be deployed.
  if (v.kind === 'ternary') {
    const branches = [...deployedTexts(v.whenTrue, scope, depth + 1, loop), ...deployedTexts(v.whenFalse, scope, depth + 1, loop)];
    return distinctTexts(branches, transformed);
  }
  // A variable imported from another file (`import { policies } from 'store.bicep'`, `store.policies`).
  const imported = importedVariable(v, scope);
  if (imported) return distinctTexts(deployedTexts(imported.expr, imported.scope, depth + 1), transformed);
  // `value: settings.policy`: the property of the objects the target may be; in `[for item in items: …]`, `item.policy`
  // is the `policy` of each item the loop goes over.
  if (v.kind === 'member') {
    const key = v.name;
    const owners = objectsOf(v.target, scope, depth + 1, loop);
    // `env.policy` in a call looped over environments: each owner is one of the loop's items.
    const target = unparen(v.target);
    const itemLoop = loop && target.kind === 'identifier' && target.name === loop.itemName ? loop : undefined;
    const found = owners.flatMap((owner) => {
      const value = property(owner.object, key);
      if (!value) return [];
      // The object came through call sites (`apis` that dev.bicepparam sets): so does what it holds.
      const texts = throughVia(deployedTexts(value, owner.scope, depth + 1), owner.via);
      if (itemLoop) for (const t of texts) t.item = { loop: itemLoop, object: owner.object, scope: owner.scope };
      return texts;
    });
    return distinctTexts(found, transformed);
  }
  if (v.kind !== 'identifier') return [];
  const name = v.name;
  // `[for policyXml in policies: … value: policyXml]`: the loop's item is each text of what it goes over (nothing when
  // that can't be read), not a variable of that name; its index is no text.
  if (loop && name === loop.indexName) return [];
  if (loop && name === loop.itemName) return distinctTexts(itemsOf(loop.iterable, scope, depth + 1).flatMap((e) => throughVia(deployedTexts(e.expr, e.scope, depth + 1), e.via, e.unread)), transformed);
  const variable = scope.vars.get(name)?.value;
  let found: DeployedText[] = [];
  if (variable) found = deployedTexts(variable, scope, depth + 1);
  else if (scope.params.has(name)) {
    // A site whose values can't be read (`params: settings`, `{ ...common, sku: … }`) may pass the same text: then no
    // deployment is the only one that deploys it.
    const unread = scope.callers.some((site) => site.opaque && !siteArg(site, name));
    for (const site of scope.callers) {
      const arg = siteArg(site, name);
      if (!arg) continue;
      // Each text is a new object of this call's (see `distinctTexts`): the step is added in place.
      for (const t of deployedTexts(arg.expr, arg.scope, depth + 1, site.loop)) {
        // The item the text was found in, when this call is the loop over it (`[for env in environments: …]`).
        const item = site.loop && t.item?.loop === site.loop ? { object: t.item.object, scope: t.item.scope } : undefined;
        delete t.item;
        if (unread) delete t.via;
        else t.via = { scope, site, next: t.via, ...(item ? { item } : {}) };
        found.push(t);
      }
    }
    // `param policyXml string = loadTextContent('…')` (or a policy written there): where a deployment keeps the default.
    // When one call site keeps it (dev.bicepparam sets no policyXml, prod.bicepparam its own), the default goes through
    // that site, whose SKU it is deployed on; kept by several, through one of them.
    const fallback = scope.params.get(name)?.defaultValue;
    if (fallback && defaultDeployed(name, scope)) {
      const keeping = scope.callers.filter((site) => !siteArg(site, name));
      const texts = deployedTexts(fallback, scope, depth + 1);
      // Kept by several: by one of them (`also`), not by the sites that pass their own.
      const [site, ...also] = keeping;
      if (site && !unread) for (const t of texts) t.via = { scope, site, next: t.via, ...(also.length ? { also } : {}) };
      found.push(...texts);
    }
  }
  return distinctTexts(found, transformed);
}

/**
 * Texts found in what came through `via` (an object, an array's item): they came through its call sites too; through
 * none in particular when that was found where a call whose values can't be read may pass another (`unread`).
 */
function throughVia(texts: DeployedText[], via: Via | undefined, unread?: true): DeployedText[] {
  for (const t of texts) {
    if (unread) delete t.via;
    else for (let v: Via | undefined = via; v; v = v.next) t.via = { scope: v.scope, site: v.site, item: v.item, next: t.via, ...(v.also ? { also: v.also } : {}) };
  }
  return texts;
}

/**
 * Each loaded file once (rewritten when any way to it rewrites it), each string once; no string when the way to them
 * rewrites it (`replace(policyXml, …)`). A text reached several ways keeps the call sites they share (`sharedVia`).
 */
function distinctTexts(found: DeployedText[], transformed: boolean): DeployedText[] {
  const byFile = new Map<string, LoadedText>();
  const strings = new Map<StringExpr, WrittenText>();
  const out: DeployedText[] = [];
  /** The ways to each text reached more than once, its own first. */
  const ways = new Map<DeployedText, (Via | undefined)[]>();
  const another = (known: DeployedText, l: DeployedText): void => {
    const list = ways.get(known);
    if (list) list.push(l.via);
    else ways.set(known, [known.via, l.via]);
    if (known.item && known.item.object !== l.item?.object) delete known.item;
  };
  for (const l of found) {
    if (l.kind === 'written') {
      if (transformed) continue;
      const known = strings.get(l.string);
      if (known) another(known, l);
      else {
        const copy: WrittenText = { ...l };
        strings.set(l.string, copy);
        out.push(copy);
      }
      continue;
    }
    const known = byFile.get(l.file);
    if (!known) {
      const copy: LoadedText = { ...l, transformed: l.transformed || transformed };
      byFile.set(l.file, copy);
      out.push(copy);
      continue;
    }
    if (l.transformed && !known.transformed) known.transformed = true;
    another(known, l);
  }
  for (const [text, list] of ways) {
    const via = sharedVia(list);
    if (via) text.via = via;
    else delete text.via;
  }
  return out;
}

/**
 * One text reached several ways: per file every way goes through, the sites of any of them (dev.bicepparam's or
 * test.bicepparam's call of main.bicep, not prod's; at most `MAX_ALTERNATIVES`, and none when they are all the file's
 * callers); a file some way doesn't go through is left free, as is everything when one way is free.
 */
function sharedVia(list: readonly (Via | undefined)[]): Via | undefined {
  const first = list[0];
  if (!first || list.some((v) => !v)) return undefined;
  if (list.every((v) => v === first)) return first;
  let both: Via | undefined;
  for (let v: Via | undefined = first; v; v = v.next) {
    const cells: Via[] = [];
    for (const other of list) {
      let w: Via | undefined = other;
      while (w && w.scope !== v.scope) w = w.next;
      if (!w) break;
      cells.push(w);
    }
    if (cells.length < list.length) continue;
    if (cells.every((c) => c.site === v!.site && c.also === v!.also)) {
      // Through one loop call, from several items: any item.
      const item = v.item && cells.every((c) => c.item?.object === v!.item!.object) ? v.item : undefined;
      both = { scope: v.scope, site: v.site, next: both, ...(item ? { item } : {}), ...(v.also ? { also: v.also } : {}) };
      continue;
    }
    const sites = new Set<CallSite>();
    for (const c of cells) {
      sites.add(c.site);
      for (const s of c.also ?? []) sites.add(s);
    }
    // Every site that calls the file (a text passed by all of them): no constraint, as no cell.
    if (sites.size >= v.scope.callers.length || sites.size > MAX_ALTERNATIVES) continue;
    const [site, ...also] = sites;
    both = { scope: v.scope, site: site!, next: both, also };
  }
  return both;
}

/** How many call sites of one file a text may be deployed through and still be judged on theirs alone. */
const MAX_ALTERNATIVES = 32;

/** A span of an inline policy's text as a span of the Bicep file it is written in. */
export function inlineSpan(inline: InlinePolicy, span: Span): Span {
  const end = inline.offsets[inline.offsets.length - 1]!;
  return { start: inline.offsets[span.start] ?? end, end: inline.offsets[span.end] ?? end };
}
