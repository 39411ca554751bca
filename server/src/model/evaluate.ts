import * as path from 'node:path';
import type { RelatedInfo } from '../core/finding';
import type { Expr, ForExpr, ParamDecl, VarDecl } from '../parsers/bicep/types';
import { siteArg, type CallSite, type FileScope } from './bicep-scope';
import type { LoopItem } from './literals';
import { closedDomain, paramDomain } from './param-domain';
import { MAX_STRING_LENGTH, MAX_STRINGS, UNKNOWN, bool, compareStrings, join, mapStrings, not, strings, truth, type Value } from './values';

const MAX_DEPTH = 64;

/** How to evaluate: the workspace's files, parameter paths pinned to one value, and where origins go. */
export interface EvalContext {
  scopes: ReadonlyMap<string, FileScope>;
  /** Parameter paths (see `ParamRef.key`) fixed to one string while enumerating the possibilities of a guard. */
  bindings?: ReadonlyMap<string, string>;
  origins: RelatedInfo[];
  /** Names what is being resolved in origin messages ("SKU"). */
  label: string;
  /** Parameters already resolved in this evaluation (through their callers), and those being resolved (cycles). */
  params?: Map<string, Value>;
  resolving?: Set<string>;
  /** Variables already evaluated in this context (by path): each is evaluated once, not once per use. */
  vars?: Map<VarDecl, Map<string, Value>>;
  /** Evaluation steps left: a Bicep file built to take exponential time gets unknown values, not a stall. */
  fuel?: { left: number };
  /**
   * One deployment: each file here takes its parameters from this call site only (a `.bicepparam`, one module call),
   * not the union over every site, so that two settings are read together (the SKU and `enableClientCertificate` of
   * dev; the SKU and the policy that dev passes). Other files' parameters take every site's values.
   */
  onlySites?: ReadonlyMap<FileScope, CallSite | readonly CallSite[]>;
  /**
   * While a module call's argument in a loop is evaluated (`[for env in environments: { params: { skuName: env.sku } }]`):
   * the loop, whose item (`env`) is any item of what it goes over.
   */
  loop?: { scope: FileScope; loop: ForExpr; item?: LoopItem };
  /** With `onlySites`: a call in a loop takes its values from this item only (the deployment of dev's environment). */
  onlyItems?: ReadonlyMap<CallSite, LoopItem>;
}

/** A path step that is any item of an array (`env.sku` for the loop's item `env`: `environments[*].sku`). */
const ANY_ITEM = '\u0000[*]';

/** Evaluation steps one context may take (a real template takes a few hundred; thousands of SKU lookups fit easily). */
const MAX_STEPS = 200_000;

/** Counts one step of `ctx`'s evaluation; false when its steps are spent. */
function step(ctx: EvalContext): boolean {
  const fuel = (ctx.fuel ??= { left: MAX_STEPS });
  return --fuel.left > 0;
}

/** A parameter or a property path in it (`settings.sku`): `key` is unique in the workspace. */
export interface ParamRef {
  key: string;
  param: ParamDecl;
  props: string[];
  scope: FileScope;
}

/** `p`, `p.a.b` (also with `.?`) where `p` is a parameter of `scope`. */
export function paramRef(expr: Expr, scope: FileScope): ParamRef | undefined {
  const props: string[] = [];
  let e = expr;
  // Pushed from the outside in and turned round once (an unshift per member was quadratic in a long chain).
  while (e.kind === 'member') {
    props.push(e.name);
    e = e.target;
  }
  props.reverse();
  if (e.kind !== 'identifier') return undefined;
  const param = scope.params.get(e.name);
  return param ? { key: `${scope.path}#${[e.name, ...props].join('.')}`, param, props, scope } : undefined;
}

