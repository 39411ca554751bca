import * as path from 'node:path';
import { childElements, elementsNamed, inBranch, sectionOf } from '../../parsers/policy/query';
import type { PolicyDocument, PolicyElement, PolicyExpression } from '../../parsers/policy/types';
import type { InlinePolicy } from '../../model/types';
import { inlinePolicyDoc } from './bicep-policies';
import { RecentCache } from '../../parsers/policy/recent';
import { holeAttributes } from '../../engine/inline-policies';
import type { PolicyRuleContext } from '../types';
import { expressionsPinOrVerifyForEveryRequest } from './certificate-names';
import { identityElements, isPinned } from './identity';
import { analyzeTrust } from './trust';
import { reachedFragments } from './fragments';
import { readBoolAttribute } from './bool-attribute';

export type EnclosingScope = 'API' | 'workspace' | 'global';

export interface EnclosingPolicy {
  /** The policy file, or the Bicep file whose string holds the policy (`inline`). */
  file: string;
  doc: PolicyDocument;
  scope: EnclosingScope;
  /** A policy written in a Bicep string: `doc` is its text, whose offsets in `file` are `inline.offsets`. */
  inline?: InlinePolicy;
}

/** One way a request reaches the policy: the scopes above it, nearest first; an empty level is a scope without a policy. */
type EnclosingPath = EnclosingPolicy[][];

/**
 * The ways a request reaches this policy, each with the policies of the scopes above it whose `<inbound>` its
 * `<base />` runs, nearest first: per deployment in the Bicep, the operation's API policies and the service's global
 * policies (loaded files, or written in Bicep strings); in the APIOps extractor's layout, `apis/<api>/policy.xml` above
 * `operations/<op>/policy.xml`, then `policy.xml` beside `apis/` (the global policy, or a workspace's under
 * `workspaces/<ws>/`, itself under the global policy). Only the policies the workspace holds; read through `policyAt`, so
 * a change to one re-lints this one.
 */
export function enclosingPaths(ctx: PolicyRuleContext): EnclosingPath[] {
  // Several rules ask in one lint of a file (the same context object): found once.
  return pathsCache.get(ctx, findEnclosingPaths);
}

/** A context's entry holds the policies above it too: it goes with any of them. */
const pathsCache = new RecentCache<PolicyRuleContext, EnclosingPath[]>(2, (ctx, paths, doc) => ctx.doc === doc || paths.some((p) => p.some((level) => level.some((e) => e.doc === doc))));

function findEnclosingPaths(ctx: PolicyRuleContext): EnclosingPath[] {
  const read = (file: string, scope: EnclosingScope): EnclosingPolicy | undefined => {
    const doc = ctx.policyAt(file);
    return doc && { file, doc, scope };
  };
  const paths: EnclosingPath[] = [];
  // A policy written in a Bicep string is known by its resources: the file name the rules see is no file.
  const own = ctx.policy.deployments;
  const inline = own.length > 0 && own.every((d) => d.value?.inline !== undefined);
  for (const deployment of ctx.model.enclosingPolicies(inline ? own : ctx.file)) {
    paths.push(
      deployment.levels.map((level) => {
        const out: EnclosingPolicy[] = [];
        for (const source of level.sources) {
          if (!source.inline) {
            const p = read(source.file, level.scope);
            if (p) out.push(p);
            continue;
          }
          // Read through policyAt too, so that editing the Bicep file re-lints this policy.
          ctx.policyAt(source.file);
          const doc = inlinePolicyDoc(source.inline);
          // A `${…}` hole in an attribute value (`base-url="${backendUrl}"`) is a value known at deployment; one
          // anywhere else may be markup, and the policy's structure is unknown.
          const holes = source.inline.holes;
          if (holes?.length && !holeAttributes(doc, holes)) continue;
          if (doc.root?.name === 'policies') out.push({ file: source.file, doc, scope: level.scope, inline: source.inline });
        }
        return out;
      }),
    );
  }
  const apiops = apiopsPath(ctx, read);
  if (apiops) paths.push(apiops);
  return paths;
}

