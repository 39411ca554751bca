import type { Expr, PropertyMember, StringPart } from '../parsers/bicep/types';
import { property, propertyMember, siteArg, type FileScope, type ResourceNode } from './bicep-scope';
import { AVM_DEFAULT_SKU } from './avm';
import { ARRAY_JOINS, caEntries } from './certificate-entries';
import { evaluate, type EvalContext } from './evaluate';
import { unparen } from './expr-walk';
import { freeParams, skuSetOf, skusWhere } from './sku-resolution';
import { arrayItems, followStep, MAX_FOLLOW_DEPTH, objectsOf } from './literals';
import type { RelatedInfo } from '../core/finding';
import type { Sku, SkuSet } from './sku';
import type { CaCertificatesInfo, CaPresence, GatewayHostname, NamedValueInfo, ServiceInfo, TriBool } from './types';
import { truth } from './values';

/** The possible names of a resource (`name:` evaluated): empty when unknown. */
export function resourceNames(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>, onlySites?: EvalContext['onlySites']): string[] {
  const name = property(node.body, 'name');
  if (!name) return [];
  const v = evaluate(name, node.scope, { scopes, origins: [], label: 'name', ...(onlySites ? { onlySites } : {}) });
  return v.kind === 'strings' ? [...v.values] : [];
}

/**
 * A child resource's own names: `resourceNames` without the parents' segments a name path carries. A child declared at
 * the top level without `parent:` names itself `'service/gateway/api'` (as ARM exports write it); its own name is the
 * last segment. Nested and `parent:` children hold only their own name already.
 */
export function ownNames(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): string[] {
  if (node.lexicalParent || property(node.body, 'parent')) return resourceNames(node, scopes);
  const segments = nameSegments(node, scopes);
  return segments ? (segments[segments.length - 1] ?? []) : resourceNames(node, scopes).map((n) => n.slice(n.lastIndexOf('/') + 1));
}

/**
 * The possible values of each segment of a `name: '…/…/…'` path, evaluated one by one: in
 * `'${apimName}/onprem/echo'` the gateway and the API are known whatever the service's name is (evaluated whole, the
 * path is unknown as soon as one part may be anything). A segment that is one `${x}` takes x's possible values, a
 * parameter's default included, as the service segment does (see `parentOf`). Undefined for a name that is no string.
 */
export function nameSegments(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): string[][] | undefined {
  const name = property(node.body, 'name');
  if (name?.kind !== 'string') return undefined;
  if (name.value !== undefined) return name.value.split('/').map((s) => [s]);
  const segments: StringPart[][] = [[]];
  for (const p of name.parts ?? []) {
    if (p.kind === 'hole') {
      segments[segments.length - 1]!.push(p);
      continue;
    }
    p.value.split('/').forEach((piece, i) => {
      if (i > 0) segments.push([]);
      if (piece !== '') segments[segments.length - 1]!.push({ ...p, value: piece });
    });
  }
  const ctx = { scopes, origins: [], label: 'name' };
  return segments.map((parts) => {
    const only = parts.length === 1 ? parts[0] : undefined;
    const v = only?.kind === 'hole' ? evaluate(only.expr, node.scope, ctx) : evaluate({ kind: 'string', span: name.span, parts, multiline: false }, node.scope, ctx);
    return v.kind === 'strings' ? [...v.values] : [];
  });
}

/**
 * The expression of a service's SKU name: `sku.name` of an object written in place, or `.name` of whatever `sku` is
 * (`sku: sku`, an object parameter or a typed one, `sku: settings.sku`, a variable), for evaluation to follow.
 */
export function skuNameExpr(body: Expr | undefined): Expr | undefined {
  const sku = property(body, 'sku');
  if (!sku || sku.kind === 'object') return property(sku, 'name');
  return { kind: 'member', span: sku.span, target: sku, name: 'name', nameSpan: sku.span, safe: false };
}

