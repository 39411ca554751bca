import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import { isWithin, resolvePath } from '../core/paths';
import type { BicepFile, Expr, StringExpr, StringPart } from '../parsers/bicep/types';
import { SERVICE_TYPE, buildScope, callTarget, conditionOf, property, type BicepConfigRef, type CallSite, type FileScope, type ResourceNode } from './bicep-scope';
import { clientCertificateEntry } from './certificate-entries';
import { evaluate, type EvalContext } from './evaluate';
import { describePolicy, policyScopeOf, viaItems, viaSites, type Via } from './policy-resources';
import { describeExisting, describeNamedValue, describeService, nameSegments, ownNames, resourceNames, skuNameExpr, skuOrigin } from './service-info';
import { skuSetOf } from './sku-resolution';
import { UNKNOWN_SKUS, type Sku, type SkuSet } from './sku';
import { truth } from './values';
import type { CertificateEntry, EnclosingDeployment, EnclosingSource, InlinePolicy, PolicyContext, PolicyResource, SelfHostedGateway, ServiceInfo, WorkspaceModel } from './types';

/** What the model is built from. Paths are absolute; they are normalised with `path.resolve`. */
export interface ModelInput {
  bicep: ReadonlyMap<string, BicepFile>;
  /** Policy files known to the workspace (on disk or open in an editor). */
  policyFiles: Iterable<string>;
  /** Does a file exist on disk? (Asked for `loadTextContent` targets that are not known policy files.) */
  fileExists(path: string): boolean;
  /** Was the file looked for on disk and not found? (A `loadTextContent` target: Bicep can't build the template.) */
  fileMissing?(path: string): boolean;
}

/**
 * A file's scope depends only on its path and parse: kept per parsed file, so rebuilding the model after one
 * Bicep edit redoes that file's scope and the linking, not every file's.
 */
const scopeCache = new WeakMap<BicepFile, FileScope>();
function cachedScope(abs: string, file: BicepFile, config: BicepConfigRef | undefined): FileScope {
  const cached = scopeCache.get(file);
  if (cached && cached.path === abs && cached.config?.file === config?.file) return cached;
  const scope = buildScope(abs, file, config);
  scopeCache.set(file, scope);
  return scope;
}

/** How many base files (`extends`) a parameters file's values are looked for in. */
const MAX_EXTENDS_DEPTH = 32;

/**
 * `extends './base.bicepparam'`: the values a `.bicepparam` file's base files (a chain of them, nearest first) give the
 * parameters it doesn't set itself. A value set in the base is overridden whole, as Bicep does; a cycle stops the chain.
 */
function setInherited(site: CallSite, scopes: ReadonlyMap<string, FileScope>): void {
  const inherited = new Map<string, { expr: Expr; scope: FileScope }>();
  const seen = new Set<string>([site.scope.path]);
  // Real chains are two or three files deep; a generated one thousands deep, each file deploying, would be quadratic.
  for (let base = site.scope.extends; base !== undefined && !seen.has(base) && seen.size <= MAX_EXTENDS_DEPTH; ) {
    seen.add(base);
    const scope = scopes.get(base);
    if (!scope) break;
    for (const [name, decl] of scope.params) {
      if (decl.defaultValue && !site.args.has(name) && !inherited.has(name)) inherited.set(name, { expr: decl.defaultValue, scope });
    }
    base = scope.extends;
  }
  if (inherited.size > 0) site.inherited = inherited;
  else delete site.inherited;
}

/**
 * Among services near an `existing` one whose name is a parameter (`name: apimName`), the only one whose own name is a
 * parameter of the same name in its file, if exactly one is.
 */
function sameNameParameter<D extends { node: ResourceNode }>(node: ResourceNode, candidates: ReadonlySet<D>): { def: D; param: string } | undefined {
  const param = nameParameter(node);
  if (param === undefined) return undefined;
  const matching = [...candidates].filter((d) => nameParameter(d.node) === param);
  return matching.length === 1 ? { def: matching[0]!, param } : undefined;
}

/** The existing services that ask for the same names from the same folder, and what they are matched with. */
interface ExistingGroup {
  /** The group's node in the dependency graph (not a file: `GROUP_PREFIX` and the names and folder). */
  key: string;
  /** The definitions nearest to the folder. */
  unique: Set<ServiceDefinition>;
  /** `sameNameParameter`'s answer per name parameter of an existing service (undefined: named otherwise). */
  byParameter: Map<string | undefined, { def: ServiceDefinition; param: string } | undefined>;
  /** The union of the candidates' SKUs when it applies (null: it doesn't), once worked out. */
  union?: SkuSet | null;
  /** Whether the group's edges to its candidates are made. */
  linked?: boolean;
}

/** A service resource the workspace defines, with what it says. */
type ServiceDefinition = { node: ResourceNode; info: ServiceInfo };

/** How a group's node is told from a file in the dependency graph (no path starts with a NUL). */
const GROUP_PREFIX = '\u0000existing:';

/** `sameNameParameter` for an existing service of the group, once per name parameter. */
function sameNameParameterIn(group: ExistingGroup, node: ResourceNode): { def: ServiceDefinition; param: string } | undefined {
  const param = nameParameter(node);
  if (!group.byParameter.has(param)) group.byParameter.set(param, sameNameParameter(node, group.unique));
  return group.byParameter.get(param);
}

/** `name: p` where `p` is a parameter of the resource's file: `p`. */
function nameParameter(node: ResourceNode): string | undefined {
  const name = property(node.body, 'name');
  return name?.kind === 'identifier' && node.scope.params.has(name.name) ? name.name : undefined;
}

