import type { Expr, ForExpr, ObjectExpr } from '../parsers/bicep/types';
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
 * what their callers pass, in a caller's loop too) and properties (`settings.api`); `pick` keeps the literals wanted
 * from each. In `[for item in items: …]` (`loop`), `item` is each object of `items`.
 */
function literalsOf(expr: Expr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => Owner[], loop?: ForExpr): Owner[] {
  const v = unparen(expr);
  if (v.kind === 'array' || v.kind === 'object') return pick(v, scope);
  if (depth >= MAX_FOLLOW_DEPTH) return [];
  if (v.kind === 'member') {
    return objectsOf(v.target, scope, depth + 1, loop).flatMap((owner) => {
      const value = property(owner.object, v.name);
      return value ? literalsOf(value, owner.scope, depth + 1, pick) : [];
    });
  }
  if (v.kind !== 'identifier') return [];
  if (loop && v.name === loop.itemName) return arrayItems(loop.iterable, scope, depth + 1).flatMap((item) => pick(item.object, item.scope));
  const variable = scope.vars.get(v.name)?.value;
  if (variable) return literalsOf(variable, scope, depth + 1, pick);
  if (!scope.params.has(v.name)) return [];
  return scope.callers.flatMap((site) => {
    const arg = site.args.get(v.name);
    return arg ? literalsOf(arg, site.scope, depth + 1, pick, site.loop) : [];
  });
}

/** The object literals an expression may be (`loop`: the loop the expression is written in, if any). */
export function objectsOf(expr: Expr, scope: FileScope, depth: number, loop?: ForExpr): Owner[] {
  return literalsOf(expr, scope, depth, (e, s) => (e.kind === 'object' ? [{ object: e, scope: s }] : []), loop);
}

/** The object literals held by the array literals an expression may be. */
export function arrayItems(expr: Expr, scope: FileScope, depth: number): Owner[] {
  return literalsOf(expr, scope, depth, (e, s) =>
    e.kind === 'array' ? e.items.filter((i): i is ObjectExpr => i.kind === 'object').map((object) => ({ object, scope: s })) : [],
  );
}
