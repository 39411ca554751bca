import type { ArrayExpr, CallExpr, Expr, ForExpr, LambdaExpr, ObjectExpr } from '../parsers/bicep/types';
import { property, siteArg, type CallSite, type FileScope } from './bicep-scope';
import { unparen } from './expr-walk';

/** Variables, parameters (through their callers) and properties followed from an expression to the literals it may be. */
export const MAX_FOLLOW_DEPTH = 8;

/**
 * The steps one question may take following values through variables, parameters and their callers. The depth limit
 * alone allows a path per caller at each level: a module deployed by ten callers at each of eight levels is 10^8 paths
 * (85 s for one service's hostnames). Past it, the answer is what was found so far, as past the depth limit.
 */
const MAX_FOLLOW_STEPS = 20_000;
let followFuel = MAX_FOLLOW_STEPS;
/** Whether the current question stopped a way short (its depth or its steps spent): its answer may miss some. */
let followCut = false;

/**
 * One step of following values (`literalsOf`, `presenceOf`, `defaultedParam`, `loadedTexts`): false once the question's
 * steps are spent. A question starts at depth 0 (its walkers go on at depth + 1), and gets the whole allowance.
 */
export function followStep(depth: number): boolean {
  if (depth === 0) {
    followFuel = MAX_FOLLOW_STEPS;
    followCut = false;
  }
  if (--followFuel >= 0) return true;
  followCut = true;
  return false;
}

/** A way the current question leaves unfollowed at the depth limit. */
export function followCutAtDepth(): void {
  followCut = true;
}

/**
 * Whether the current question (since the last `followStep(0)`) left ways unfollowed: what it found is then not all
 * there is (a text found through one deployment may be passed by others too).
 */
export function followCutShort(): boolean {
  return followCut || followFuel < 0;
}

/**
 * The call sites a text comes through, each with the file whose parameter it passes the text to (`dev.bicepparam`
 * passing `policyXml` to main.bicep, main.bicep's `module api` passing it on): the text is
 * deployed by those deployments only, whose SKU is read from the same sites (`viaSites`). A list, so that a step is
 * one cell, not a copy (a text may be reached by thousands of paths).
 */
export interface Via {
  scope: FileScope;
  site: CallSite;
  /**
   * Other sites of the same file, any of which may be the one (a parameter's default that several parameter sets keep
   * while others pass their own value): the text is deployed by those deployments only.
   */
  also?: readonly CallSite[];
  /** A call in a loop (`[for env in environments: …]`): the item the text was found in (`env.policy` of dev's object). */
  item?: LoopItem;
  next?: Via;
}

/** One item of what a loop goes over: an object literal and the file it is written in. */
export interface LoopItem {
  object: ObjectExpr;
  scope: FileScope;
}

/** The sites of a `Via` by file (one, or the alternatives of a cell), as evaluation takes them (`EvalContext.onlySites`). */
export function viaSites(via: Via): Map<FileScope, CallSite | readonly CallSite[]> {
  const sites = new Map<FileScope, CallSite | readonly CallSite[]>();
  for (let v: Via | undefined = via; v; v = v.next) if (!sites.has(v.scope)) sites.set(v.scope, v.also ? [v.site, ...v.also] : v.site);
  return sites;
}

/** The loop items of a `Via` by call site, as evaluation takes them (`EvalContext.onlyItems`). */
export function viaItems(via: Via): Map<CallSite, LoopItem> {
  const items = new Map<CallSite, LoopItem>();
  for (let v: Via | undefined = via; v; v = v.next) if (v.item && !items.has(v.site)) items.set(v.site, v.item);
  return items;
}

/**
 * The call sites the walk in progress went through (each parameter followed to what a caller passes), so that what it
 * finds can tell which deployments hold it; none inside a parameter that a call whose values can't be read (`params:
 * settings`, a spread) may set too (`walkUnread`).
 */
let walkVia: Via | undefined;
let walkUnread = 0;

/** The call sites the walk went through to here, when they are all of the ways to here (see `walkVia`). */
function currentVia(): Via | undefined {
  return walkUnread > 0 ? undefined : walkVia;
}

/**
 * `run` with the walk's call sites set to `via` (what a literal found earlier came through); `unread` when that
 * literal was found where a call whose values can't be read may pass another (then no site is the only way).
 */
function withVia<T>(via: Via | undefined, run: () => T, unread = false): T {
  const outer = walkVia;
  const outerUnread = walkUnread;
  walkVia = via;
  walkUnread = unread ? 1 : 0;
  try {
    return run();
  } finally {
    walkVia = outer;
    walkUnread = outerUnread;
  }
}

/** An object literal and the file it is written in, and the call sites it was found through (see `Via`). */
export interface Owner {
  object: ObjectExpr;
  scope: FileScope;
  via?: Via;
}