/** The `bicepconfig.json` files of the workspace by folder; each applies to the Bicep files under it, nearest first. */
function configFinder(bicep: ReadonlyMap<string, BicepFile>): (file: string) => BicepConfigRef | undefined {
  const byDir = new Map<string, BicepConfigRef>();
  for (const [p, f] of bicep) if (f.moduleAliases) byDir.set(path.dirname(resolvePath(p)), { path: resolvePath(p), file: f });
  if (byDir.size === 0) return () => undefined;
  return (file) => {
    for (let dir = path.dirname(file); ; ) {
      const found = byDir.get(dir);
      if (found) return found;
      const parent = path.dirname(dir);
      if (parent === dir) return undefined;
      dir = parent;
    }
  };
}

const CERTIFICATES_TYPE = 'microsoft.apimanagement/service/certificates';
const NAMED_VALUES_TYPE = 'microsoft.apimanagement/service/namedvalues';
const APIS_TYPE = 'microsoft.apimanagement/service/apis';
const GATEWAYS_TYPE = 'microsoft.apimanagement/service/gateways';
const GATEWAY_APIS_TYPE = 'microsoft.apimanagement/service/gateways/apis';
const GATEWAY_CAS_TYPE = 'microsoft.apimanagement/service/gateways/certificateauthorities';

/**
 * Relates the workspace's files. One pass per file and per resource, maps everywhere: linear in the input.
 * An `existing` service resolves to a defining service: among those whose name matches its name (literal or parameter
 * default), or among all of them when its name can't be evaluated, the ones nearest the `existing` declaration
 * (`nearestByDirectory`: its own folder, then below it, then the same one level up, and so on). When one remains, it is
 * that service; when several remain, it is one of them: its SKUs are theirs together when its name matched theirs, or
 * when they all tell the same; the rest of it stays unknown.
 */
