import type { Expr, ModuleDecl, ObjectExpr, PropertyMember, ResourceDecl } from '../parsers/bicep/types';
import { property, propertyMember, resourceBody, type FileScope, type ResourceNode } from './bicep-scope';
import { arrayItems } from './literals';

/**
 * The Azure Verified Module for an APIM service, any version (a tag or an `@sha256:` digest): from the public registry
 * (`br/public:` is the alias of `br:mcr.microsoft.com/bicep/`) or from a mirror that keeps its repository path
 * (`br:contoso.azurecr.io/bicep/avm/res/api-management/service:0.9.1`, or `br/mirror:avm/res/…` with an alias from
 * `bicepconfig.json`, whose own path is not read).
 */
const AVM_APIM_SERVICE = /^br(?::[^/:@]+\/|\/[^:/@]+:)(?:[^:@]*\/)?avm\/res\/api-management\/service(?::[^/:@]+|@sha256:[0-9a-f]{64})$/i;

/** The module's `sku` parameter default, the same in the revisions of its source read for docs/avm.md. */
export const AVM_DEFAULT_SKU = 'Premium';

export function isAvmApimService(modulePath: string): boolean {
  return AVM_APIM_SERVICE.test(modulePath);
}

/**
 * The service's child modules that deploy one policy (`…/avm/res/api-management/service/api/policy:0.1.0`), with the
 * parameters that name the resources above it, outermost first (each module's `main.bicep` in
 * Azure/bicep-registry-modules).
 */
const AVM_CHILD_POLICY = /^br(?::[^/:@]+\/|\/[^:/@]+:)(?:[^:@]*\/)?avm\/res\/api-management\/service\/((?:api\/(?:operation\/)?|product\/)?policy)(?::[^/:@]+|@sha256:[0-9a-f]{64})$/i;
const CHILD_POLICY_PARENTS: Readonly<Record<string, readonly (readonly [type: string, param: string])[]>> = {
  policy: [],
  'api/policy': [['apis', 'apiName']],
  'api/operation/policy': [['apis', 'apiName'], ['operations', 'operationName']],
  'product/policy': [['products', 'productName']],
};

/** Is this the path of one of the service's child modules that deploy a policy? */
export function isAvmApimChildPolicy(modulePath: string): boolean {
  return AVM_CHILD_POLICY.test(modulePath);
}

/**
 * Reads a `module … 'br/public:avm/res/api-management/service/…/policy:…'` declaration as the resources it deploys: an
 * `existing` service named by `apiManagementServiceName` (linked to the service of that name, as a hand-written
 * `existing` is), the API, operation or product its parameters name, and the policy, whose `properties` is the
 * module's `params` (`format`, `value`).
 */
export function avmChildPolicyNodes(scope: FileScope, d: ModuleDecl, modulePath: string): ResourceNode[] {
  const kind = AVM_CHILD_POLICY.exec(modulePath)?.[1]?.toLowerCase();
  const params = property(resourceBody(d.value), 'params');
  if (kind === undefined || params?.kind !== 'object') return [];
  const serviceName = property(params, 'apiManagementServiceName');
  const service: ResourceNode = {
    decl: { ...decl(d, 'Microsoft.ApiManagement/service', d.span), existing: true },
    body: object(params.span, serviceName ? [member('name', serviceName)] : []),
    fullType: 'microsoft.apimanagement/service',
    scope,
    registry: { module: d.path, skuDefault: false },
  };
  const nodes = [service];
  let parent = service;
  for (const [type, param] of CHILD_POLICY_PARENTS[kind] ?? []) {
    const name = property(params, param);
    parent = child(d, type, params, object(params.span, name ? [member('name', name)] : []), parent);
    nodes.push(parent);
  }
  nodes.push(child(d, 'policies', params, object(params.span, [member('properties', params)]), parent));
  return nodes;
}

/**
 * Reads a `module … 'br/public:avm/res/api-management/service:…'` declaration as the resources the module deploys
 * from its parameters (docs/avm.md): the service (`name`, `sku`, `enableClientCertificate`, `certificates`), its
 * policies (`policies: [{ value, format }]`), its APIs' policies (`apis: [{ name, policies: [{ value, format }] }]`)
 * and their operations' (`apis[].operations: [{ name, policies: […] }]`), its named values (`namedValues`), and its
 * workspaces' policies, APIs and products (`workspaces: [{ name, policies, apis, products: [{ name, policies }] }]`).
 *
 * The nodes are the ones a hand-written template would have, over the module's own expressions: the service's
 * `properties` object *is* the `params` object (so a fix that adds `enableClientCertificate: true` adds the parameter of
 * that name), a policy's `properties` *is* its item of `policies`. Arrays written as literals (or held by a variable of
 * the same file) are read; anything else (`[for …]`, a parameter) deploys policies the model can't see.
 */