/**
 * The literals an expression may be, each with the file it is written in, following variables, parameters (through
 * what their callers pass, in a caller's loop too) and properties (`settings.api`); `pick` keeps the literals wanted
 * from each. In `[for item in items: …]` (`loop`), `item` is each object of `items`.
 */
function literalsOf<T>(expr: Expr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => T[], loop = lambdaBinding(expr)): T[] {
  const v = unparen(expr);
  if (v.kind === 'array' || v.kind === 'object') return pick(v, scope);
  if (depth >= MAX_FOLLOW_DEPTH) {
    followCutAtDepth();
    return [];
  }
  if (!followStep(depth)) return [];
  if (v.kind !== 'binary' || v.operator !== '??') return followed(v, scope, depth, pick, loop);
  // `apis ?? []`, `api.?policies ?? []` (how the Azure Verified Module loops over its optional arrays): either side, at
  // this depth (its sides are parts of the expression, not a step to another value: the module's chain of loops is as
  // deep as without them).
  return coalesced(v).flatMap((side) => (side.kind === 'array' || side.kind === 'object' ? pick(side, scope) : followed(side, scope, depth, pick, loop)));
}

/**
 * The sides of `a ?? b ?? …`, left to right, without parentheses. An empty literal (`[]`, `{}`) is left out: it holds
 * no item, and taken as an object `settings ?? {}` would say that a setting the left side may hold is absent.
 */
export function coalesced(expr: Expr): Expr[] {
  const out: Expr[] = [];
  // Iteratively: a chain is as long as it is written.
  const pending = [expr];
  while (pending.length > 0) {
    const v = unparen(pending.pop()!);
    if (v.kind === 'binary' && v.operator === '??') pending.push(v.right, v.left);
    else if (!((v.kind === 'array' && v.items.length === 0) || (v.kind === 'object' && v.members.length === 0))) out.push(v);
  }
  return out;
}

/** `literalsOf` for an expression that is neither a literal nor `a ?? b`, once its step is counted. */
function followed<T>(v: Expr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => T[], loop?: ForExpr): T[] {
  const elements = elementsOf(v, scope, depth, loop);
  // Each value with the call sites its literal came through (`apis[0]` of the array dev.bicepparam sets).
  if (elements) return elements.flatMap((e) => withVia(e.via, () => literalsOf(e.expr, e.scope, depth + 1, pick), e.unread));
  const imported = importedVariable(v, scope);
  if (imported) return literalsOf(imported.expr, imported.scope, depth + 1, pick);
  if (v.kind === 'member') {
    return objectsOf(v.target, scope, depth + 1, loop).flatMap((owner) => {
      const value = property(owner.object, v.name);
      return value ? literalsOf(value, owner.scope, depth + 1, pick) : [];
    });
  }
  if (v.kind === 'call') return arrayCall(v, scope, depth, pick, loop);
  if (v.kind !== 'identifier') return [];
  if (loop && v.name === loop.itemName) return arrayItems(loop.iterable, scope, depth + 1).flatMap((item) => withVia(item.via, () => pick(item.object, item.scope)));
  const variable = scope.vars.get(v.name)?.value;
  if (variable) return literalsOf(variable, scope, depth + 1, pick);
  if (!scope.params.has(v.name)) return [];
  const unread = scope.callers.some((site) => site.opaque && !siteArg(site, v.name));
  return scope.callers.flatMap((site) => {
    const arg = siteArg(site, v.name);
    if (!arg) return [];
    const outer = walkVia;
    walkVia = { scope, site, next: outer };
    if (unread) walkUnread++;
    try {
      return literalsOf(arg.expr, arg.scope, depth + 1, pick, site.loop);
    } finally {
      walkVia = outer;
      if (unread) walkUnread--;
    }
  });
}

/**
 * The parts of a lambda's body (`map(items, x => body)`) that are read on their own, with the lambda's parameter bound
 * to each item of what it maps, as a loop binds its item: the body, and the values of the objects and arrays it is
 * written as (`{ policy: x.value.policy }`). A part reached later (an item of the array `map` returns, a property of
 * an object it holds) is read with that binding (see `lambdaBinding`).
 */
const lambdaParts = new WeakMap<Expr, ForExpr>();
const lambdaLoops = new WeakMap<LambdaExpr, ForExpr>();

/** The loop standing for the lambda a part of `map`'s body belongs to, if it is one (see `lambdaParts`). */
export function lambdaBinding(expr: Expr): ForExpr | undefined {
  return lambdaParts.get(expr);
}