export function buildModel(input: ModelInput): WorkspaceModel {
  const scopes = new Map<string, FileScope>();
  const configOf = configFinder(input.bicep);
  for (const [p, f] of input.bicep) {
    const abs = resolvePath(p);
    scopes.set(abs, cachedScope(abs, f, f.moduleAliases ? undefined : configOf(abs)));
  }
  // Who deploys each file with parameter values (modules, .bicepparam): evaluation reads a parameter's values there.
  for (const scope of scopes.values()) {
    scope.callers = [];
    scope.others = scopes;
  }
  for (const scope of scopes.values()) {
    for (const call of scope.calls) {
      const target = callTarget(call, scopes);
      if (target) scopes.get(target)!.callers.push(call.site);
      if (call.site.kind === 'using') setInherited(call.site, scopes);
    }
  }
  const knownPolicies = new Set<string>();
  for (const p of input.policyFiles) knownPolicies.add(resolvePath(p));
  const exists = (p: string): boolean => knownPolicies.has(p) || input.fileExists(p);
  const missing = (p: string): boolean => input.fileMissing?.(p) ?? false;

  const services = new Map<ResourceNode, ServiceInfo>();
  const definitionNodes = new Map<ServiceInfo, ResourceNode>();
  const servicesByFile = new Map<string, ServiceInfo[]>();
  const definitionsByName = new Map<string, ServiceDefinition[]>();
  const definitions: ServiceDefinition[] = [];
  const existingNodes: ResourceNode[] = [];
  const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };

  for (const scope of scopes.values()) {
    for (const node of scope.resources) {
      if (node.fullType !== SERVICE_TYPE) continue;
      if (node.decl.existing) {
        existingNodes.push(node);
        continue;
      }
      const def = { node, info: describeService(node, scopes) };
      definitions.push(def);
      services.set(node, def.info);
      definitionNodes.set(def.info, node);
      push(servicesByFile, scope.path, def.info);
      for (const n of resourceNames(node, scopes)) push(definitionsByName, n.toLowerCase(), def);
    }
  }

  const deps = new Map<string, Set<string>>();
  const rdeps = new Map<string, Set<string>>();
  const edge = (from: string, to: string): void => {
    if (from === to) return;
    const d = deps.get(from) ?? new Set<string>();
    d.add(to);
    deps.set(from, d);
    const r = rdeps.get(to) ?? new Set<string>();
    r.add(from);
    rdeps.set(to, r);
  };

  // Existing services asking for the same names from the same folder are matched alike: what they are matched with is
  // found once per such group, and a group of several candidates is one node of the dependency graph, so that E existing
  // services among D definitions make E + D edges, not E × D (4,000 of each: 110 s and 1.5 GB).
  const groups = new Map<string, ExistingGroup>();
  for (const node of existingNodes) {
    const names = resourceNames(node, scopes);
    const key = `${names.map((n) => n.toLowerCase()).join('\u0000')}\u0001${path.dirname(node.scope.path)}`;
    let group = groups.get(key);
    if (!group) {
      const candidates = names.length > 0 ? names.flatMap((n) => definitionsByName.get(n.toLowerCase()) ?? []) : definitions;
      group = { key: `${GROUP_PREFIX}${key}`, unique: nearestByDirectory(new Set(candidates), node.scope.path), byParameter: new Map() };
      groups.set(key, group);
    }
    const unique = group.unique;
    // Several near it, its name a parameter: the one whose own name is a parameter of the same name (two templates
    // deployed apart, `name: apiManagementServiceClientName` in both: a public sample's layout).
    const sameParam = names.length === 0 && unique.size > 1 ? sameNameParameterIn(group, node) : undefined;
    const def = unique.size === 1 ? [...unique][0] : sameParam?.def;
    const info = describeExisting(node, def?.info);
    // A name that can't be read (a parameter: the real projects' layout, facts §5), matched to the one service near
    // it: `tier` and hovers say where that link was made.
    if (def && names.length === 0) {
      const why = sameParam ? `both are named by a parameter called ${sameParam.param}` : 'the only one near it';
      const taken = { file: node.scope.path, span: node.decl.span, message: `existing service '${node.decl.name}': its name can't be read here, so it is taken to be the service defined in ${path.basename(def.node.scope.path)} (${why})` };
      info.skus = { ...def.info.skus, links: [taken, ...(def.info.skus.links ?? [])] };
    }
    // Still several. Named alike (two modules that define a service of that name, one deployed at a time): it is one
    // of them, so its SKU is among theirs. Named by what can't be read: it may be any service, so only when they all
    // tell the same tier. The rest of what they say (client certificates, CA certificates) stays unknown.
    if (!def && unique.size > 1) {
      if (group.union === undefined) {
        const sets = [...unique].map((d) => d.info.skus);
        group.union = names.length > 0 || sets.every((s) => !s.unknown && sameSkus(s, sets[0]!)) ? unionOfSkus(sets) : null;
      }
      if (group.union) info.skus = group.union;
    }
    services.set(node, info);
    push(servicesByFile, node.scope.path, info);
    if (def) edge(node.scope.path, def.node.scope.path);
    else if (unique.size === 1) for (const d of unique) edge(node.scope.path, d.node.scope.path);
    else if (unique.size > 1) {
      if (!group.linked) {
        for (const d of unique) edge(group.key, d.node.scope.path);
        group.linked = true;
      }
      edge(node.scope.path, group.key);
    }
  }

  const namedServices = new ServiceNames(definitionsByName, definitions);

  /**
   * The one service definition an `existing` service's name picks from some deployments' call sites (two modules
   * given `internal.name` and `external.name`), the nearest by folder as `existing` services are matched; undefined
   * when the name can't be read there or picks several.
   */
  const namedBy = (node: ResourceNode, sites: EvalContext['onlySites']): { node: ResourceNode; link: RelatedInfo } | undefined => {
    const names = resourceNames(node, scopes, sites);
    if (names.length === 0) return undefined;
    const near = nearestByDirectory(new Set(names.flatMap((n) => definitionsByName.get(n.toLowerCase()) ?? [])), node.scope.path);
    const def = near.size === 1 ? [...near][0]! : undefined;
    if (!def) return undefined;
    const message = `existing service '${node.decl.name}': named '${names[0]}' by the deployments that pass this policy, the service defined in ${path.basename(def.node.scope.path)}`;
    return { node: def.node, link: { file: node.scope.path, span: node.decl.span, message } };
  };

  /**
   * The SKUs of the service a text some deployments pass (`dev.bicepparam`'s policyXml) is deployed to, read from those
   * deployments' call sites: the service's, or (an `existing` service the callers name, `serviceName: internal.name`)
   * the one they name. Undefined when those deployments may not make the service (`= if (createApim)`: then another
   * deployment's SKU) or don't tell which it is.
   */
  const deploymentSkus = (service: ServiceInfo, serviceNode: ResourceNode | undefined, via: Via): SkuSet | undefined => {
    const sites = viaSites(via);
    const defined = definitionNodes.get(service.definition ?? service);
    const named = !defined && service.existing && serviceNode ? namedBy(serviceNode, sites) : undefined;
    const ownerNode = defined ?? named?.node;
    if (!ownerNode || !deploysService(ownerNode, sites, scopes)) return undefined;
    const skus = skuSetOf(skuNameExpr(ownerNode.body), ownerNode.scope, scopes, skuOrigin(ownerNode), sites, viaItems(via));
    // An `existing` service's link to its definition is still where the tier came from.
    const links = named ? [named.link] : service.skus.links;
    return links ? { ...skus, links } : skus;
  };

  const policiesByFile = new Map<string, PolicyResource[]>();
  const loadsByFile = new Map<string, PolicyResource[]>();
  const deployments = new Map<string, PolicyResource[]>();
  const certificatesByFile = new Map<string, CertificateEntry[]>();
  const gatewayNodes: ResourceNode[] = [];
  /** API and operation policies with their resource, whose API is named only when a self-hosted gateway needs it. */
  const apiPolicies: [PolicyResource, ResourceNode][] = [];
  const fragmentNodes: [PolicyResource, ResourceNode][] = [];
  const servicePolicies: PolicyResource[] = [];
  const gatewayChildren: ResourceNode[] = [];
  /** The policies written in Bicep strings, by string: one held by a variable that two resources deploy is one policy. */
  const inlineStrings = new Map<StringExpr, InlinePolicy>();
  /** The resources deploying those policies, by the file each string is written in. */
  const inlinesByFile = new Map<string, PolicyResource[]>();

  for (const scope of scopes.values()) {
    for (const target of [...[...scope.imports.values()].map((i) => i.from), ...scope.wildcards.values()]) {
      if (scopes.has(target)) edge(scope.path, target);
    }
    // Its aliases say which registry modules are APIM services: editing the configuration re-lints the file.
    if (scope.usesAliases && scope.config) edge(scope.path, scope.config.path);
    // A parameters file's values come from its base file too (`extends`).
    if (scope.extends && scopes.has(scope.extends)) edge(scope.path, scope.extends);
    // A deployed file's parameters come from the file that deploys it.
    for (const call of scope.calls) {
      const target = callTarget(call, scopes);
      if (target) edge(target, scope.path);
    }
    for (const info of servicesByFile.get(scope.path) ?? []) {
      for (const e of info.caCertificates?.entries ?? []) push(certificatesByFile, scope.path, e);
    }
    for (const node of scope.resources) {
      if (node.fullType === CERTIFICATES_TYPE) {
        const entry = clientCertificateEntry(node);
        push(certificatesByFile, scope.path, entry);
        // Kept on the defining service: what issuer-certificate-id names (by id) and `context.Deployment.Certificates`
        // holds (by thumbprint).
        const serviceNode = serviceNodeOf(node, namedServices, scopes);
        const info = serviceNode && services.get(serviceNode);
        const owner = info?.definition ?? info;
        if (owner) {
          const uploaded = (owner.uploadedCertificates ??= { ids: [], complete: true });
          const names = node.decl.value?.kind === 'for' ? [] : ownNames(node, scopes);
          if (names.length !== 1) uploaded.complete = false;
          for (const id of names) uploaded.ids.push({ id, ref: { file: scope.path, span: node.decl.span }, entry });
          // The service's policies read the list: editing this file re-lints them.
          edge(owner.ref.file, scope.path);
        }
      }
      if (node.fullType === NAMED_VALUES_TYPE) {
        // Kept on the defining service: policies deployed through `existing` references look it up there.
        const serviceNode = serviceNodeOf(node, namedServices, scopes);
        const info = serviceNode && services.get(serviceNode);
        const owner = info?.definition ?? info;
        const ownerNode = owner && definitionNodes.get(owner);
        const nv = owner && ownerNode && describeNamedValue(node, ownerNode, owner, scopes);
        if (owner && nv && ownerNode) {
          (owner.namedValues ??= new Map()).set(nv.displayName.toLowerCase(), nv);
          // The service's policies read it: editing this file re-lints them.
          edge(ownerNode.scope.path, scope.path);
        }
        continue;
      }
      if (node.fullType === GATEWAYS_TYPE) gatewayNodes.push(node);
      if (node.fullType === GATEWAY_APIS_TYPE || node.fullType === GATEWAY_CAS_TYPE) gatewayChildren.push(node);
      const policyScope = policyScopeOf(node.fullType);
      if (!policyScope) continue;
      const serviceNode = serviceNodeOf(node, namedServices, scopes);
      const service = serviceNode && services.get(serviceNode);
      for (const { policy, via } of describePolicy(node, policyScope, exists, missing, inlineStrings)) {
        if (service) {
          policy.service = service;
          const skus = via && deploymentSkus(service, serviceNode, via);
          if (skus) policy.skus = skus;
        }
        if (policyScope === 'fragment') fragmentNodes.push([policy, node]);
        if (policyScope === 'api' || policyScope === 'operation') apiPolicies.push([policy, node]);
        if (policyScope === 'service') servicePolicies.push(policy);
        push(policiesByFile, scope.path, policy);
        const loadedFile = policy.value?.loadedFile;
        if (loadedFile) {
          push(deployments, loadedFile.path, policy);
          push(loadsByFile, loadedFile.ref.file, policy);
          edge(loadedFile.path, scope.path);
          // The file that writes the call (a module's caller) is told when the file appears or goes.
          edge(loadedFile.path, loadedFile.ref.file);
        }
        // A string a caller passes is linted in the caller's file, for what this resource makes of it.
        const inline = policy.value?.inline;
        if (inline) {
          push(inlinesByFile, inline.file, policy);
          if (inline.file !== scope.path) edge(inline.file, scope.path);
        }
        // A path written where the text belongs (`var policyPath = './x.xml'`, a caller's argument): told where written.
        const literal = policy.value?.literal;
        if (literal) {
          push(loadsByFile, literal.ref.file, policy);
          edge(literal.ref.file, scope.path);
        }
      }
    }
  }

  // Fragments by id (their resource names), for `<include-fragment fragment-id="…">`: few, named when asked.
  let fragmentsById: Map<string, string[]> | undefined;
  let inlineFragmentsById: Map<string, { file: string; inline: InlinePolicy }[]> | undefined;
  const indexFragments = (): void => {
    fragmentsById = new Map();
    inlineFragmentsById = new Map();
    for (const [policy, node] of fragmentNodes) {
      const file = policy.value?.loadedFile?.path;
      const inline = policy.value?.inline;
      if (!file && !inline) continue;
      const names = ownNames(node, scopes);
      // `name: '${serviceName}/cert-check'` with a service name that can't be read: the id is still the last segment.
      if (names.length === 0) names.push(...lastNameSegment(property(node.body, 'name')));
      for (const name of names) {
        if (file) push(fragmentsById, name.toLowerCase(), file);
        else if (inline && !inline.holes?.length) push(inlineFragmentsById, name.toLowerCase(), { file: inline.file, inline });
      }
    }
  };
  const fragmentFiles = (id: string): string[] => {
    if (!fragmentsById) indexFragments();
    return fragmentsById!.get(id.toLowerCase()) ?? [];
  };
  const inlineFragments = (id: string): { file: string; inline: InlinePolicy }[] => {
    if (!inlineFragmentsById) indexFragments();
    return inlineFragmentsById!.get(id.toLowerCase()) ?? [];
  };

  // The policies whose inbound a policy's `<base />` runs (an operation's API policies, then its service's global
  // policies), per deployment. APIs are matched by service and name, so an API declared `existing` in another file (the
  // operations' own template) is the one defined there; by name alone when the operation's service can't be told (both
  // templates name it by a parameter), or with an API policy whose service can't be told. Found when first asked (most
  // runs never ask).
  // An operation's own API keys are evaluated only when asked, and only when some API policy exists: naming every
  // operation's API while building the index made the heap grow at once (a bimodal peak RSS, as the gateway names did).
  type Enclosing = { byApi: Map<string, EnclosingSource[]>; byName: Map<string, EnclosingSource[]>; unknownServiceByName: Map<string, EnclosingSource[]>; byService: Map<string, EnclosingSource[]>; nodeOf: Map<PolicyResource, ResourceNode>; keysOf: Map<PolicyResource, string[]> };
  let enclosingIndex: Enclosing | undefined;
  const serviceId = (info: ServiceInfo | undefined): string => {
    const service = info ? (info.definition ?? (info.existing ? undefined : info)) : undefined;
    return service ? String(definitions.findIndex((d) => d.info === service)) : '*';
  };
  const apiKeys = (api: ResourceNode): string[] => {
    const serviceNode = ancestorOfType(api, SERVICE_TYPE, namedServices, scopes);
    const id = serviceId(serviceNode && services.get(serviceNode));
    return ownNames(api, scopes).map((n) => `${id}|${n.toLowerCase()}`);
  };
  // `name: '${apimName}/orders/policy'` (or `…/orders/get/policy`) with no `parent:`: the API is the path's second segment.
  const pathApiKeys = (node: ResourceNode): string[] => {
    const segments = nameSegments(node, scopes);
    if (!segments || segments.length < 3) return [];
    const serviceNode = serviceNodeOf(node, namedServices, scopes);
    const id = serviceId(serviceNode && services.get(serviceNode));
    return segments[1]!.map((n) => `${id}|${n.toLowerCase()}`);
  };
  const sourceOf = (policy: PolicyResource): EnclosingSource | undefined => {
    const file = policy.value?.loadedFile?.path;
    if (file) return { file };
    const inline = policy.value?.inline;
    // With holes (`${…}`): the reader keeps it when every hole is in an attribute value (known at deployment).
    return inline ? { file: inline.file, inline } : undefined;
  };
  const buildEnclosing = (): Enclosing => {
    const index: Enclosing = { byApi: new Map(), byName: new Map(), unknownServiceByName: new Map(), byService: new Map(), nodeOf: new Map(), keysOf: new Map() };
    for (const [policy, node] of apiPolicies) {
      index.nodeOf.set(policy, node);
      const source = policy.scope === 'api' ? sourceOf(policy) : undefined;
      if (!source) continue;
      const api = parentOf(node, namedServices, scopes);
      const keys = api?.fullType === APIS_TYPE ? apiKeys(api) : pathApiKeys(node);
      for (const key of keys) {
        const name = key.slice(key.indexOf('|') + 1);
        push(index.byApi, key, source);
        push(index.byName, name, source);
        if (key.startsWith('*|')) push(index.unknownServiceByName, name, source);
      }
    }
    for (const policy of servicePolicies) {
      const source = sourceOf(policy);
      const id = serviceId(policy.service);
      if (source && id !== '*') push(index.byService, id, source);
    }
    return index;
  };
  const operationKeys = (index: Enclosing, policy: PolicyResource): string[] => {
    let keys = index.keysOf.get(policy);
    if (!keys) {
      const node = index.nodeOf.get(policy);
      const api = node && ancestorOfType(node, APIS_TYPE, namedServices, scopes);
      keys = api && api.fullType === APIS_TYPE ? apiKeys(api) : node ? pathApiKeys(node) : [];
      index.keysOf.set(policy, keys);
    }
    return keys;
  };
  const enclosingPolicies = (policy: string | readonly PolicyResource[]): EnclosingDeployment[] => {
    const index = (enclosingIndex ??= buildEnclosing());
    const out: EnclosingDeployment[] = [];
    for (const p of typeof policy === 'string' ? (deployments.get(resolvePath(policy)) ?? []) : policy) {
      const id = serviceId(p.service);
      const global = { scope: 'global' as const, sources: id === '*' ? [] : (index.byService.get(id) ?? []) };
      // An API's or a product's policy: the global one above it (a product's <base /> runs the global policy).
      if (p.scope === 'api' || p.scope === 'product') {
        out.push({ levels: [global] });
        continue;
      }
      if (p.scope !== 'operation') continue;
      // A set, not api.includes: 1,000 policies of one API above each of 1,000 operations were a billion comparisons.
      const api = new Set<EnclosingSource>();
      for (const key of index.byName.size > 0 ? operationKeys(index, p) : []) {
        const name = key.slice(key.indexOf('|') + 1);
        // A known service: its API of that name, or one whose service can't be told; else any API of that name.
        const found = key.startsWith('*|') ? index.byName.get(name) : (index.byApi.get(key) ?? index.unknownServiceByName.get(name));
        for (const f of found ?? []) api.add(f);
      }
      out.push({ levels: [{ scope: 'API', sources: [...api] }, global] });
    }
    return out;
  };

  // Which API a policy belongs to matters only to self-hosted gateways (the APIs they serve): evaluating every API's name
  // through its callers costs allocations a workspace without gateways shouldn't pay.
  if (gatewayNodes.length > 0) {
    for (const [policy, node] of apiPolicies) {
      const api = ancestorOfType(node, APIS_TYPE, namedServices, scopes);
      if (api) policy.apiNames = ownNames(api, scopes).map((n) => n.toLowerCase());
      // A policy named by its path ('service/api/policy', 'service/api/operation/policy'): the API is the second segment.
      else if (!node.lexicalParent && !property(node.body, 'parent')) {
        const paths = resourceNames(node, scopes).map((n) => n.split('/'));
        if (paths.length > 0 && paths.every((p) => p.length >= 3)) policy.apiNames = paths.map((p) => p[1]!.toLowerCase());
      }
    }
  }
  const gatewaysByFile = new Map<string, SelfHostedGateway[]>();
  const gateways = new Map<ResourceNode, SelfHostedGateway>();
  /** The gateways of each service node by name: what a child named by its path ('service/gateway/api') belongs to. */
  const gatewaysByService = new Map<ResourceNode, Map<string, SelfHostedGateway>>();
  // The files holding the policies deployed to each service (what a gateway's findings read), built on first need.
  let policyFilesByService: Map<ServiceInfo, Set<string>> | undefined;
  const linked = new Map<ServiceInfo, Set<string>>();
  for (const node of gatewayNodes) {
    const serviceNode = serviceNodeOf(node, namedServices, scopes);
    const info = serviceNode && services.get(serviceNode);
    const owner = info?.definition ?? info;
    if (!owner || !serviceNode) continue;
    const gateway: SelfHostedGateway = { ref: { file: node.scope.path, span: node.decl.span }, service: owner, apis: new Set(), unknownApis: false, certificateAuthorities: [] };
    const name = ownNames(node, scopes);
    if (name.length === 1) gateway.name = name[0];
    gateways.set(node, gateway);
    if (name.length === 1) {
      const byName = gatewaysByService.get(serviceNode) ?? new Map<string, SelfHostedGateway>();
      byName.set(name[0]!.toLowerCase(), gateway);
      gatewaysByService.set(serviceNode, byName);
    }
    push(gatewaysByFile, node.scope.path, gateway);
    // Its findings read the service (CA certificates) and the policies deployed to it: once per file and service.
    const done = linked.get(owner) ?? new Set<string>();
    linked.set(owner, done);
    if (done.has(node.scope.path)) continue;
    done.add(node.scope.path);
    edge(node.scope.path, owner.ref.file);
    policyFilesByService ??= policyFilesOf(policiesByFile);
    for (const file of policyFilesByService.get(owner) ?? []) edge(node.scope.path, file);
  }
  for (const node of gatewayChildren) {
    const parent = parentOf(node, namedServices, scopes);
    const gateway = parent && (gateways.get(parent) ?? byNamePath(node, parent));
    if (!gateway) continue;
    edge(gateway.ref.file, node.scope.path);
    if (node.fullType === GATEWAY_CAS_TYPE) {
      gateway.certificateAuthorities.push({ file: node.scope.path, span: node.decl.span });
      continue;
    }
    const names = ownNames(node, scopes);
    if (names.length === 0) gateway.unknownApis = true;
    for (const n of names) gateway.apis.add(n.toLowerCase());
  }

  /** The gateway a child named 'service/gateway/…' belongs to, when its parent resolved to the service by the first segment. */
  function byNamePath(node: ResourceNode, parent: ResourceNode): SelfHostedGateway | undefined {
    if (parent.fullType !== SERVICE_TYPE) return undefined;
    const segment = nameSegments(node, scopes)?.[1] ?? [];
    const gatewayName = segment.length === 1 ? segment[0]!.toLowerCase() : undefined;
    return gatewayName ? gatewaysByService.get(parent)?.get(gatewayName) : undefined;
  }


  /** A policy's context from the resources that deploy it: their services' SKUs together. */
  const contextOf = (list: PolicyResource[]): PolicyContext =>
    list.length === 0 ? { deployments: [], skus: UNKNOWN_SKUS } : { deployments: list, skus: unionSkus(list.map((p) => p.skus ?? p.service?.skus ?? UNKNOWN_SKUS)) };
  const inlineByFile = new Map<string, { inline: InlinePolicy; context: PolicyContext }[]>();

  return {
    policyContext: (policyFile) => contextOf(deployments.get(resolvePath(policyFile)) ?? []),
    servicesIn: (f) => servicesByFile.get(resolvePath(f)) ?? [],
    policyResourcesIn: (f) => policiesByFile.get(resolvePath(f)) ?? [],
    inlinePoliciesIn(bicepFile: string) {
      const file = resolvePath(bicepFile);
      let found = inlineByFile.get(file);
      if (!found) {
        const byString = new Map<InlinePolicy, PolicyResource[]>();
        for (const p of inlinesByFile.get(file) ?? []) push(byString, p.value!.inline!, p);
        found = [...byString].map(([inline, list]) => ({ inline, context: contextOf(list) }));
        inlineByFile.set(file, found);
      }
      return found;
    },
    policyLoadsIn: (f) => loadsByFile.get(resolvePath(f)) ?? [],
    fragmentFiles,
    inlineFragments,
    enclosingPolicies,
    certificateEntriesIn: (f) => certificatesByFile.get(resolvePath(f)) ?? [],
    selfHostedGatewaysIn: (f) => gatewaysByFile.get(resolvePath(f)) ?? [],
    dependents(file: string): string[] {
      const start = resolvePath(file);
      // A group of existing services' candidates is a node of the graph, not a file: what it links is.
      const out = new Set<string>();
      for (const d of deps.get(start) ?? []) {
        if (d.startsWith(GROUP_PREFIX)) for (const g of deps.get(d) ?? []) out.add(g);
        else out.add(d);
      }
      const queue = [start];
      const seen = new Set(queue);
      for (let i = 0; i < queue.length; i++) {
        for (const r of rdeps.get(queue[i]!) ?? []) {
          if (seen.has(r)) continue;
          seen.add(r);
          if (!r.startsWith(GROUP_PREFIX)) out.add(r);
          queue.push(r);
        }
      }
      out.delete(start);
      return [...out];
    },
  };
}