/** Evaluates a Bicep expression as far as literals, parameters' domains, variables and simple functions allow. */
export function evaluate(expr: Expr, scope: FileScope, ctx: EvalContext, depth = 0, visiting: Set<VarDecl> = new Set()): Value {
  if (depth > MAX_DEPTH || !step(ctx)) return cut();
  const ev = (e: Expr): Value => evaluate(e, scope, ctx, depth + 1, visiting);
  switch (expr.kind) {
    case 'string':
      return expr.value !== undefined ? strings([expr.value]) : interpolate(expr.parts ?? [], ev);
    case 'bool':
      return bool(expr.value);
    case 'null':
      return { kind: 'null' };
    case 'paren':
      return ev(expr.expr);
    case 'array':
      return { kind: 'array', items: expr.items.map((i) => (i.kind === 'spread' ? UNKNOWN : ev(i))) };
    case 'object': {
      const props = new Map<string, Value>();
      for (const m of expr.members) if (m.kind === 'property') props.set(m.key, ev(m.value));
      return { kind: 'object', props };
    }
    case 'identifier':
    case 'member': {
      if (expr.kind === 'identifier') {
        const item = loopItem(expr.name, [], scope, ctx, depth, visiting);
        if (item) return item;
      }
      const ref = paramRef(expr, scope);
      if (ref) return paramValue(ref, ctx, depth, visiting);
      if (expr.kind === 'identifier') return symbolValue(expr.name, [], scope, ctx, depth, visiting);
      if (expr.name === 'name' && expr.target.kind === 'identifier') {
        const own = resourceName(scope, expr.target.name);
        if (own) return ev(own);
      }
      return evaluatePath(expr.target, [expr.name], scope, ctx, depth + 1, visiting);
    }
    case 'unary':
      if (expr.operator === '!') return bool(not(truth(ev(expr.operand))));
      return expr.operator === '!postfix' ? ev(expr.operand) : UNKNOWN;
    case 'ternary': {
      const c = truth(ev(expr.condition));
      if (c === 'unknown') return join(ev(expr.whenTrue), ev(expr.whenFalse));
      return ev(c ? expr.whenTrue : expr.whenFalse);
    }
    case 'binary':
      return binary(expr.operator, expr.left, expr.right, ev);
    case 'call':
      return call(expr.name.toLowerCase(), expr.namespace, expr.args.map(ev));
    case 'index':
      return indexed(expr, [], scope, ctx, depth + 1, visiting);
    default:
      return UNKNOWN;
  }
}

/**
 * `table[key].props…`: the entry of each value the key may take (`skuConfig[environment].apim.name`, a lookup table
 * keyed by an `@allowed` parameter); every entry of an object literal when the key is not known.
 */
function indexed(expr: Extract<Expr, { kind: 'index' }>, props: readonly string[], scope: FileScope, ctx: EvalContext, depth: number, visiting: Set<VarDecl>): Value {
  if (depth > MAX_DEPTH) return cut();
  const key = evaluate(expr.index, scope, ctx, depth + 1, visiting);
  const entry = (k: string): Value => evaluatePath(expr.target, [k, ...props], scope, ctx, depth + 1, visiting);
  let acc: Value | undefined;
  if (key.kind === 'strings') for (const k of key.values) acc = acc ? join(acc, entry(k)) : entry(k);
  if (key.kind !== 'strings' || key.unknown || acc === undefined) {
    const table = evaluate(expr.target, scope, ctx, depth + 1, visiting);
    if (table.kind !== 'object' || table.props.size === 0) return UNKNOWN;
    for (const k of table.props.keys()) acc = acc ? join(acc, entry(k)) : entry(k);
  }
  return acc ?? UNKNOWN;
}

/**
 * `expr.props…`, evaluating only what the path reaches: the other properties of an object on the way are not
 * evaluated, so the parameters they use leave no origins (`settings.sku` of `{ name: f(env, location), sku: sku }`
 * comes from `sku` alone).
 */