/** `x => body` of `map(items, x => body)` as a loop over `items`, its parts registered once. */
function lambdaLoop(lambda: LambdaExpr, iterable: Expr): ForExpr {
  let loop = lambdaLoops.get(lambda);
  if (loop) return loop;
  loop = { kind: 'for', span: lambda.span, itemName: lambda.params[0], indexName: lambda.params[1], iterable, body: lambda.body };
  lambdaLoops.set(lambda, loop);
  const pending: Expr[] = [lambda.body];
  while (pending.length > 0) {
    const part = pending.pop()!;
    lambdaParts.set(part, loop);
    const v = unparen(part);
    if (v.kind === 'object') for (const m of v.members) if (m.kind === 'property') pending.push(m.value);
    if (v.kind === 'array') for (const item of v.items) if (item.kind !== 'spread') pending.push(item);
  }
  return loop;
}

/** The values of the arrays an expression may be (a loop's iterable: `p` in `[for p in texts: …]` is each of them). */
export function itemsOf(expr: Expr, scope: FileScope, depth: number): Located[] {
  return containersOf(expr, scope, depth).flatMap((c) => (c.literal.kind === 'array' ? valuesIn(c) : []));
}

/** Functions whose result holds (some of) the items of their first argument: any of them may be in it. */
const PASSING_ITEMS: ReadonlySet<string> = new Set(['filter', 'sort', 'take', 'skip']);
/** Functions whose result holds the items of each of their arguments (arrays), or the properties of each (objects). */
const JOINING: ReadonlySet<string> = new Set(['union', 'concat']);

/**
 * The arrays an array function's result may be, for `literalsOf`: `filter`/`sort`/`take`/`skip` the arrays their first
 * argument may be (any item may be kept), `union`/`concat` those of each argument, `flatten` the arrays its argument's
 * items may be, and `map(items, x => body)` an array of what `body` may be with `x` bound to each item, as a loop's item
 * is (`[for x in items: body]`). Other calls are nothing known. The arguments and the lambda's body are parts of the
 * expression, read at this depth (see `partOf`): `filter(flatten(map(apis, api => api.policies)), …)` in a variable
 * a resource loops over is as deep as the loop over `apis` would be.
 */
function arrayCall<T>(v: CallExpr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => T[], loop?: ForExpr): T[] {
  if (v.target || (v.namespace !== undefined && v.namespace !== 'sys')) return [];
  const name = v.name.toLowerCase();
  const first = v.args[0];
  if (!first) return [];
  if (PASSING_ITEMS.has(name)) return partOf(first, scope, depth, pick, loop);
  if (JOINING.has(name)) return v.args.flatMap((arg) => partOf(arg, scope, depth, pick, loop));
  if (name === 'flatten') {
    // The items of the arrays `first` may be are arrays: what they may be is what flatten's result may be.
    return partOf(first, scope, depth, pickContainer, loop).flatMap((c) => (c.literal.kind === 'array' ? valuesIn(c).flatMap((item) => literalsOf(item.expr, item.scope, depth + 1, pick)) : []));
  }
  const lambda = v.args[1] && unparen(v.args[1]);
  if (name !== 'map' || lambda?.kind !== 'lambda') return [];
  // `api => api.policies`: the body, where `api` is each item of `first` (a loop over it, as the model binds one).
  const binding = lambdaLoop(lambda, first);
  const items = partOf(lambda.body, scope, depth, pickContainer, binding);
  // A body that is no object or array (`a => a.value.policy`): the array map returns holds the body itself, read
  // with its parameter bound wherever an item is read.
  if (items.length === 0) return pick({ kind: 'array', span: v.span, items: [lambda.body] }, scope);
  // One array per file the values are written in (each read there), standing for the array map returns.
  const byScope = new Map<FileScope, Expr[]>();
  for (const item of items) {
    const list = byScope.get(item.scope);
    if (list) list.push(item.literal);
    else byScope.set(item.scope, [item.literal]);
  }
  return [...byScope].flatMap(([s, list]) => pick({ kind: 'array', span: v.span, items: list }, s));
}

/**
 * `literalsOf` for a part of an expression whose step is counted (an array function's argument, a lambda's body): at
 * the same depth, each part spending one unit of the question's allowance (a part is looked at as often as the
 * expression is reached: a call of 20,000 arguments reached 20,000 times stops at the allowance).
 */
function partOf<T>(expr: Expr, scope: FileScope, depth: number, pick: (e: Expr, scope: FileScope) => T[], loop?: ForExpr): T[] {
  const v = unparen(expr);
  if (--followFuel < 0) return [];
  if (v.kind === 'array' || v.kind === 'object') return pick(v, scope);
  if (v.kind === 'binary' && v.operator === '??') return coalesced(v).flatMap((side) => partOf(side, scope, depth, pick, loop));
  return followed(v, scope, depth, pick, loop);
}

