import * as path from 'node:path';
import type { Expr } from '../parsers/bicep/types';
import { property, propertyMember, type FileScope, type ResourceNode } from './bicep-scope';
import { findCall, unparen } from './expr-walk';
import type { CertificateData, CertificateEntry } from './types';

const LOAD_FUNCTIONS: ReadonlySet<string> = new Set(['loadtextcontent', 'loadfileasbase64']);

/**
 * `encodedCertificate` / `data`: a literal, `loadTextContent('…')`, or a load wrapped in a transformation; also through
 * variables of the file (`var rootCa = loadTextContent('root-ca.cer')`), where the load's edits go. `ref` stays the use.
 */
export function certificateData(expr: Expr, scope: FileScope): CertificateData {
  let e = unparen(expr);
  const seen = new Set<string>();
  while (e.kind === 'identifier' && !seen.has(e.name)) {
    seen.add(e.name);
    const value = scope.vars.get(e.name)?.value;
    if (!value || scope.params.has(e.name)) break;
    e = unparen(value);
  }
  const data: CertificateData = { ref: { file: scope.path, span: expr.span }, transformed: false };
  if (e.kind === 'string' && e.value !== undefined) {
    data.literal = e.value;
    return data;
  }
  const load = findCall(e, LOAD_FUNCTIONS);
  const arg = load?.args[0];
  if (load && arg?.kind === 'string' && arg.value !== undefined) {
    data.loadedFile = {
      path: path.resolve(scope.dir, arg.value),
      fn: load.name,
      ref: { file: scope.path, span: load.span },
      pathRef: { file: scope.path, span: arg.span },
    };
    data.transformed = load !== e;
  }
  return data;
}

/** The CA entries of a `properties.certificates` array. */
export function caEntries(array: Expr, scope: FileScope): CertificateEntry[] {
  const a = unparen(array);
  if (a.kind !== 'array') return [];
  const entries: CertificateEntry[] = [];
  for (const item of a.items) {
    if (item.kind !== 'object') continue;
    const entry: CertificateEntry = { ref: { file: scope.path, span: item.span }, kind: 'ca' };
    const store = propertyMember(item, 'storeName');
    if (store?.kind === 'property') {
      const v = unparen(store.value);
      entry.storeName = { value: v.kind === 'string' ? v.value : undefined, ref: { file: scope.path, span: store.span } };
    }
    const encoded = property(item, 'encodedCertificate');
    if (encoded) entry.data = certificateData(encoded, scope);
    entries.push(entry);
  }
  return entries;
}

/** A `Microsoft.ApiManagement/service/certificates` resource as a client certificate entry. */
export function clientCertificateEntry(node: ResourceNode): CertificateEntry {
  const entry: CertificateEntry = { ref: { file: node.scope.path, span: node.decl.span }, kind: 'client' };
  const data = property(property(node.body, 'properties'), 'data');
  if (data) entry.data = certificateData(data, node.scope);
  return entry;
}
