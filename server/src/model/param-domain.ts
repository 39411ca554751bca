import type { RelatedInfo } from '../core/finding';
import type { Expr, ParamDecl, TypeDecl, TypeExpr } from '../parsers/bicep/types';
import type { FileScope } from './bicep-scope';
import { UNKNOWN, strings, type Value } from './values';

/** A type declaration and the file it lives in (to resolve the names inside it). */
interface TypeDef {
  decl: TypeDecl;
  scope: FileScope;
}

/** Finds a type name in a file: a local `type`, an imported one, or `alias.name` through `import * as alias`. */
export function resolveTypeName(name: string, scope: FileScope, scopes: ReadonlyMap<string, FileScope>): TypeDef | undefined {
  const dot = name.indexOf('.');
  if (dot > 0) {
    const target = scopes.get(scope.wildcards.get(name.slice(0, dot)) ?? '');
    const decl = target?.types.get(name.slice(dot + 1));
    return target && decl ? { decl, scope: target } : undefined;
  }
  const local = scope.types.get(name);
  if (local) return { decl: local, scope };
  const imported = scope.imports.get(name);
  const target = imported && scopes.get(imported.from);
  const decl = imported && target?.types.get(imported.name);
  return target && decl ? { decl, scope: target } : undefined;
}

/** A type with named references followed (and `T?` unwrapped); `def` is the last named type passed through. */
interface Deref {
  type: TypeExpr;
  scope: FileScope;
  def?: TypeDef;
}

function deref(type: TypeExpr, scope: FileScope, scopes: ReadonlyMap<string, FileScope>, def?: TypeDef): Deref {
  let cur: Deref = def ? { type, scope, def } : { type, scope };
  for (let i = 0; i < 16; i++) {
    if (cur.type.kind === 'nullable') cur = { ...cur, type: cur.type.inner };
    else if (cur.type.kind === 'ref') {
      const next = resolveTypeName(cur.type.name, cur.scope, scopes);
      if (!next?.decl.type) return cur;
      cur = { type: next.decl.type, scope: next.scope, def: next };
    } else return cur;
  }
  return cur;
}

/** The string literals a type allows (`'a' | 'b'`, possibly through named unions), or undefined if it allows others. */
function literalStrings(d: Deref, scopes: ReadonlyMap<string, FileScope>, depth = 0): string[] | undefined {
  const t = d.type;
  if (t.kind === 'literal') return t.value.kind === 'string' && t.value.value !== undefined ? [t.value.value] : undefined;
  if (t.kind !== 'union' || depth > 8) return undefined;
  const out: string[] = [];
  for (const m of t.members) {
    const values = literalStrings(deref(m, d.scope, scopes), scopes, depth + 1);
    if (!values) return undefined;
    out.push(...values);
  }
  return out;
}

/** The decorator `@allowed([...])`'s string values, with the decorator's span. */
function allowedValues(param: ParamDecl): { values: string[]; span: { start: number; end: number } } | undefined {
  const d = param.decorators.find((x) => x.call.name === 'allowed');
  const arr = d?.call.args[0];
  if (!d || arr?.kind !== 'array') return undefined;
  const values: string[] = [];
  for (const item of arr.items) {
    if (item.kind !== 'string' || item.value === undefined) return undefined;
    values.push(item.value);
  }
  return { values, span: d.span };
}

/**
 * What a parameter (or a property path inside an object parameter) may hold, in this order:
 * 1. `@allowed([...])`: exactly those values;
 * 2. its type, when it is (or reaches through object-type properties) a union of string literals, also across imports;
 * 3. its default: a string default gives that string **plus `unknown`**, because a deployment may pass another
 *    value (rules then say "may", never "will"); a bool default gives the bool (as `enableClientCertificate` reads it);
 *    in a parameters file (`.bicepparam`) the value assigned, as it is;
 * 4. otherwise unknown.
 * Each step that decides records an origin, labelled with `label` (e.g. "SKU").
 */
export function paramDomain(
  param: ParamDecl,
  props: readonly string[],
  scope: FileScope,
  scopes: ReadonlyMap<string, FileScope>,
  /** Evaluates `e.props…` (only what that path reaches). */
  evalDefault: (e: Expr, props: readonly string[]) => Value,
  origins: RelatedInfo[],
  label: string,
): Value {
  const closed = closedDomain(param, props, scope, scopes, origins, label);
  if (closed) return closed;
  if (param.defaultValue) {
    const v = evalDefault(param.defaultValue, props);
    // In a parameters file `param x = …` is the value itself (`param b = a` there reads a's value, no default).
    if (scope.assignsParams) return v;
    if (v.kind === 'strings') {
      origins.push({ file: scope.path, span: param.defaultValue.span, message: `${label} from the default of parameter ${param.name} (a deployment may pass another value)` });
      return strings(v.values, true);
    }
    return v;
  }
  return UNKNOWN;
}

/**
 * The values a parameter (path) can only ever hold, which Bicep checks at deployment: its `@allowed([...])` values, or
 * the string literals of its (union) type. Undefined when it may hold others.
 */
export function closedDomain(
  param: ParamDecl,
  props: readonly string[],
  scope: FileScope,
  scopes: ReadonlyMap<string, FileScope>,
  origins: RelatedInfo[],
  label: string,
): Value | undefined {
  if (props.length === 0) {
    const allowed = allowedValues(param);
    if (allowed) {
      origins.push({ file: scope.path, span: allowed.span, message: `${label} from @allowed on parameter ${param.name}` });
      return strings(allowed.values);
    }
  }
  if (!param.type) return undefined;
  let d = deref(param.type, scope, scopes);
  for (const key of props) {
    const t = d.type;
    const prop = t.kind === 'object' ? t.properties.find((p) => p.key === key) : undefined;
    if (!prop) return undefined;
    d = deref(prop.type, d.scope, scopes);
  }
  const values = literalStrings(d, scopes);
  if (!values) return undefined;
  const where = d.def ? { file: d.def.scope.path, span: d.def.decl.span } : { file: d.scope.path, span: d.type.span };
  const what = d.def ? `the union type ${d.def.decl.name}` : `the type of parameter ${param.name}`;
  origins.push({ ...where, message: `${label} from ${what}` });
  return strings(values);
}
