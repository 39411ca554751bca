import * as path from 'node:path';
import type { Span } from '../core/text';
import { resolveModuleAlias } from '../parsers/bicep/bicepconfig';
import type { BicepFile, Expr, ForExpr, ObjectExpr, ParamDecl, ResourceDecl, TypeDecl, VarDecl } from '../parsers/bicep/types';
import { avmChildPolicyNodes, avmServiceNodes, isAvmApimChildPolicy, isAvmApimService } from './avm';

export const SERVICE_TYPE = 'microsoft.apimanagement/service';

/** A resource declaration with what its position tells: its full type and the resource it is nested in. */
export interface ResourceNode {
  decl: ResourceDecl;
  /** The object body (behind `if (…)` or `[for …: …]` when needed), if there is one. */
  body?: ObjectExpr;
  /** Lower-case type without API version; nested short types are appended to the parent's (`…/apis/operations`). */
  fullType: string;
  lexicalParent?: ResourceNode;
  scope: FileScope;
  /**
   * Set on what a registry module deploys, read from its parameters (an Azure Verified Module, see avm.ts): `module` is
   * the registry reference, `skuDefault` tells that the service's SKU is the module's default (no `sku` parameter).
   */
  registry?: { module: string; skuDefault: boolean };
}

/** An imported symbol: the file (absolute path) and the name it has there. */
export interface ImportedSymbol {
  from: string;
  name: string;
}

/**
 * A place that deploys a Bicep file with parameter values: a `module` declaration (its `params: { … }`) or a
 * `.bicepparam` file (`using './main.bicep'` and its `param name = value` lines; a JSON parameters file is read as one).
 */
export interface CallSite {
  kind: 'module' | 'using';
  /** The file the values are written in (expressions are evaluated there). */
  scope: FileScope;
  /** `module apim` / `prod.bicepparam`: for messages. */
  description: string;
  /** Parameter name → the expression passed. */
  args: Map<string, Expr>;
  /** The values can't be read (`params: settings`, a spread): every parameter may hold anything from here. */
  opaque: boolean;
  span: Span;
  /** `module m '…' = [for item in items: { params: { policyXml: item.policy } }]`: `item` in the args is each of `items`. */
  loop?: ForExpr;
  /** `module m '…' = if (deployApim) { … }`: a deployment of the caller deploys the module only when it holds. */
  condition?: Expr;
  /**
   * A `.bicepparam` file that `extends` a base file: the base's values for the parameters this file doesn't set, each
   * with the file it is written in. Set by the model each time it is built (it depends on the base file).
   */
  inherited?: Map<string, { expr: Expr; scope: FileScope }>;
}

/** The value a call site passes to parameter `name` and the file it is written in (a base `.bicepparam`'s, inherited). */
export function siteArg(site: CallSite, name: string): { expr: Expr; scope: FileScope } | undefined {
  const own = site.args.get(name);
  if (own) return { expr: own, scope: site.scope };
  return site.inherited?.get(name);
}

/** A deployment this file makes of another Bicep file: the target's absolute path and the call site. */
export interface OutgoingCall {
  target: string;
  /** A JSON parameters file's other possible templates, tried in order when `target` is not in the workspace. */
  fallbacks?: string[];
  site: CallSite;
}

/** The file a call deploys, among the workspace's files (`scopes`), if it is there. */
export function callTarget(call: OutgoingCall, scopes: ReadonlyMap<string, unknown>): string | undefined {
  if (scopes.has(call.target)) return call.target;
  return call.fallbacks?.find((f) => scopes.has(f));
}

/** The symbols of one Bicep file. */
export interface FileScope {
  path: string;
  dir: string;
  file: BicepFile;
  params: Map<string, ParamDecl>;
  vars: Map<string, VarDecl>;
  types: Map<string, TypeDecl>;
  imports: Map<string, ImportedSymbol>;
  /** `import * as alias from 'file'`: alias to absolute path. */
  wildcards: Map<string, string>;
  resources: ResourceNode[];
  bySymbol: Map<string, ResourceNode>;
  /** The modules and the `using` target this file deploys with parameter values (local `.bicep` paths only). */
  calls: OutgoingCall[];
  /** Who deploys this file with parameter values: set by the model each time it is built (it depends on other files). */
  callers: CallSite[];
  /** The workspace's files, for what this one imports (`import { v } from 'x.bicep'`): set by the model with `callers`. */
  others?: ReadonlyMap<string, FileScope>;
  /** A parameters file (`.bicepparam`, JSON parameters): its `param x = …` lines set values rather than defaults. */
  assignsParams: boolean;
  /** `extends './base.bicepparam'`: the base file (absolute path), whose values apply where this file sets none. */
  extends?: string;
  /** The `bicepconfig.json` whose aliases resolved this file's `br/alias:` modules, when one was given. */
  config?: BicepConfigRef;
  /** Whether a module names its registry by an alias (`br/avm:…`): the configuration file then matters to it. */
  usesAliases: boolean;
}

/** The configuration file that applies to a Bicep file (the nearest `bicepconfig.json` above it). */
export interface BicepConfigRef {
  path: string;
  file: BicepFile;
}

/**
 * Collects the declarations of a parsed Bicep file, flattening nested resources. `config` is the `bicepconfig.json`
 * that applies to it, whose aliases resolve its registry modules.
 */