function apiopsPath(ctx: PolicyRuleContext, read: (file: string, scope: EnclosingScope) => EnclosingPolicy | undefined): EnclosingPath | undefined {
  const parts = ctx.file.split(/[\\/]/);
  const n = parts.length;
  if (parts[n - 1]?.toLowerCase() !== 'policy.xml') return undefined;
  const up = (file: string, levels: number): string => {
    let dir = file;
    for (let i = 0; i < levels; i++) dir = path.dirname(dir);
    return dir;
  };
  const operation = parts[n - 3]?.toLowerCase() === 'operations' && parts[n - 5]?.toLowerCase() === 'apis';
  const isApi = !operation && parts[n - 3]?.toLowerCase() === 'apis';
  // `products/<product>/policy.xml`: a product's policy, under the global (or workspace) policy beside `products/`.
  const isProduct = !operation && parts[n - 3]?.toLowerCase() === 'products';
  if (!operation && !isApi && !isProduct) return undefined;
  const levels: EnclosingPath = [];
  const level = (file: string, scope: EnclosingScope): void => {
    const p = read(file, scope);
    levels.push(p ? [p] : []);
  };
  if (operation) level(path.join(up(ctx.file, 3), 'policy.xml'), 'API');
  // The folder that holds `apis/` (or `products/`): its policy.xml is the global policy, or a workspace's under
  // `workspaces/<ws>/`, whose <base /> runs the global policy of the artifacts folder above `workspaces/`.
  const apisParent = operation ? up(ctx.file, 5) : up(ctx.file, 3);
  const workspace = path.basename(path.dirname(apisParent)).toLowerCase() === 'workspaces';
  level(path.join(apisParent, 'policy.xml'), workspace ? 'workspace' : 'global');
  if (workspace) level(path.join(up(apisParent, 2), 'policy.xml'), 'global');
  return levels;
}

/**
 * The enclosing policies whose inbound this policy's `<base />` would run, nearest first, over every way a request
 * reaches it. A scope whose policy is missing, or has `<base />` in its inbound, passes the next one up on.
 */
export function enclosingPolicies(ctx: PolicyRuleContext): EnclosingPolicy[] {
  const out: EnclosingPolicy[] = [];
  for (const levels of enclosingPaths(ctx)) {
    for (const level of levels) {
      for (const p of level) if (!out.some((o) => o.file === p.file && o.doc === p.doc)) out.push(p);
      // A policy without <base /> in its inbound doesn't run the policy above it.
      if (level.some((p) => !inboundBase(p.doc))) break;
    }
  }
  return out;
}

const inboundBases = new WeakMap<PolicyDocument, PolicyElement | null>();

/**
 * The `<base />` of a policy's `<inbound>`, if it has one. Remembered per document: rules ask once per certificate use,
 * and a policy of 38,000 uses in one `<inbound>` made that quadratic (minutes, in a review).
 */
export function inboundBase(doc: PolicyDocument): PolicyElement | undefined {
  const known = inboundBases.get(doc);
  if (known !== undefined) return known ?? undefined;
  const inbound = doc.root?.name === 'policies' ? childElements(doc.root, 'inbound')[0] : undefined;
  const base = inbound ? childElements(inbound, 'base')[0] : undefined;
  inboundBases.set(doc, base ?? null);
  return base;
}

/** Is the element inside the policy's `<inbound>` (at any depth)? Its top-level ancestor, remembered: not all its ancestors per element. */
export function inInbound(doc: PolicyDocument, el: PolicyElement): boolean {
  const inbound = doc.root?.name === 'policies' ? childElements(doc.root, 'inbound')[0] : undefined;
  return !!inbound && el.topLevel === inbound;
}

/**
 * Does an expression (or an element) run after this policy's `<base />`, so after the inbound of the enclosing scopes:
 * later in `<inbound>`, or in `<backend>` / `<outbound>`? Never in `<on-error>`, which runs when a check failed.
 */
export function runsAfterBase(doc: PolicyDocument, at: PolicyExpression | PolicyElement): boolean {
  const base = inboundBase(doc);
  if (!base) return false;
  const section = sectionOf('owner' in at ? at.owner.element : at);
  return section === 'inbound' ? at.span.start >= base.span.end : section === 'backend' || section === 'outbound';
}

