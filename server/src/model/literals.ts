import type { Expr, ObjectExpr } from '../parsers/bicep/types';
import { property, type FileScope } from './bicep-scope';
import { unparen } from './expr-walk';

/** Variables, parameters (through their callers) and properties followed from an expression to the literals it may be. */
export const MAX_FOLLOW_DEPTH = 8;

/** An object literal and the file it is written in. */
export interface Owner {
  object: ObjectExpr;
  scope: FileScope;
}

/**
 * The literals an expression may be, each with the file it is written in, following variables, parameters (through
 * what their callers pass) and properties (`settings.api`); `pick` keeps the literals wanted from each.
 */
function literalsOf(expr: Expr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => Owner[]): Owner[] {
  const v = unparen(expr);
  if (v.kind === 'array' || v.kind === 'object') return pick(v, scope);
  if (depth >= MAX_FOLLOW_DEPTH) return [];
  if (v.kind === 'member') {
    return objectsOf(v.target, scope, depth + 1).flatMap((owner) => {
      const value = property(owner.object, v.name);
      return value ? literalsOf(value, owner.scope, depth + 1, pick) : [];
    });
  }
  if (v.kind !== 'identifier') return [];
  const variable = scope.vars.get(v.name)?.value;
  if (variable) return literalsOf(variable, scope, depth + 1, pick);
  if (!scope.params.has(v.name)) return [];
  return scope.callers.flatMap((site) => {
    const arg = site.args.get(v.name);
    return arg ? literalsOf(arg, site.scope, depth + 1, pick) : [];
  });
}

/** The object literals an expression may be. */
export function objectsOf(expr: Expr, scope: FileScope, depth: number): Owner[] {
  return literalsOf(expr, scope, depth, (e, s) => (e.kind === 'object' ? [{ object: e, scope: s }] : []));
}

/** The object literals held by the array literals an expression may be. */
export function arrayItems(expr: Expr, scope: FileScope, depth: number): Owner[] {
  return literalsOf(expr, scope, depth, (e, s) =>
    e.kind === 'array' ? e.items.filter((i): i is ObjectExpr => i.kind === 'object').map((object) => ({ object, scope: s })) : [],
  );
}