/** The resource `a::b::c` names: `c`, declared inside `b` inside `a` (undefined when the path doesn't hold). */
function nestedResource(expr: Expr, scope: FileScope): ResourceNode | undefined {
  if (expr.kind === 'identifier') return scope.bySymbol.get(expr.name);
  if (expr.kind !== 'nested') return undefined;
  const outer = nestedResource(expr.target, scope);
  return outer && nestedByName(scope).get(outer)?.get(expr.name);
}

/**
 * The resources declared inside another, by that resource and their symbolic name, per file (once: each `parent:
 * apim::api` looked through all the file's resources again, and is asked for on every question about its parent).
 */
function nestedByName(scope: FileScope): Map<ResourceNode, Map<string, ResourceNode>> {
  let byParent = nestedIndex.get(scope);
  if (!byParent) {
    byParent = new Map();
    for (const r of scope.resources) {
      if (!r.lexicalParent) continue;
      let named = byParent.get(r.lexicalParent);
      if (!named) byParent.set(r.lexicalParent, (named = new Map()));
      // The first of a name, as `find` took it.
      if (!named.has(r.decl.name)) named.set(r.decl.name, r);
    }
    nestedIndex.set(scope, byParent);
  }
  return byParent;
}

const nestedIndex = new WeakMap<FileScope, Map<ResourceNode, Map<string, ResourceNode>>>();