/** Reads a defining `Microsoft.ApiManagement/service` declaration. */
export function describeService(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): ServiceInfo {
  const file = node.scope.path;
  const body = node.body;
  const skuExpr = skuNameExpr(body);
  const info: ServiceInfo = {
    ref: { file, span: node.decl.span },
    symbolicName: node.decl.name,
    existing: node.decl.existing,
    skus: skuSetOf(skuExpr, node.scope, scopes, skuOrigin(node)),
    enableClientCertificate: { value: false },
    clientHttp2: { value: false },
    reachability: { value: 'public' },
  };
  if (node.registry) info.registryModule = node.registry.module;
  const props = property(body, 'properties');
  const inside = props?.kind === 'object' ? props : body;
  if (inside) info.propertiesRef = { file, span: { start: inside.span.start + 1, end: inside.span.start + 1 } };
  const ecc = propertyMember(props, 'enableClientCertificate');
  if (ecc?.kind === 'property') {
    const v = evaluate(ecc.value, node.scope, { scopes, origins: [], label: 'enableClientCertificate' });
    info.enableClientCertificate = { value: v.kind === 'bool' ? truth(v) : 'unknown', ref: { file, span: ecc.span } };
    const fromDefault = v.kind === 'bool' ? defaultedParam(ecc.value, node.scope, 0) : undefined;
    if (fromDefault) info.enableClientCertificate.defaultOf = fromDefault;
    if (info.enableClientCertificate.value !== false && node.scope.callers.length > 1) {
      const falseIn = deploymentsWithout(ecc.value, skuExpr, node, scopes);
      if (falseIn) info.enableClientCertificate.falseIn = falseIn;
    }
  }
  info.reachability = node.registry ? { value: 'unknown' } : reachability(props, node.scope, scopes);
  const customProperties = property(props, 'customProperties');
  if (customProperties) info.clientHttp2 = clientHttp2(customProperties, node.scope, scopes);
  const hostnames = property(props, 'hostnameConfigurations');
  const gateways = hostnames ? gatewayHostnames(hostnames, node.scope, scopes) : [];
  if (gateways) info.gatewayHostnames = gateways;
  const certs = propertyMember(props, 'certificates');
  if (certs?.kind === 'property') {
    info.caCertificates = caCertificates(certs.span, certs.value, skuExpr, node.scope, scopes, info);
    if (node.registry) for (const e of info.caCertificates.entries) e.registryModule = node.registry.module;
  }
  return info;
}

/**
 * `virtualNetworkType` (None, the default, and External face the internet; Internal doesn't) and `publicNetworkAccess`
 * (Enabled by default; Disabled leaves private endpoints only), each a literal or what evaluation can tell.
 */
function reachability(props: Expr | undefined, scope: FileScope, scopes: ReadonlyMap<string, FileScope>): ServiceInfo['reachability'] {
  let unknown = false;
  for (const [key, closed] of [['virtualNetworkType', 'internal'], ['publicNetworkAccess', 'disabled']] as const) {
    const member = propertyMember(props, key);
    if (member?.kind !== 'property') continue;
    const v = evaluate(member.value, scope, { scopes, origins: [], label: key });
    const values = v.kind === 'strings' && !v.unknown ? [...v.values].map((x) => x.toLowerCase()) : undefined;
    if (values && values.length > 0 && values.every((x) => x === closed)) return { value: 'private', ref: { file: scope.path, span: member.span } };
    if (!values || values.includes(closed)) unknown = true;
  }
  if (props !== undefined && unparen(props).kind !== 'object') unknown = true;
  return { value: unknown ? 'unknown' : 'public' };
}

/** The custom property that turns HTTP/2 on for the gateway's clients (ARM: `customProperties`, default False). */
const CLIENT_HTTP2 = 'microsoft.windowsazure.apimanagement.gateway.protocols.server.http2';

/** A 'True' / 'False' custom property (any casing) or a bool: true, false, or unknown when it can't be pinned down. */
function booleanSetting(value: Expr, scope: FileScope, scopes: ReadonlyMap<string, FileScope>, label: string): TriBool {
  const v = evaluate(value, scope, { scopes, origins: [], label });
  if (v.kind === 'bool') return truth(v);
  if (v.kind !== 'strings' || v.unknown || v.values.size === 0) return 'unknown';
  const lower = new Set([...v.values].map((x) => x.toLowerCase()));
  if (lower.size === 1 && lower.has('true')) return true;
  if (lower.size === 1 && lower.has('false')) return false;
  return 'unknown';
}

/**
 * `customProperties` (an object literal, or held by a variable or parameter): the client HTTP/2 switch. Through
 * `cond ? {…} : {…}`, the branch the condition picks; when the condition can't be read, what both branches agree on
 * (else unknown).
 */
