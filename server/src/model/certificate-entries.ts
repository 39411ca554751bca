import * as path from 'node:path';
import type { Expr, ObjectExpr } from '../parsers/bicep/types';
import { property, propertyMember, type FileScope, type ResourceNode } from './bicep-scope';
import { findCall, unparen } from './expr-walk';
import { MAX_FOLLOW_DEPTH } from './literals';
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

/** The functions that join arrays (of CA certificates: the result holds what each argument holds). */
export const ARRAY_JOINS: ReadonlySet<string> = new Set(['concat', 'union']);

/**
 * The CA entries of a `properties.certificates` array: the objects written in it, or in the arrays this file makes it
 * of: a variable, `concat`/`union` of them, either side of a condition. A real module writes
 * `certificates: concat(intermediateCaCerts, rootCaCerts)` with `var rootCaCerts = !empty(rootCaCert) ? [{…}] : []`;
 * its entries were lost. `entries` holds every entry the array may hold, each expression read once (a variable joined
 * twice gives its entries once); `mostAtOnce` how many one deployment installs at most: a condition installs one of
 * its sides, `concat`/`union` all of their arguments (at most: `union` drops duplicates). Each expression is counted
 * once too (`concat(a, a)` nested eight deep would otherwise be 2⁸ walks).
 */
export function caEntries(array: Expr, scope: FileScope): { entries: CertificateEntry[]; mostAtOnce: number } {
  const entries: CertificateEntry[] = [];
  const counted = new Map<Expr, number>();
  const walk = (expr: Expr, depth: number): number => {
    const e = unparen(expr);
    const known = counted.get(e);
    if (known !== undefined) return known;
    if (depth > MAX_FOLLOW_DEPTH) return 0;
    counted.set(e, 0); // a variable that names itself adds nothing
    let n = 0;
    if (e.kind === 'array') {
      for (const item of e.items) {
        if (item.kind !== 'object') continue;
        entries.push(caEntry(item, scope));
        n++;
      }
    } else if (e.kind === 'ternary') n = Math.max(walk(e.whenTrue, depth + 1), walk(e.whenFalse, depth + 1));
    else if (e.kind === 'call' && (e.namespace === undefined || e.namespace === 'sys') && ARRAY_JOINS.has(e.name.toLowerCase())) {
      for (const arg of e.args) n += walk(arg, depth + 1);
    } else if (e.kind === 'identifier' && !scope.params.has(e.name)) {
      const value = scope.vars.get(e.name)?.value;
      if (value) n = walk(value, depth + 1);
    }
    counted.set(e, n);
    return n;
  };
  const mostAtOnce = walk(array, 0);
  return { entries, mostAtOnce };
}

function caEntry(item: ObjectExpr, scope: FileScope): CertificateEntry {
  const entry: CertificateEntry = { ref: { file: scope.path, span: item.span }, kind: 'ca' };
  const store = propertyMember(item, 'storeName');
  if (store?.kind === 'property') {
    const v = unparen(store.value);
    entry.storeName = { value: v.kind === 'string' ? v.value : undefined, ref: { file: scope.path, span: store.span } };
  }
  const encoded = property(item, 'encodedCertificate');
  if (encoded) entry.data = certificateData(encoded, scope);
  return entry;
}

/** A `Microsoft.ApiManagement/service/certificates` resource as a client certificate entry. */
export function clientCertificateEntry(node: ResourceNode): CertificateEntry {
  const entry: CertificateEntry = { ref: { file: node.scope.path, span: node.decl.span }, kind: 'client' };
  const data = property(property(node.body, 'properties'), 'data');
  if (data) entry.data = certificateData(data, node.scope);
  return entry;
}