/** The literal text after the last `/` of an interpolated name (`'${svc}/cert-check'` → cert-check), if any. */
function lastNameSegment(name: Expr | undefined): string[] {
  if (name?.kind !== 'string' || !name.parts) return [];
  const last = name.parts[name.parts.length - 1];
  if (last?.kind !== 'text' || !last.value.includes('/')) return [];
  const segment = last.value.slice(last.value.lastIndexOf('/') + 1);
  return segment ? [segment] : [];
}

/** The union of several SKU sets (the services a policy is deployed to). */
function unionSkus(sets: SkuSet[]): SkuSet {
  const values = new Set<Sku>();
  let unknown = false;
  const origins = [];
  const links: RelatedInfo[] = [];
  for (const s of sets) {
    for (const v of s.values) values.add(v);
    unknown ||= s.unknown;
    origins.push(...s.origins);
    // A policy deployed several times to one service would list the same link once per deployment.
    for (const l of s.links ?? []) if (!links.some((x) => x.file === l.file && x.span.start === l.span.start)) links.push(l);
  }
  return links.length > 0 ? { values, unknown, origins, links } : { values, unknown, origins };
}

/**
 * The resource a child hangs from: lexical nesting, `parent:`, or the first segment of a `name: 'a/b'` path: a
 * literal, `${apim.name}`, or an expression (`${apimServiceName}/orders/policy`, as ARM-converted templates write it)
 * whose value names exactly one defining service of the workspace.
 */