export function evaluatePath(expr: Expr, props: readonly string[], scope: FileScope, ctx: EvalContext, depth = 0, visiting: Set<VarDecl> = new Set()): Value {
  if (props.length === 0) return evaluate(expr, scope, ctx, depth, visiting);
  if (depth > MAX_DEPTH || !step(ctx)) return cut();
  const along = (e: Expr, rest: readonly string[]): Value => evaluatePath(e, rest, scope, ctx, depth + 1, visiting);
  switch (expr.kind) {
    case 'paren':
      return along(expr.expr, props);
    case 'member':
      // `a.b` then `.c`: the path `a` → `b.c` (parameters and variables are met at its root).
      return along(expr.target, [expr.name, ...props]);
    case 'array':
      if (props[0] !== ANY_ITEM) break;
      return anyOf(expr.items.map((i) => (i.kind === 'spread' ? UNKNOWN : along(i, props.slice(1)))));
    case 'object': {
      // A spread may bring the property (or override it): evaluated whole, as before.
      if (expr.members.some((m) => m.kind !== 'property')) break;
      let found: Expr | undefined;
      for (const m of expr.members) if (m.kind === 'property' && m.key === props[0]) found = m.value;
      return found ? along(found, props.slice(1)) : UNKNOWN;
    }
    case 'identifier': {
      const item = loopItem(expr.name, props, scope, ctx, depth, visiting);
      if (item) return item;
      const ref = paramRef(expr, scope);
      if (ref) return paramValue({ ...ref, key: `${ref.key}.${props.join('.')}`, props: [...ref.props, ...props] }, ctx, depth, visiting);
      return symbolValue(expr.name, props, scope, ctx, depth, visiting);
    }
    case 'ternary': {
      const c = truth(evaluate(expr.condition, scope, ctx, depth + 1, visiting));
      if (c === 'unknown') return join(along(expr.whenTrue, props), along(expr.whenFalse, props));
      return along(c ? expr.whenTrue : expr.whenFalse, props);
    }
    case 'index':
      return indexed(expr, props, scope, ctx, depth + 1, visiting);
    default:
      break;
  }
  return stepInto(evaluate(expr, scope, ctx, depth + 1, visiting), props);
}

/** A value's part along `props` (`ANY_ITEM`: any item of an array). */
function stepInto(value: Value, props: readonly string[]): Value {
  let v = value;
  for (let i = 0; i < props.length; i++) {
    const key = props[i]!;
    if (key === ANY_ITEM) return v.kind === 'array' ? anyOf(v.items.map((item) => stepInto(item, props.slice(i + 1)))) : UNKNOWN;
    v = v.kind === 'object' ? (v.props.get(key) ?? UNKNOWN) : UNKNOWN;
  }
  return v;
}

/** Any of several values (an empty array: unknown). */
function anyOf(values: Value[]): Value {
  let acc: Value | undefined;
  for (const v of values) acc = acc ? join(acc, v) : v;
  return acc ?? UNKNOWN;
}

/**
 * The loop's item (`env`, along `props`) while a module call's argument in that loop is evaluated: any item of what the
 * loop goes over (`environments[*].sku`). Undefined for any other name; the index is unknown.
 */
function loopItem(name: string, props: readonly string[], scope: FileScope, ctx: EvalContext, depth: number, visiting: Set<VarDecl>): Value | undefined {
  const current = ctx.loop;
  if (!current || current.scope !== scope) return undefined;
  if (name === current.loop.indexName) return UNKNOWN;
  if (name !== current.loop.itemName) return undefined;
  // What the loop goes over is written outside it: its names are not the item.
  ctx.loop = undefined;
  try {
    const item = current.item;
    if (item) return evaluatePath(item.object, props, item.scope, ctx, depth + 1, visiting);
    return evaluatePath(current.loop.iterable, [ANY_ITEM, ...props], scope, ctx, depth + 1, visiting);
  } finally {
    ctx.loop = current;
  }
}

/**
 * The `name` expression of a resource of this file (`apim.name`, in `'${apim.name}/on-prem'`): its `.name` is that name
 * as written, also for a child declared with `parent:` or nested in its parent (`api.name` is 'orders', not
 * 'apim/orders'; Bicep since 0.3, Azure/bicep#1922). A collection's depends on the index: unknown.
 */
function resourceName(scope: FileScope, symbol: string): Expr | undefined {
  const node = scope.bySymbol.get(symbol);
  // A module's `.name` is its deployment's name, not the service's it deploys.
  if (!node || node.registry || node.decl.value?.kind === 'for' || node.body?.kind !== 'object') return undefined;
  let name: Expr | undefined;
  for (const m of node.body.members) {
    if (m.kind === 'property' && m.key === 'name') name = m.value;
  }
  return name;
}