/**
 * An enclosing policy whose inbound passes `test`, when every request to this policy's `<base />` meets one: on every
 * way a request reaches it (each deployment), every policy of the nearest scope that has one passes `test`, or passes
 * the request on with `<base />` to a scope above that does. Undefined when the workspace holds no enclosing policy for
 * some way in, or one that doesn't.
 */
export function enclosingPassing(ctx: PolicyRuleContext, test: (doc: PolicyDocument) => boolean): EnclosingPolicy | undefined {
  const paths = enclosingPaths(ctx);
  if (paths.length === 0) return undefined;
  let found: EnclosingPolicy | undefined;
  for (const levels of paths) {
    const passing = passes(levels, 0, test);
    if (!passing) return undefined;
    found ??= passing;
  }
  return found;
}

function passes(levels: EnclosingPath, at: number, test: (doc: PolicyDocument) => boolean): EnclosingPolicy | undefined {
  if (at >= levels.length) return undefined;
  const level = levels[at]!;
  // A scope without a policy passes the request on, as <base /> would.
  if (level.length === 0) return passes(levels, at + 1, test);
  let found: EnclosingPolicy | undefined;
  let above: EnclosingPolicy | undefined | null = null;
  for (const p of level) {
    if (test(p.doc)) found ??= p;
    else if (inboundBase(p.doc) && (above === null ? (above = passes(levels, at + 1, test)) : above)) found ??= above;
    else return undefined;
  }
  return found;
}

/**
 * An enclosing policy that verifies the client certificate for every request to this one, in its inbound: a
 * `validate-client-certificate` outside any `<when>` / `<otherwise>` that validates the chain on the policy's tier or
 * pins an identity by thumbprint, or
 * C# that pins or verifies it for every request. Asked by the rules that judge a `validate-client-certificate` of
 * this policy after its `<base />`, which then adds to a check already made.
 */
export function enclosingVerification(ctx: PolicyRuleContext): EnclosingPolicy | undefined {
  return enclosingPassing(ctx, (doc) => {
    // In the inbound, and not in a branch that some requests skip; answering on failure.
    const inbound = everyRequestInInbound(doc);
    const element = elementsNamed(doc, 'validate-client-certificate').some(
      (v) => inbound(v) && rejectsOnFailure(v) && (analyzeTrust(v, ctx.policy)?.validates === 'yes' || identityElements(v).some(isPinned)),
    );
    // A fragment included in the inbound, outside any branch, runs there as its own elements would.
    const fragment = reachedFragments(doc).some(
      (f) =>
        !f.conditional &&
        inbound(f.include) &&
        elementsNamed(f.doc, 'validate-client-certificate').some((v) => !inBranch(v) && rejectsOnFailure(v) && (analyzeTrust(v, ctx.policy)?.validates === 'yes' || identityElements(v).some(isPinned))),
    );
    return element || fragment || expressionsPinOrVerifyForEveryRequest(doc, (el) => inInbound(doc, el));
  });
}

/**
 * Where a check in an enclosing policy holds for every request: in its `<inbound>` and outside any `<when>` /
 * `<otherwise>` (a `<when>` itself may be the check: its condition is met by every request that gets that far).
 */
export function everyRequestInInbound(doc: PolicyDocument): (el: PolicyElement) => boolean {
  return (el) => inInbound(doc, el) && !inBranch(el);
}

/** A validate-client-certificate that answers on failure: without `ignore-error="true"`. */
export function rejectsOnFailure(v: PolicyElement): boolean {
  const ignore = readBoolAttribute(v, 'ignore-error');
  return !(ignore.kind === 'literal' && ignore.value);
}

const answers = new WeakMap<PolicyDocument, Map<string, boolean>>();

/**
 * `test(doc)`, remembered per parsed document under `key`: an API policy is asked the same question by each of its
 * operations. Not remembered for a document that includes fragments (they are resolved again per lint).
 */
export function remembered(doc: PolicyDocument, key: string, test: (doc: PolicyDocument) => boolean): boolean {
  if (reachedFragments(doc).length > 0) return test(doc);
  let known = answers.get(doc);
  if (!known) answers.set(doc, (known = new Map()));
  let answer = known.get(key);
  if (answer === undefined) known.set(key, (answer = test(doc)));
  return answer;
}
