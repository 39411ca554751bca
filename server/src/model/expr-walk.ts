import type { CallExpr, Expr } from '../parsers/bicep/types';

/** The direct sub-expressions of an expression (nested resources excluded). */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'string':
      return (e.parts ?? []).flatMap((p) => (p.kind === 'hole' ? [p.expr] : []));
    case 'object':
      return e.members.flatMap((m) => (m.kind === 'property' ? [m.value] : m.kind === 'spread' ? [m.expr] : []));
    case 'array':
      return e.items.map((i) => (i.kind === 'spread' ? i.expr : i));
    case 'member':
      return [e.target];
    case 'index':
      return [e.target, e.index];
    case 'call':
      return e.target ? [e.target, ...e.args] : e.args;
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'ternary':
      return [e.condition, e.whenTrue, e.whenFalse];
    case 'for':
      return [e.iterable, e.body];
    case 'if':
      return [e.condition, e.body];
    case 'lambda':
      return [e.body];
    case 'paren':
      return [e.expr];
    default:
      return [];
  }
}

/** The first call (depth-first) whose name is one of `names` (compared case-insensitively). */
export function findCall(e: Expr, names: ReadonlySet<string>, depth = 0): CallExpr | undefined {
  if (depth > 32) return undefined;
  if (e.kind === 'call' && names.has(e.name.toLowerCase())) return e;
  for (const c of children(e)) {
    const hit = findCall(c, names, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** Strips parentheses. */
export function unparen(e: Expr): Expr {
  let cur = e;
  while (cur.kind === 'paren') cur = cur.expr;
  return cur;
}