/** The object literals an expression may be (`loop`: the loop the expression is written in, if any). */
export function objectsOf(expr: Expr, scope: FileScope, depth: number, loop?: ForExpr): Owner[] {
  return literalsOf<Owner>(expr, scope, depth, (e, s) => (e.kind === 'object' ? [{ object: e, scope: s, via: currentVia() }] : []), loop);
}

/** The object literals held by the array literals an expression may be (items written there, or held by variables). */
export function arrayItems(expr: Expr, scope: FileScope, depth: number): Owner[] {
  return literalsOf<Owner>(expr, scope, depth, (e, s) =>
    e.kind === 'array' ? e.items.flatMap((i) => (i.kind === 'object' ? [{ object: i, scope: s, via: currentVia() }] : i.kind === 'identifier' ? objectsOf(i, s, depth + 1) : [])) : [],
  );
}

/** An expression and the file it is written in (and, for a value found in a literal, the call sites to it). */
export interface Located {
  expr: Expr;
  scope: FileScope;
  via?: Via;
  /** Found where a call whose values can't be read may pass another value (see `walkUnread`): no site is the only way. */
  unread?: true;
}

/**
 * What a lookup into a literal may be: `policies[name]` (any value of the objects or arrays `policies` may be, or
 * the one property a literal key names) and, in `[for p in items(policies): …]`, `p.value` (any value of
 * `policies`). Undefined for other expressions, so that callers go on with their own cases.
 */
export function elementsOf(expr: Expr, scope: FileScope, depth: number, loop?: ForExpr): Located[] | undefined {
  const v = unparen(expr);
  if (depth >= MAX_FOLLOW_DEPTH) return undefined;
  if (v.kind === 'index') {
    const key = unparen(v.index);
    const named = key.kind === 'string' && key.value !== undefined ? key.value : undefined;
    return containersOf(v.target, scope, depth + 1, loop).flatMap((c) => valuesIn(c, named));
  }
  if (v.kind === 'member' && v.name === 'value' && loop && loop.itemName !== undefined) {
    const target = unparen(v.target);
    const iterable = unparen(loop.iterable);
    if (target.kind !== 'identifier' || target.name !== loop.itemName) return undefined;
    if (iterable.kind !== 'call' || iterable.name.toLowerCase() !== 'items' || !iterable.args[0]) return undefined;
    return objectsOf(iterable.args[0], scope, depth + 1).flatMap((o) => valuesIn({ literal: o.object, scope: o.scope, via: o.via }));
  }
  return undefined;
}

interface Container {
  literal: ObjectExpr | ArrayExpr;
  scope: FileScope;
  /** The call sites it was found through (see `Via`), or that they are not known (`unread`). */
  via?: Via;
  unread?: true;
}

/** The object and array literals an expression may be. */
function containersOf(expr: Expr, scope: FileScope, depth: number, loop?: ForExpr): Container[] {
  return literalsOf<Container>(expr, scope, depth, pickContainer, loop);
}

function pickContainer(e: Expr, scope: FileScope): Container[] {
  if (e.kind !== 'object' && e.kind !== 'array') return [];
  return [walkUnread > 0 ? { literal: e, scope, unread: true } : { literal: e, scope, via: walkVia }];
}

/**
 * The values a literal holds: its items, its properties' values, or the one property a literal `key` names; each
 * with the call sites the literal was found through.
 */
function valuesIn({ literal, scope, via, unread }: Container, key?: string): Located[] {
  const at = (expr: Expr): Located => (unread ? { expr, scope, unread } : via ? { expr, scope, via } : { expr, scope });
  if (literal.kind === 'array') return key === undefined ? literal.items.flatMap((expr) => (expr.kind === 'spread' ? [] : [at(expr)])) : [];
  if (key !== undefined) {
    const value = property(literal, key);
    return value ? [at(value)] : [];
  }
  return literal.members.flatMap((m) => (m.kind === 'property' ? [at(m.value)] : []));
}

/**
 * A variable another file exports and this one imports: `fragments` after `import { fragments } from 'store.bicep'`
 * (or its alias), `store.fragments` after `import * as store from 'store.bicep'`. Its value, in the file it is written
 * in (where its `loadTextContent` paths are relative to).
 */
export function importedVariable(expr: Expr, scope: FileScope): Located | undefined {
  let from: string | undefined;
  let name: string | undefined;
  if (expr.kind === 'identifier' && !scope.vars.has(expr.name) && !scope.params.has(expr.name)) {
    const symbol = scope.imports.get(expr.name);
    if (symbol) ({ from, name } = symbol);
  } else if (expr.kind === 'member' && expr.target.kind === 'identifier') {
    from = scope.wildcards.get(expr.target.name);
    name = expr.name;
  }
  if (from === undefined || name === undefined) return undefined;
  const target = scope.others?.get(from);
  const value = target?.vars.get(name)?.value;
  return target && value ? { expr: value, scope: target } : undefined;
}