function paramValue(ref: ParamRef, ctx: EvalContext, depth: number, visiting: Set<VarDecl>): Value {
  const bound = ctx.bindings?.get(ref.key);
  if (bound !== undefined) return strings([bound]);
  return possibleValues(ref, ctx, (e, scope, props) => evaluatePath(e, props, scope, ctx, depth + 1, visiting));
}

/** Does a value say anything (a string, a known bool), as an origin of what was found? */
function tells(v: Value): boolean {
  return (v.kind === 'strings' && v.values.size > 0) || (v.kind === 'bool' && v.value !== 'unknown') || v.kind === 'null';
}

/**
 * What a parameter (path) may hold. A file deployed by others in the workspace (`module … params: { … }`, a
 * `.bicepparam` with `using`) takes the values they pass: the union over the call sites, with the parameter's default
 * where a site leaves it out (its own domain, see `paramDomain`, when it has none), and unknown values where a site's
 * can't be read. A file nobody
 * deploys keeps its own domain. Each parameter is resolved once per evaluation (modules can form diamonds), and a
 * cycle (invalid Bicep) gives unknown.
 */
export function possibleValues(
  ref: ParamRef,
  ctx: EvalContext,
  ev: (e: Expr, scope: FileScope, props: readonly string[]) => Value = (e, scope, props) => evaluatePath(e, props, scope, ctx),
): Value {
  const own = (): Value => paramDomain(ref.param, ref.props, ref.scope, ctx.scopes, (e, props) => ev(e, ref.scope, props), ctx.origins, ctx.label);
  const only = ctx.onlySites?.get(ref.scope);
  // One deployment's site, or the few any of which may be it (see `Via.also`).
  const sites: readonly CallSite[] = only ? (isSiteList(only) ? only : [only]) : ref.scope.callers;
  if (sites.length === 0) return own();
  const memo = (ctx.params ??= new Map());
  const known = memo.get(ref.key);
  if (known) return known;
  const resolving = (ctx.resolving ??= new Set());
  if (resolving.has(ref.key)) return UNKNOWN;
  resolving.add(ref.key);
  try {
    let acc: Value | undefined;
    let omitted = false;
    for (const site of sites) {
      const arg = siteArg(site, ref.param.name);
      if (!arg) {
        if (site.opaque) acc = acc ? widen(acc, UNKNOWN) : UNKNOWN;
        else if (ref.param.defaultValue) {
          // Left out by this site: the default is what this deployment gets (not "the default, or another value").
          const v = ev(ref.param.defaultValue, ref.scope, ref.props);
          ctx.origins.push({ file: ref.scope.path, span: ref.param.defaultValue.span, message: `${ctx.label} from the default of parameter ${ref.param.name}, which ${site.description} doesn't pass` });
          acc = acc ? widen(acc, v) : v;
        } else omitted = true;
        continue;
      }
      const v = site.loop ? inLoop(ctx, arg.scope, site.loop, () => ev(arg.expr, arg.scope, ref.props), ctx.onlyItems?.get(site)) : ev(arg.expr, arg.scope, ref.props);
      // Only where a value was found: "SKU passed to parameter settings" under "unknown" misled (an object without one).
      if (tells(v)) {
        // Inherited: from the base file itself, or from one further up its chain.
        const by =
          arg.scope === site.scope
            ? site.description
            : `${path.basename(arg.scope.path)}, ${arg.scope.path === site.scope.extends ? 'which' : 'a base file that'} ${site.description} extends`;
        ctx.origins.push({ file: arg.scope.path, span: arg.expr.span, message: `${ctx.label} passed to parameter ${ref.param.name} by ${by}` });
      }
      acc = acc ? widen(acc, v) : v;
    }
    if (omitted || !acc) acc = acc ? widen(acc, own()) : own();
    // What a site passes that can't be read (an azd `${AZURE_API_MANAGEMENT_SKU}`, an environment variable) is still
    // one of the values the parameter's @allowed or union type admits: Bicep refuses any other at deployment.
    if (acc.kind === 'unknown' || (acc.kind === 'strings' && acc.unknown)) {
      const closed = closedDomain(ref.param, ref.props, ref.scope, ctx.scopes, ctx.origins, ctx.label);
      if (closed) acc = closed;
    }
    memo.set(ref.key, acc);
    return acc;
  } finally {
    resolving.delete(ref.key);
  }
}