function clientHttp2(expr: Expr, scope: FileScope, scopes: ReadonlyMap<string, FileScope>, depth = 0): ServiceInfo['clientHttp2'] {
  const v = unparen(expr);
  if (v.kind === 'ternary' && depth < 8) {
    const condition = truth(evaluate(v.condition, scope, { scopes, origins: [], label: 'condition' }));
    if (condition !== 'unknown') return clientHttp2(condition ? v.whenTrue : v.whenFalse, scope, scopes, depth + 1);
    const [a, b] = [clientHttp2(v.whenTrue, scope, scopes, depth + 1), clientHttp2(v.whenFalse, scope, scopes, depth + 1)];
    const ref = a.ref ?? b.ref;
    return a.value === b.value ? { value: a.value, ...(ref && { ref }) } : { value: 'unknown', ...(ref && { ref }) };
  }
  const owners = objectsOf(expr, scope, 0);
  if (owners.length === 0) return { value: 'unknown' };
  const found = owners.map((o) => ({ o, m: o.object.members.find((m) => m.kind === 'property' && memberKey(m, o.scope, scopes)?.toLowerCase() === CLIENT_HTTP2) }));
  const values = found.map(({ o, m }) => (m?.kind === 'property' ? booleanSetting(m.value, o.scope, scopes, 'Http2') : false));
  const value: TriBool = values.every((v) => v === true) ? true : values.every((v) => v === false) ? false : 'unknown';
  const written = found.find((f) => f.m);
  return written?.m ? { value, ref: { file: written.o.scope.path, span: written.m.span } } : { value };
}

/**
 * An object property's key: as written, or for a key written with interpolation (`'${gateway}.Protocols.Server.Http2'`)
 * its value when the model can read it (undefined when it can't).
 */
function memberKey(m: PropertyMember, scope: FileScope, scopes: ReadonlyMap<string, FileScope>): string | undefined {
  if (!m.keyExpr) return m.key;
  const key = evaluate(m.keyExpr, scope, { scopes, origins: [], label: 'key' });
  return key.kind === 'strings' && !key.unknown && key.values.size === 1 ? [...key.values][0] : undefined;
}

/** The items of `hostnameConfigurations` that may be gateway host names; undefined when the array can't be read. */
function gatewayHostnames(value: Expr, scope: FileScope, scopes: ReadonlyMap<string, FileScope>): GatewayHostname[] | undefined {
  const items = arrayItems(value, scope, 0);
  if (items.length === 0 && unparen(value).kind !== 'array') return undefined;
  const out: GatewayHostname[] = [];
  for (const { object, scope: s } of items) {
    const type = property(object, 'type');
    const typeValue = type ? evaluate(type, s, { scopes, origins: [], label: 'type' }) : undefined;
    if (typeValue?.kind === 'strings' && !typeValue.unknown && ![...typeValue.values].some((t) => t.toLowerCase() === 'proxy')) continue;
    const hostName = property(object, 'hostName');
    const names = hostName ? evaluate(hostName, s, { scopes, origins: [], label: 'hostName' }) : undefined;
    const negotiate = propertyMember(object, 'negotiateClientCertificate');
    out.push({
      ref: { file: s.path, span: object.span },
      hostName: names?.kind === 'strings' && names.values.size === 1 && !names.unknown ? [...names.values][0] : undefined,
      negotiateClientCertificate:
        negotiate?.kind === 'property'
          ? { value: booleanSetting(negotiate.value, s, scopes, 'negotiateClientCertificate'), ref: { file: s.path, span: negotiate.span } }
          : { value: false },
    });
  }
  return out;
}

/** What decides the SKU, for the origins shown with findings. */
export function skuOrigin(node: ResourceNode): string | undefined {
  if (!node.registry) return undefined;
  return node.registry.skuDefault
    ? `The Azure Verified Module's default SKU (${AVM_DEFAULT_SKU}): its sku parameter is not set`
    : 'The sku parameter of the Azure Verified Module';
}

function isAbsent(e: Expr): boolean {
  const u = unparen(e);
  return u.kind === 'null' || (u.kind === 'array' && u.items.length === 0);
}

/**
 * A template deployed with several parameter sets (`dev.bicepparam`, `uat.bicepparam`, module calls) may request
 * client certificates in one and not in another: the SKUs of the deployments where `enableClientCertificate` is false,
 * each deployment read as a whole (its SKU and its flag from the same site). Undefined when it is false in none.
 */