function parentOf(node: ResourceNode, namedServices: ServiceNames, scopes: ReadonlyMap<string, FileScope>): ResourceNode | undefined {
  if (node.lexicalParent) return node.lexicalParent;
  const parent = property(node.body, 'parent');
  if (parent?.kind === 'identifier') return node.scope.bySymbol.get(parent.name);
  // `parent: apim::api::operation`: the nested resource of that symbolic name, under the ones the path names.
  if (parent?.kind === 'nested') return nestedResource(parent, node.scope);
  // `parent: apis[i]` in a loop: an element of a resource collection.
  if (parent?.kind === 'index' && parent.target.kind === 'identifier') return node.scope.bySymbol.get(parent.target.name);
  const name = property(node.body, 'name');
  if (name?.kind !== 'string') return undefined;
  if (name.value !== undefined) {
    const slash = name.value.indexOf('/');
    return slash > 0 ? namedServices.get(name.value.slice(0, slash).toLowerCase(), node.scope.path) : undefined;
  }
  const parts = name.parts ?? [];
  const first = parts.find((p) => p.kind === 'hole' || p.value !== '');
  const hole = first?.kind === 'hole' ? first.expr : undefined;
  if (hole?.kind === 'member' && hole.name === 'name' && hole.target.kind === 'identifier') return node.scope.bySymbol.get(hole.target.name);
  // The parts before the first '/', evaluated.
  const prefix: StringPart[] = [];
  let slashSeen = false;
  for (const p of parts) {
    const slash = p.kind === 'text' ? p.value.indexOf('/') : -1;
    if (p.kind === 'text' && slash >= 0) {
      prefix.push({ ...p, value: p.value.slice(0, slash) });
      slashSeen = true;
      break;
    }
    prefix.push(p);
  }
  if (!slashSeen) return undefined;
  // `${x}/…` alone: x's possible values, a parameter's default included (as `existing` names are matched); anything
  // longer is interpolated, which needs every part known.
  const meaningful = prefix.filter((p) => p.kind === 'hole' || p.value !== '');
  const ctx = { scopes, origins: [], label: 'name' };
  const v =
    meaningful.length === 1 && meaningful[0]!.kind === 'hole'
      ? evaluate(meaningful[0]!.expr, node.scope, ctx)
      : evaluate({ kind: 'string', span: name.span, parts: prefix, multiline: false }, node.scope, ctx);
  // A name nothing in the workspace sets (`param apiManagementName string`, passed on by a caller that has no value
  // either): the service it names is taken as an `existing` one with such a name is, the only one near it.
  if (v.kind !== 'strings' || v.values.size === 0) return namedServices.nearest(node.scope.path);
  const found = new Set([...v.values].map((n) => namedServices.get(n.toLowerCase(), node.scope.path)));
  return found.size === 1 ? [...found][0] : undefined;
}

