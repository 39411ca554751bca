import type { Expr } from '../parsers/bicep/types';
import { property, propertyMember, type FileScope, type ResourceNode } from './bicep-scope';
import { caEntries } from './certificate-entries';
import { evaluate } from './evaluate';
import { unparen } from './expr-walk';
import { skuSetOf, skusWhere } from './sku-resolution';
import type { CaCertificatesInfo, ServiceInfo } from './types';
import { truth } from './values';

/** The possible names of a resource (`name:` evaluated): empty when unknown. */
export function resourceNames(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): string[] {
  const name = property(node.body, 'name');
  if (!name) return [];
  const v = evaluate(name, node.scope, { scopes, origins: [], label: 'name' });
  return v.kind === 'strings' ? [...v.values] : [];
}

/** Reads a defining `Microsoft.ApiManagement/service` declaration. */
export function describeService(node: ResourceNode, scopes: ReadonlyMap<string, FileScope>): ServiceInfo {
  const file = node.scope.path;
  const body = node.body;
  const skuExpr = property(property(body, 'sku'), 'name');
  const info: ServiceInfo = {
    ref: { file, span: node.decl.span },
    symbolicName: node.decl.name,
    existing: node.decl.existing,
    skus: skuSetOf(skuExpr, node.scope, scopes),
    enableClientCertificate: { value: false },
  };
  const props = property(body, 'properties');
  const inside = props?.kind === 'object' ? props : body;
  if (inside) info.propertiesRef = { file, span: { start: inside.span.start + 1, end: inside.span.start + 1 } };
  const ecc = propertyMember(props, 'enableClientCertificate');
  if (ecc?.kind === 'property') {
    const v = evaluate(ecc.value, node.scope, { scopes, origins: [], label: 'enableClientCertificate' });
    info.enableClientCertificate = { value: v.kind === 'bool' ? truth(v) : 'unknown', ref: { file, span: ecc.span } };
  }
  const certs = propertyMember(props, 'certificates');
  if (certs?.kind === 'property') info.caCertificates = caCertificates(certs.span, certs.value, skuExpr, node.scope, scopes, info);
  return info;
}

function isAbsent(e: Expr): boolean {
  const u = unparen(e);
  return u.kind === 'null' || (u.kind === 'array' && u.items.length === 0);
}

/** `certificates: [...]`, or guarded: `cond ? [...] : null` (and `cond ? null : [...]`). */
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
  if (v.kind === 'ternary' && (isAbsent(v.whenFalse) || isAbsent(v.whenTrue))) {
    const presentWhen = isAbsent(v.whenFalse);
    const array = presentWhen ? v.whenTrue : v.whenFalse;
    return { ref, presentFor: 'guarded', skusWhenPresent: skusWhere(v.condition, presentWhen, skuExpr, scope, scopes, service.skus), entries: caEntries(array, scope) };
  }
  return { ref, presentFor: 'all', skusWhenPresent: service.skus, entries: caEntries(v, scope) };
}

/** An `existing` service: SKUs and `enableClientCertificate` come from its definition when there is one. */
export function describeExisting(node: ResourceNode, definition: ServiceInfo | undefined): ServiceInfo {
  const info: ServiceInfo = {
    ref: { file: node.scope.path, span: node.decl.span },
    symbolicName: node.decl.name,
    existing: true,
    skus: definition ? definition.skus : { values: new Set(), unknown: true, origins: [] },
    enableClientCertificate: definition ? definition.enableClientCertificate : { value: 'unknown' },
  };
  if (definition) info.definition = definition;
  return info;
}