/** Evaluates `run` with `loop`'s item standing for any item of what it goes over (see `EvalContext.loop`). */
function inLoop(ctx: EvalContext, scope: FileScope, loop: ForExpr, run: () => Value, item?: LoopItem): Value {
  const outer = ctx.loop;
  ctx.loop = item ? { scope, loop, item } : { scope, loop };
  try {
    return run();
  } finally {
    ctx.loop = outer;
  }
}

/** `join`, except that known strings joined with an unknown value stay known, flagged unknown ("X or another"). */
function widen(a: Value, b: Value): Value {
  if (a.kind === 'strings' && b.kind === 'unknown') return strings(a.values, true);
  if (a.kind === 'unknown' && b.kind === 'strings') return strings(b.values, true);
  return join(a, b);
}

/**
 * A variable's value (along `props`): of this file, or imported from another (`import { v } from 'x.bicep'`, or
 * `x.v…` with `import * as x from 'x.bicep'`), evaluated in the file that declares it. A variable met again while
 * evaluating itself (a cycle) is unknown.
 */
function symbolValue(name: string, props: readonly string[], scope: FileScope, ctx: EvalContext, depth: number, visiting: Set<VarDecl>): Value {
  const own = scope.vars.get(name);
  if (own) return variable(own, scope, ctx, depth, visiting, props);
  const symbol = scope.imports.get(name);
  const wildcard = symbol ? undefined : scope.wildcards.get(name);
  const target = ctx.scopes.get(symbol?.from ?? wildcard ?? '');
  if (!target) return UNKNOWN;
  if (symbol) return variable(target.vars.get(symbol.name), target, ctx, depth, visiting, props);
  const [first, ...rest] = props;
  return first === undefined ? UNKNOWN : variable(target.vars.get(first), target, ctx, depth, visiting, rest);
}

function variable(decl: VarDecl | undefined, scope: FileScope, ctx: EvalContext, depth: number, visiting: Set<VarDecl>, props: readonly string[] = []): Value {
  if (!decl?.value) return UNKNOWN;
  if (visiting.has(decl)) return cut();
  // Once per context: `var b = a == 'x' ? a : a` chains are linear, not exponential. A value cut short (see `cuts`)
  // is not kept.
  const key = props.join('.');
  const known = ctx.vars?.get(decl)?.get(key);
  if (known) return known;
  visiting.add(decl);
  const cutsBefore = cuts;
  let value: Value;
  try {
    value = evaluatePath(decl.value, props, scope, ctx, depth + 1, visiting);
  } finally {
    visiting.delete(decl);
  }
  if (cuts === cutsBefore) {
    const byPath = (ctx.vars ??= new Map()).get(decl) ?? new Map<string, Value>();
    byPath.set(key, value);
    ctx.vars.set(decl, byPath);
  }
  return value;
}

/**
 * How many times an evaluation was cut short (a variable cycle, the depth limit, the steps spent): a variable's value
 * computed meanwhile depends on where the evaluation came from, so it is not cached.
 */
let cuts = 0;

function cut(): Value {
  cuts++;
  return UNKNOWN;
}

/** The length of the longest of the strings. */
function longest(values: ReadonlySet<string>): number {
  let n = 0;
  for (const v of values) if (v.length > n) n = v.length;
  return n;
}

function interpolate(parts: NonNullable<Extract<Expr, { kind: 'string' }>['parts']>, ev: (e: Expr) => Value): Value {
  let acc: Value = strings(['']);
  for (const p of parts) {
    const v = p.kind === 'text' ? strings([p.value]) : ev(p.expr);
    if (acc.kind !== 'strings' || v.kind !== 'strings' || v.unknown) return UNKNOWN;
    // What `strings` would refuse is not built: 64 values of 32 KB twice over made 4,096 strings of 64 KB (≈ 256 MB) for
    // one step of the evaluation, before it was judged. Too long, or more text than 64 values at the longest could be
    // (only repeats among the combinations could have saved it): unknown, as `strings` says.
    const length = longest(acc.values) + longest(v.values);
    if (length > MAX_STRING_LENGTH || acc.values.size * v.values.size * length > MAX_STRINGS * MAX_STRING_LENGTH) return strings([], true);
    const out: string[] = [];
    for (const a of acc.values) for (const b of v.values) out.push(a + b);
    acc = strings(out);
  }
  return acc;
}