/**
 * The defining service a `name: '<service>/…'` path names, seen from the file it is written in, as an `existing`
 * service is resolved: the one of that name (several of that name, in sibling samples: the one nearest by folder), or,
 * when the name can't be read, the one nearest by folder; undefined unless exactly one is.
 */
class ServiceNames {
  private readonly nearestByFile = new Map<string, ResourceNode | undefined>();
  private readonly nearestByName = new Map<string, ResourceNode | undefined>();

  constructor(
    private readonly byName: ReadonlyMap<string, readonly { node: ResourceNode }[]>,
    private readonly definitions: readonly { node: ResourceNode }[],
  ) {}

  get(name: string, file: string): ResourceNode | undefined {
    const defs = this.byName.get(name) ?? [];
    if (defs.length <= 1) return defs[0]?.node;
    // Per name and folder, once: each child named `x/…` looked through every definition of `x` again (names × children).
    const key = `${name}\u0000${path.dirname(file)}`;
    if (!this.nearestByName.has(key)) {
      const near = nearestByDirectory(new Set(defs), file);
      this.nearestByName.set(key, near.size === 1 ? [...near][0]!.node : undefined);
    }
    return this.nearestByName.get(key);
  }

  nearest(file: string): ResourceNode | undefined {
    if (!this.nearestByFile.has(file)) {
      const near = nearestByDirectory(new Set(this.definitions), file);
      this.nearestByFile.set(file, near.size === 1 ? [...near][0]!.node : undefined);
    }
    return this.nearestByFile.get(file);
  }
}