function deploymentsWithout(value: Expr, skuExpr: Expr | undefined, node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): SkuSet | undefined {
  const values = new Set<Sku>();
  const origins: RelatedInfo[] = [];
  let unknown = false;
  for (const site of node.scope.callers) {
    const onlySites = new Map([[node.scope, site]]);
    if (truth(evaluate(value, node.scope, { scopes, origins: [], label: 'enableClientCertificate', onlySites })) !== false) continue;
    const skus = skuSetOf(skuExpr, node.scope, scopes, skuOrigin(node), onlySites);
    for (const s of skus.values) values.add(s);
    unknown ||= skus.unknown;
    origins.push({ file: site.scope.path, span: site.span, message: `enableClientCertificate is false in this deployment (${site.description})` }, ...skus.origins);
  }
  return values.size > 0 || unknown ? { values, unknown, origins } : undefined;
}

/**
 * A parameter whose own default a value rests on, in a template that nothing in the workspace deploys with values (no
 * `.bicepparam`, no module call): a deployment may pass another value. Followed through the callers that pass it on.
 */
function defaultedParam(expr: Expr, scope: FileScope, depth: number): string | undefined {
  if (depth >= MAX_FOLLOW_DEPTH || !followStep(depth)) return undefined;
  for (const ref of freeParams(expr, scope).values()) {
    if (ref.scope.callers.length === 0) {
      if (ref.param.defaultValue) return ref.param.name;
      continue;
    }
    for (const site of ref.scope.callers) {
      const arg = siteArg(site, ref.param.name);
      const found = arg && defaultedParam(arg.expr, arg.scope, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * `certificates: [...]`, or guarded by tier: `cond ? [...] : null` (and `cond ? null : [...]`) where `cond` depends on
 * what the SKU depends on. Whether the array uploads anything (`presence`) is read apart: `null`, `[]`, a condition
 * that is false, a parameter that nobody sets and whose default is empty upload nothing.
 */
function caCertificates(
  span: { start: number; end: number },
  value: Expr,
  skuExpr: Expr | undefined,
  scope: FileScope,
  scopes: ReadonlyMap<string, FileScope>,
  service: ServiceInfo,
): CaCertificatesInfo {
  const ref = { file: scope.path, span };
  const v = unparen(value);
  if (v.kind === 'ternary' && (isAbsent(v.whenFalse) || isAbsent(v.whenTrue)) && isTierCondition(v.condition, skuExpr, scope)) {
    const presentWhen = isAbsent(v.whenFalse);
    const array = presentWhen ? v.whenTrue : v.whenFalse;
    return {
      ref,
      presentFor: 'guarded',
      skusWhenPresent: skusWhere(v.condition, presentWhen, skuExpr, scope, scopes, service.skus),
      presence: presenceOf(array, scope, scopes, 0),
      ...caEntries(array, scope),
    };
  }
  return { ref, presentFor: 'all', skusWhenPresent: service.skus, presence: presenceOf(v, scope, scopes, 0), ...caEntries(v, scope) };
}

/** Does a condition depend on a parameter the SKU depends on (`contains(classicSkus, skuName)`)? */
function isTierCondition(condition: Expr, skuExpr: Expr | undefined, scope: FileScope): boolean {
  if (!skuExpr) return false;
  const skuParams = freeParams(skuExpr, scope);
  for (const key of freeParams(condition, scope).keys()) if (skuParams.has(key)) return true;
  return false;
}

/**
 * Does an array of CA certificates upload anything: certainly, maybe, or not at all? Follows variables, conditions
 * (evaluated: `!empty(rootCaCert) ? [...] : []`), `concat`/`union`, loops (by what they go over) and parameters
 * (by what their callers pass, else their default: a parameter nobody in the workspace sets and whose default is
 * empty uploads nothing the linter can see).
 */
function presenceOf(expr: Expr, scope: FileScope, scopes: ReadonlyMap<string, FileScope>, depth: number): CaPresence {
  const v = unparen(expr);
  if (depth >= MAX_FOLLOW_DEPTH || !followStep(depth)) return 'maybe';
  const next = (e: Expr, s: FileScope = scope): CaPresence => presenceOf(e, s, scopes, depth + 1);
  switch (v.kind) {
    case 'null':
      return 'none';
    case 'array':
      if (v.items.length === 0) return 'none';
      return v.items.some((i) => i.kind !== 'spread') ? 'certain' : 'maybe';
    case 'for':
      return next(v.iterable) === 'none' ? 'none' : 'maybe';
    case 'ternary': {
      const c = truth(evaluate(v.condition, scope, { scopes, origins: [], label: 'condition' }));
      if (c !== 'unknown') return next(c ? v.whenTrue : v.whenFalse);
      return either(next(v.whenTrue), next(v.whenFalse));
    }
    case 'call': {
      if (v.namespace !== undefined && v.namespace !== 'sys') return 'maybe';
      if (!ARRAY_JOINS.has(v.name.toLowerCase())) return 'maybe';
      const each = v.args.map((a) => next(a));
      if (each.includes('certain')) return 'certain';
      return each.every((p) => p === 'none') ? 'none' : 'maybe';
    }
    case 'identifier': {
      const variable = scope.vars.get(v.name)?.value;
      if (variable) return next(variable);
      const param = scope.params.get(v.name);
      if (!param) return 'maybe';
      const passed = scope.callers.map((site) => {
        if (site.opaque) return 'maybe';
        const arg = siteArg(site, v.name);
        if (arg) return next(arg.expr, arg.scope);
        return param.defaultValue ? next(param.defaultValue) : 'maybe';
      });
      if (passed.length === 0) return param.defaultValue ? next(param.defaultValue) : 'maybe';
      return passed.reduce(either);
    }
    default:
      return 'maybe';
  }
}

/** One of two possibilities. */
function either(a: CaPresence, b: CaPresence): CaPresence {
  return a === b ? a : 'maybe';
}

/** An `existing` service: SKUs and `enableClientCertificate` come from its definition when there is one. */
export function describeExisting(node: ResourceNode, definition: ServiceInfo | undefined): ServiceInfo {
  const info: ServiceInfo = {
    ref: { file: node.scope.path, span: node.decl.span },
    symbolicName: node.decl.name,
    existing: true,
    skus: definition ? definition.skus : { values: new Set(), unknown: true, origins: [] },
    enableClientCertificate: definition ? definition.enableClientCertificate : { value: 'unknown' },
    clientHttp2: definition ? definition.clientHttp2 : { value: 'unknown' },
    reachability: definition ? definition.reachability : { value: 'unknown' },
  };
  if (definition) {
    info.definition = definition;
    if (definition.gatewayHostnames) info.gatewayHostnames = definition.gatewayHostnames;
  }
  return info;
}

/**
 * A `Microsoft.ApiManagement/service/namedValues` resource of `service` (declared at `serviceNode`), read as a boolean
 * per SKU: the blog's tier switch `value: contains(classicSkus, sku) ? 'true' : 'false'` is "true" exactly on the
 * classic SKUs. The SKU parameter is pinned to each possible value when the named value and the service share a file
 * (see `skusWhere`); otherwise the value counts for every SKU. Undefined without a display name; a Key Vault value or
 * none at all may be "true" anywhere.
 */
export function describeNamedValue(node: ResourceNode, serviceNode: ResourceNode, service: ServiceInfo, scopes: ReadonlyMap<string, FileScope>): NamedValueInfo | undefined {
  const props = property(node.body, 'properties');
  const named = property(props, 'displayName') ?? property(node.body, 'name');
  const nameValue = named && evaluate(named, node.scope, { scopes, origins: [], label: 'name' });
  if (nameValue?.kind !== 'strings' || nameValue.values.size !== 1) return undefined;
  const displayName = [...nameValue.values][0]!;
  const ref = { file: node.scope.path, span: node.decl.span };
  const possible = new Set(service.skus.values);
  const value = property(props, 'value');
  if (!value || property(props, 'keyVault')) return { ref, displayName, maybeTrue: possible, certainlyTrue: new Set() };
  const isTrue: Expr = { kind: 'binary', operator: '=~', left: value, right: { kind: 'string', value: 'true', span: value.span, multiline: false }, span: value.span };
  const skuExpr = skuNameExpr(serviceNode.body);
  if (node.scope === serviceNode.scope) {
    const maybeTrue = skusWhere(isTrue, true, skuExpr, node.scope, scopes, service.skus).values;
    const maybeFalse = skusWhere(isTrue, false, skuExpr, node.scope, scopes, service.skus).values;
    return { ref, displayName, maybeTrue: new Set(maybeTrue), certainlyTrue: new Set([...maybeTrue].filter((s) => !maybeFalse.has(s))) };
  }
  const t = truth(evaluate(isTrue, node.scope, { scopes, origins: [], label: 'named value' }));
  return { ref, displayName, maybeTrue: t === false ? new Set() : possible, certainlyTrue: t === true ? possible : new Set() };
}