export function buildScope(filePath: string, file: BicepFile, config?: BicepConfigRef): FileScope {
  const dir = path.dirname(filePath);
  const scope: FileScope = {
    path: filePath, dir, file, params: new Map(), vars: new Map(), types: new Map(), imports: new Map(),
    wildcards: new Map(), resources: [], bySymbol: new Map(), calls: [], callers: [],
    assignsParams: file.declarations.some((d) => d.kind === 'using'),
    usesAliases: false,
  };
  if (config) scope.config = config;
  for (const d of file.declarations) {
    switch (d.kind) {
      case 'param':
        scope.params.set(d.name, d);
        break;
      case 'var':
        scope.vars.set(d.name, d);
        break;
      case 'type':
        scope.types.set(d.name, d);
        break;
      case 'import':
        if (d.from === undefined) break;
        for (const item of d.items) scope.imports.set(item.alias ?? item.name, { from: path.resolve(dir, d.from), name: item.name });
        if (d.wildcardAlias !== undefined) scope.wildcards.set(d.wildcardAlias, path.resolve(dir, d.from));
        break;
      case 'resource':
        addResource(scope, d, undefined);
        break;
      case 'module': {
        if (d.path.startsWith('br/')) scope.usesAliases = true;
        const registryPath = resolveModuleAlias(d.path, config?.file.moduleAliases);
        if (isAvmApimService(registryPath)) {
          for (const node of avmServiceNodes(scope, d)) addNode(scope, node);
          break;
        }
        if (isAvmApimChildPolicy(registryPath)) {
          for (const node of avmChildPolicyNodes(scope, d, registryPath)) addNode(scope, node);
          break;
        }
        if (!isLocalBicep(d.path)) break;
        const params = property(resourceBody(d.value), 'params');
        const args = new Map<string, Expr>();
        let opaque = params !== undefined && params.kind !== 'object';
        if (params?.kind === 'object') {
          for (const m of params.members) {
            if (m.kind === 'property') args.set(m.key, m.value);
            else opaque = true;
          }
        }
        const site: CallSite = { kind: 'module', scope, description: `module ${d.name} in ${path.basename(filePath)}`, args, opaque, span: d.nameSpan };
        if (d.value?.kind === 'for') site.loop = d.value;
        const condition = conditionOf(d.value);
        if (condition) site.condition = condition;
        scope.calls.push({ target: path.resolve(dir, d.path), site });
        break;
      }
      case 'extends':
        if (d.path !== undefined && !d.path.includes(':')) scope.extends = path.resolve(dir, d.path);
        break;
      case 'using': {
        if (d.path === undefined || !isLocalBicep(d.path)) break;
        const site: CallSite = { kind: 'using', scope, description: path.basename(filePath), args: new Map(), opaque: d.opaque === true, span: d.pathSpan ?? d.span };
        const call: OutgoingCall = { target: path.resolve(dir, d.path), site };
        if (d.fallbacks?.length) call.fallbacks = d.fallbacks.map((f) => path.resolve(dir, f));
        scope.calls.push(call);
        break;
      }
      default:
        break;
    }
  }
  // A parameters file's values are its `param name = value` lines.
  for (const call of scope.calls) {
    if (call.site.kind !== 'using') continue;
    for (const [name, decl] of scope.params) if (decl.defaultValue) call.site.args.set(name, decl.defaultValue);
  }
  return scope;
}

/** The condition of a conditional declaration (`= if (c) {…}`, `= [for x in xs: if (c) {…}]`), if it is one. */
export function conditionOf(value: Expr | undefined): Expr | undefined {
  const v = value?.kind === 'for' ? value.body : value;
  return v?.kind === 'if' ? v.condition : undefined;
}

/** A module path the model can follow: a local `.bicep` file (not `br:`/`ts:` registries, not ARM JSON). */
function isLocalBicep(p: string): boolean {
  return !p.includes(':') && p.toLowerCase().endsWith('.bicep');
}

function addResource(scope: FileScope, decl: ResourceDecl, parent: ResourceNode | undefined): void {
  const bare = decl.resourceType.split('@')[0]!.toLowerCase();
  const fullType = parent && !bare.includes('.') ? `${parent.fullType}/${bare}` : bare;
  const node: ResourceNode = { decl, fullType, scope };
  const body = resourceBody(decl.value);
  if (body) node.body = body;
  if (parent) node.lexicalParent = parent;
  addNode(scope, node);
  for (const m of body?.members ?? []) if (m.kind === 'resource') addResource(scope, m.decl, node);
}

function addNode(scope: FileScope, node: ResourceNode): void {
  scope.resources.push(node);
  // A registry module's symbol names the service it deploys, not the policies and APIs read with it.
  if (node.decl.name && !(node.registry && node.lexicalParent)) scope.bySymbol.set(node.decl.name, node);
}

/** The object behind `= {…}`, `= if (c) {…}`, `= [for x in y: {…}]` or `= [for x in y: if (c) {…}]`. */
export function resourceBody(value: Expr | undefined): ObjectExpr | undefined {
  let v = value;
  for (let i = 0; i < 3 && v; i++) {
    if (v.kind === 'object') return v;
    v = v.kind === 'if' || v.kind === 'for' ? v.body : undefined;
  }
  return undefined;
}

/** The value of `key` in an object expression. */
export function property(obj: Expr | undefined, key: string): Expr | undefined {
  if (obj?.kind !== 'object') return undefined;
  for (const m of obj.members) if (m.kind === 'property' && m.key === key) return m.value;
  return undefined;
}

/** The `key: value` member itself (for its span). */
export function propertyMember(obj: Expr | undefined, key: string) {
  if (obj?.kind !== 'object') return undefined;
  return obj.members.find((m) => m.kind === 'property' && m.key === key);
}