export function avmServiceNodes(scope: FileScope, d: ModuleDecl): ResourceNode[] {
  const params = property(resourceBody(d.value), 'params');
  if (params?.kind !== 'object') return [];
  const skuMember = propertyMember(params, 'sku');
  const sku: PropertyMember =
    skuMember?.kind === 'property'
      ? { ...skuMember, value: object(skuMember.span, [member('name', skuMember.value)]) }
      : member('sku', object(d.pathSpan, [member('name', { kind: 'string', span: d.pathSpan, value: AVM_DEFAULT_SKU, multiline: false })]));
  const name = property(params, 'name');
  const service: ResourceNode = {
    // The module's condition (`= if (createApim)`) kept as the service's: deployments that may not meet it don't make it.
    decl: { ...decl(d, 'Microsoft.ApiManagement/service', d.span), ...(d.value?.kind === 'if' ? { value: d.value } : {}) },
    body: object(params.span, [...(name ? [member('name', name)] : []), sku, member('properties', params)]),
    fullType: 'microsoft.apimanagement/service',
    scope,
    registry: { module: d.path, skuDefault: skuMember === undefined },
  };
  const nodes = [service, ...policiesOf(d, params, service, scope)];
  // `namedValues: [{ name, displayName, value, keyVault }]`: what `validate-trust="{{…}}"` reads, tier by tier.
  for (const item of items(property(params, 'namedValues'), scope)) nodes.push(child(d, 'namedvalues', item, withProperties(item), service));
  nodes.push(...apisOf(d, params, service, scope));
  // `workspaces[]` (newer versions; Premium and PremiumV2): their policies, their APIs' and their products', on the
  // service's tier. (The service's own `products[]` are not read: the module passes no policies to those.)
  for (const workspaceItem of items(property(params, 'workspaces'), scope)) {
    const workspace = child(d, 'workspaces', workspaceItem, named(workspaceItem), service);
    nodes.push(workspace, ...policiesOf(d, workspaceItem, workspace, scope), ...apisOf(d, workspaceItem, workspace, scope));
    for (const productItem of items(property(workspaceItem, 'products'), scope)) {
      const product = child(d, 'products', productItem, named(productItem), workspace);
      nodes.push(product, ...policiesOf(d, productItem, product, scope));
    }
  }
  return nodes;
}

/** `apis: [{ name, policies, operations: [{ name, policies }] }]` of the service's params or of a workspace. */
function apisOf(d: ModuleDecl, owner: ObjectExpr, parent: ResourceNode, scope: FileScope): ResourceNode[] {
  const nodes: ResourceNode[] = [];
  for (const apiItem of items(property(owner, 'apis'), scope)) {
    const api = child(d, 'apis', apiItem, named(apiItem), parent);
    nodes.push(api, ...policiesOf(d, apiItem, api, scope));
    // `apis[].operations[].policies` (in the module's newer versions).
    for (const operationItem of items(property(apiItem, 'operations'), scope)) {
      const operation = child(d, 'operations', operationItem, named(operationItem), api);
      nodes.push(operation, ...policiesOf(d, operationItem, operation, scope));
    }
  }
  return nodes;
}

/** The `policies: [{ value, format }]` of an item (the service's params, an API, an operation) as policy resources. */
function policiesOf(d: ModuleDecl, owner: ObjectExpr, parent: ResourceNode, scope: FileScope): ResourceNode[] {
  return items(property(owner, 'policies'), scope).map((item) => child(d, 'policies', item, withProperties(item), parent));
}

/** A body whose `properties` is the item itself (and `name`, the item's), as the module passes them on. */
function withProperties(item: ObjectExpr): ObjectExpr {
  const name = property(item, 'name');
  return object(item.span, [...(name ? [member('name', name)] : []), member('properties', item)]);
}

/** A body holding only the item's `name`. */
function named(item: ObjectExpr): ObjectExpr {
  const name = property(item, 'name');
  return object(item.span, name ? [member('name', name)] : []);
}

function child(d: ModuleDecl, type: string, item: ObjectExpr, body: ObjectExpr, parent: ResourceNode): ResourceNode {
  return {
    decl: decl(d, type, item.span),
    body,
    fullType: `${parent.fullType}/${type}`,
    lexicalParent: parent,
    scope: parent.scope,
    registry: { module: d.path, skuDefault: false },
  };
}

/** A declaration standing for what the module deploys at `span` (the module itself for the service). */
function decl(d: ModuleDecl, resourceType: string, span: ObjectExpr['span']): ResourceDecl {
  return { kind: 'resource', span, decorators: [], name: d.name, nameSpan: d.nameSpan, resourceType, typeSpan: d.pathSpan, existing: false };
}

function object(span: ObjectExpr['span'], members: PropertyMember[]): ObjectExpr {
  return { kind: 'object', span, members };
}

function member(key: string, value: Expr): PropertyMember {
  return { kind: 'property', span: value.span, key, keySpan: value.span, value };
}

/**
 * The object literals of the array a parameter of the module holds: written there, or held by a variable (the module's
 * callers are not known yet when a file's scope is built).
 */
function items(value: Expr | undefined, scope: FileScope): ObjectExpr[] {
  return value ? arrayItems(value, scope, 0).map((item) => item.object) : [];
}
