import * as path from 'node:path';
import { ancestors, childElements, elementsNamed, sectionOf } from '../../parsers/policy/query';
import type { PolicyDocument, PolicyElement, PolicyExpression } from '../../parsers/policy/types';
import type { PolicyRuleContext } from '../types';
import { expressionsPinOrVerifyForEveryRequest } from './certificate-names';
import { identityElements, isPinned } from './identity';
import { analyzeTrust } from './trust';
import { reachedFragments } from './fragments';

export type EnclosingScope = 'API' | 'workspace' | 'global';

export interface EnclosingPolicy {
  file: string;
  doc: PolicyDocument;
  scope: EnclosingScope;
}

/**
 * The policies of the scopes enclosing a policy, whose `<inbound>` its `<base />` runs: the API policies of an
 * operation policy (as the Bicep deploys them, or `apis/<api>/policy.xml` above `operations/<op>/policy.xml` in the
 * APIOps extractor's layout), and the policy of the scope above the APIs (`policy.xml` beside `apis/`: the global
 * policy, or a workspace's under `workspaces/<ws>/`). Only the policies the workspace holds; read through `policyAt`,
 * so a change to one re-lints this one.
 */
export function enclosingScopes(ctx: PolicyRuleContext): { api: EnclosingPolicy[]; outer?: EnclosingPolicy } {
  const api: EnclosingPolicy[] = [];
  const read = (file: string, scope: EnclosingScope): EnclosingPolicy | undefined => {
    const known = api.find((p) => p.file === file);
    if (known) return known;
    const doc = ctx.policyAt(file);
    return doc && { file, doc, scope };
  };
  for (const file of ctx.model.apiPolicyFiles(ctx.file)) {
    const p = read(file, 'API');
    if (p && !api.includes(p)) api.push(p);
  }
  const parts = ctx.file.split(/[\\/]/);
  const n = parts.length;
  if (parts[n - 1]?.toLowerCase() !== 'policy.xml') return { api };
  const up = (file: string, levels: number): string => {
    let dir = file;
    for (let i = 0; i < levels; i++) dir = path.dirname(dir);
    return dir;
  };
  const operation = parts[n - 3]?.toLowerCase() === 'operations' && parts[n - 5]?.toLowerCase() === 'apis';
  const isApi = !operation && parts[n - 3]?.toLowerCase() === 'apis';
  if (!operation && !isApi) return { api };
  if (operation) {
    const p = read(path.join(up(ctx.file, 3), 'policy.xml'), 'API');
    if (p && !api.includes(p)) api.push(p);
  }
  // The folder that holds `apis/`: its policy.xml is the global policy, or a workspace's under `workspaces/<ws>/`.
  const apisParent = operation ? up(ctx.file, 5) : up(ctx.file, 3);
  const scope: EnclosingScope = path.basename(path.dirname(apisParent)).toLowerCase() === 'workspaces' ? 'workspace' : 'global';
  const outer = read(path.join(apisParent, 'policy.xml'), scope);
  return outer ? { api, outer } : { api };
}

/**
 * The enclosing policies whose inbound this policy's `<base />` would run, nearest first. A scope whose policy is
 * missing, or has `<base />` in its inbound, passes the next one up on.
 */
export function enclosingPolicies(ctx: PolicyRuleContext): EnclosingPolicy[] {
  const { api, outer } = enclosingScopes(ctx);
  if (!outer) return api;
  // An API policy without <base /> in its inbound doesn't run the policy above it.
  if (api.some((p) => !inboundBase(p.doc))) return api;
  return [...api, outer];
}

/** The `<base />` of a policy's `<inbound>`, if it has one. */
export function inboundBase(doc: PolicyDocument): PolicyElement | undefined {
  const inbound = doc.root?.name === 'policies' ? childElements(doc.root, 'inbound')[0] : undefined;
  return inbound ? childElements(inbound, 'base')[0] : undefined;
}

/** Is the element inside the policy's `<inbound>` (at any depth)? */
export function inInbound(doc: PolicyDocument, el: PolicyElement): boolean {
  const inbound = doc.root?.name === 'policies' ? childElements(doc.root, 'inbound')[0] : undefined;
  return !!inbound && (el === inbound || ancestors(el).includes(inbound));
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
 * An enclosing policy whose inbound passes `test`, when every request to this policy's `<base />` meets one: every
 * API policy the workspace deploys for it passes `test`, or passes the request on with `<base />` to a scope above that
 * does. Undefined when the workspace holds no enclosing policy, or one that doesn't.
 */
export function enclosingPassing(ctx: PolicyRuleContext, test: (doc: PolicyDocument) => boolean): EnclosingPolicy | undefined {
  const { api, outer } = enclosingScopes(ctx);
  const outerPasses = outer && test(outer.doc) ? outer : undefined;
  if (api.length === 0) return outerPasses;
  let found: EnclosingPolicy | undefined;
  for (const p of api) {
    if (test(p.doc)) found ??= p;
    else if (outerPasses && inboundBase(p.doc)) found ??= outerPasses;
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
    // In the inbound, and not in a branch that some requests skip.
    const inbound = (el: PolicyElement): boolean => inInbound(doc, el) && !inBranch(el);
    const element = elementsNamed(doc, 'validate-client-certificate').some(
      (v) => inbound(v) && (analyzeTrust(v, ctx.policy)?.validates === 'yes' || identityElements(v).some(isPinned)),
    );
    // A fragment included in the inbound, outside any branch, runs there as its own elements would.
    const fragment = reachedFragments(doc).some(
      (f) =>
        !f.conditional &&
        inbound(f.include) &&
        elementsNamed(f.doc, 'validate-client-certificate').some((v) => !inBranch(v) && (analyzeTrust(v, ctx.policy)?.validates === 'yes' || identityElements(v).some(isPinned))),
    );
    return element || fragment || expressionsPinOrVerifyForEveryRequest(doc);
  });
}

/** Is the element inside a `<when>` or `<otherwise>`, which some requests skip? */
function inBranch(el: PolicyElement): boolean {
  return ancestors(el).some((a) => a.name === 'when' || a.name === 'otherwise');
}
