import type { Expr, VarDecl } from '../parsers/bicep/types';
import type { FileScope } from './bicep-scope';
import { evaluate, paramRef, possibleValues, type EvalContext, type ParamRef } from './evaluate';
import { children } from './expr-walk';
import { SKUS, toSku, type Sku, type SkuSet } from './sku';
import { truth, type Value } from './values';

/** The parameter paths an expression depends on, following variables. */
export function freeParams(expr: Expr, scope: FileScope, out = new Map<string, ParamRef>(), depth = 0, visiting = new Set<VarDecl>()): Map<string, ParamRef> {
  if (depth > 64) return out;
  const ref = paramRef(expr, scope);
  if (ref) {
    out.set(ref.key, ref);
    return out;
  }
  if (expr.kind === 'identifier') {
    const v = scope.vars.get(expr.name);
    if (v?.value && !visiting.has(v)) {
      visiting.add(v);
      freeParams(v.value, scope, out, depth + 1, visiting);
    }
    return out;
  }
  for (const c of children(expr)) freeParams(c, scope, out, depth + 1, visiting);
  return out;
}

function toSkuSet(v: Value, ctx: EvalContext): SkuSet {
  if (v.kind !== 'strings') return { values: new Set(), unknown: true, origins: ctx.origins };
  const values = new Set<Sku>();
  let unknown = v.unknown;
  for (const s of v.values) {
    const sku = toSku(s);
    if (sku) values.add(sku);
    else unknown = true;
  }
  return { values, unknown, origins: ctx.origins };
}

/** The SKUs `sku.name` may evaluate to, with the origins that decide them. */
export function skuSetOf(
  skuExpr: Expr | undefined,
  scope: FileScope,
  scopes: ReadonlyMap<string, FileScope>,
  what = 'The service’s sku.name',
  onlySites?: EvalContext['onlySites'],
  onlyItems?: EvalContext['onlyItems'],
): SkuSet {
  if (!skuExpr) return { values: new Set(), unknown: true, origins: [] };
  const ctx: EvalContext = { scopes, origins: [{ file: scope.path, span: skuExpr.span, message: what }], label: 'SKU', ...(onlySites ? { onlySites } : {}), ...(onlyItems?.size ? { onlyItems } : {}) };
  return toSkuSet(evaluate(skuExpr, scope, ctx), ctx);
}

/**
 * The SKUs for which `guard` evaluates to `presentWhen` (or can't be decided). When the SKU depends on one parameter
 * path, each value it may take is tried in turn, so `contains(classicSkus, settings.sku)` yields exactly the classic
 * SKUs among the service's possible ones.
 */
export function skusWhere(
  guard: Expr,
  presentWhen: boolean,
  skuExpr: Expr | undefined,
  scope: FileScope,
  scopes: ReadonlyMap<string, FileScope>,
  serviceSkus: SkuSet,
): SkuSet {
  const origins = [{ file: scope.path, span: guard.span, message: `Present only for the SKUs where this condition is ${presentWhen}` }];
  const free = skuExpr ? [...freeParams(skuExpr, scope).values()] : [];
  const possible = (s: Sku): boolean => serviceSkus.unknown || serviceSkus.values.has(s);
  if (skuExpr && free.length === 1) {
    const ref = free[0]!;
    const quiet: EvalContext = { scopes, origins: [], label: 'SKU' };
    const domain = possibleValues(ref, quiet);
    const candidates = new Set<string>(domain.kind === 'strings' ? domain.values : []);
    if (domain.kind !== 'strings' || domain.unknown) for (const s of SKUS) candidates.add(s);
    const values = new Set<Sku>();
    for (const c of candidates) {
      const ctx: EvalContext = { scopes, origins: [], label: 'SKU', bindings: new Map([[ref.key, c]]) };
      const sku = toSkuSet(evaluate(skuExpr, scope, ctx), ctx);
      const g = truth(evaluate(guard, scope, ctx));
      if (g !== !presentWhen) for (const s of sku.values) if (possible(s)) values.add(s);
    }
    return { values, unknown: false, origins };
  }
  const g = truth(evaluate(guard, scope, { scopes, origins: [], label: 'SKU' }));
  if (g === !presentWhen) return { values: new Set(), unknown: false, origins };
  return { values: serviceSkus.values, unknown: serviceSkus.unknown, origins };
}