/** Walks up the parents to the `Microsoft.ApiManagement/service` resource. */
function serviceNodeOf(node: ResourceNode, namedServices: ServiceNames, scopes: ReadonlyMap<string, FileScope>): ResourceNode | undefined {
  let cur: ResourceNode | undefined = node;
  for (let i = 0; cur && i < 8; i++) {
    if (cur.fullType === SERVICE_TYPE) return cur;
    cur = parentOf(cur, namedServices, scopes);
  }
  return undefined;
}

/** The files holding each defining service's policies: the loaded file, or the Bicep file the policy is written in. */
function policyFilesOf(policiesByFile: ReadonlyMap<string, PolicyResource[]>): Map<ServiceInfo, Set<string>> {
  const out = new Map<ServiceInfo, Set<string>>();
  for (const policies of policiesByFile.values()) {
    for (const p of policies) {
      const owner = p.service?.definition ?? p.service;
      if (!owner) continue;
      const files = out.get(owner) ?? new Set<string>();
      files.add(p.value?.loadedFile?.path ?? p.ref.file);
      out.set(owner, files);
    }
  }
  return out;
}

function sameSkus(a: SkuSet, b: SkuSet): boolean {
  return a.values.size === b.values.size && [...a.values].every((v) => b.values.has(v));
}

/** The SKUs any of these sets may hold (unknown when one is), with the origins of each, once. */
function unionOfSkus(sets: readonly SkuSet[]): SkuSet {
  const values = new Set<Sku>();
  const origins: SkuSet['origins'] = [];
  const seen = new Set<string>();
  for (const set of sets) {
    for (const v of set.values) values.add(v);
    for (const o of set.origins) {
      const key = `${o.file}:${o.span.start}:${o.span.end}`;
      if (!seen.has(key)) origins.push(o);
      seen.add(key);
    }
  }
  return { values, unknown: sets.some((s) => s.unknown), origins };
}

/** The nearest ancestor of a resource (through `parent:`, nesting and name paths) of the given type. */
function ancestorOfType(node: ResourceNode, fullType: string, namedServices: ServiceNames, scopes: ReadonlyMap<string, FileScope>): ResourceNode | undefined {
  let cur = parentOf(node, namedServices, scopes);
  for (let i = 0; cur && i < 8; i++) {
    if (cur.fullType === fullType) return cur;
    cur = parentOf(cur, namedServices, scopes);
  }
  return undefined;
}

/**
 * The candidates nearest to `file` by folder: those in its own folder, else those below it (a `prerequisites/`
 * subfolder), else the same one level up (in that folder, else below it: a sibling folder), and so on; all of them when
 * none is.
 */
function nearestByDirectory<T extends { node: ResourceNode }>(candidates: Set<T>, file: string): Set<T> {
  if (candidates.size <= 1) return candidates;
  for (let dir = path.dirname(file); ; ) {
    const here = [...candidates].filter((c) => path.dirname(c.node.scope.path) === dir);
    if (here.length > 0) return new Set(here);
    const below = [...candidates].filter((c) => isWithin(c.node.scope.path, dir));
    if (below.length > 0) return new Set(below);
    const parent = path.dirname(dir);
    if (parent === dir) return candidates;
    dir = parent;
  }
}

/**
 * Whether the deployments through `sites` (those that pass a policy's text) surely deploy the service `node` defines,
 * so that its SKU is theirs: not when the service (`= if (createApim)`) or a module on the way down to its file
 * (`module apim 'apim.bicep' = if (createApim)`) is deployed on a condition these deployments may not meet (the policy
 * then goes to the service another deployment makes, on that one's SKU).
 */
function deploysService(node: ResourceNode, sites: NonNullable<EvalContext['onlySites']>, scopes: ReadonlyMap<string, FileScope>): boolean {
  const holds = (condition: Expr, scope: FileScope): boolean => truth(evaluate(condition, scope, { scopes, origins: [], label: 'condition', onlySites: sites })) === true;
  const own = conditionOf(node.decl.value);
  if (own && !holds(own, node.scope)) return false;
  const seen = new Set<FileScope>();
  const up = (scope: FileScope): boolean => {
    // A file the sites deploy (the text's own deployment), or one deployed on its own: no module call above to judge.
    if (sites.has(scope) || seen.has(scope)) return true;
    seen.add(scope);
    return scope.callers.every((site) => site.kind !== 'module' || ((!site.condition || holds(site.condition, site.scope)) && up(site.scope)));
  };
  return up(node.scope);
}