function binary(op: string, l: Expr, r: Expr, ev: (e: Expr) => Value): Value {
  const left = ev(l);
  switch (op) {
    case '&&': {
      const a = truth(left);
      if (a === false) return bool(false);
      const b = truth(ev(r));
      return bool(a === true ? b : b === false ? false : 'unknown');
    }
    case '||': {
      const a = truth(left);
      if (a === true) return bool(true);
      const b = truth(ev(r));
      return bool(a === false ? b : b === true ? true : 'unknown');
    }
    case '??':
      if (left.kind === 'null') return ev(r);
      return left.kind === 'unknown' ? join(left, ev(r)) : left;
    case '==':
    case '!=':
    case '=~':
    case '!~': {
      const right = ev(r);
      const insensitive = op.endsWith('~');
      let eq: ReturnType<typeof truth> = 'unknown';
      if (left.kind === 'bool' && right.kind === 'bool' && left.value !== 'unknown' && right.value !== 'unknown') eq = left.value === right.value;
      else if (left.kind === 'null' || right.kind === 'null') eq = left.kind === right.kind ? true : left.kind === 'unknown' || right.kind === 'unknown' ? 'unknown' : false;
      else eq = compareStrings(left, right, insensitive ? (x, y) => x.toLowerCase() === y.toLowerCase() : (x, y) => x === y);
      return bool(op.startsWith('!') ? not(eq) : eq);
    }
    default:
      return UNKNOWN;
  }
}

function call(name: string, namespace: string | undefined, args: Value[]): Value {
  if (namespace !== undefined && namespace !== 'sys') return UNKNOWN;
  const [a, b] = args;
  switch (name) {
    case 'tolower':
      return a ? mapStrings(a, (s) => s.toLowerCase()) : UNKNOWN;
    case 'toupper':
      return a ? mapStrings(a, (s) => s.toUpperCase()) : UNKNOWN;
    case 'string':
      if (a?.kind === 'bool' && a.value !== 'unknown') return strings([String(a.value)]);
      return a?.kind === 'strings' ? a : UNKNOWN;
    case 'startswith':
      return a && b ? bool(compareStrings(a, b, (x, y) => x.toLowerCase().startsWith(y.toLowerCase()))) : UNKNOWN;
    case 'endswith':
      return a && b ? bool(compareStrings(a, b, (x, y) => x.toLowerCase().endsWith(y.toLowerCase()))) : UNKNOWN;
    case 'contains':
      return a && b ? bool(contains(a, b)) : UNKNOWN;
    case 'readenvironmentvariable':
      // .bicepparam: `readEnvironmentVariable('APIM_SKU', 'Developer')` is the default or whatever the pipeline sets.
      return b?.kind === 'strings' ? strings(b.values, true) : UNKNOWN;
    case 'empty':
      if (a?.kind === 'array') return bool(a.items.length === 0);
      return a?.kind === 'null' ? bool(true) : a ? bool(compareStrings(a, strings(['']), (x, y) => x === y)) : UNKNOWN;
    default:
      return UNKNOWN;
  }
}

/** `contains(array, item)` (case-sensitive, as ARM) and `contains(string, substring)`. */
function contains(container: Value, item: Value): ReturnType<typeof truth> {
  if (container.kind === 'strings') return compareStrings(container, item, (x, y) => x.includes(y));
  if (container.kind !== 'array' || item.kind !== 'strings' || item.unknown || item.values.size === 0) return 'unknown';
  const known = new Set<string>();
  let allKnown = true;
  for (const i of container.items) {
    if (i.kind === 'strings' && !i.unknown && i.values.size === 1) known.add([...i.values][0]!);
    else allKnown = false;
  }
  let hits = 0;
  for (const v of item.values) if (known.has(v)) hits++;
  if (hits === item.values.size) return true;
  if (hits === 0 && allKnown) return false;
  return 'unknown';
}

function isSiteList(only: CallSite | readonly CallSite[]): only is readonly CallSite[] {
  return Array.isArray(only);
}
