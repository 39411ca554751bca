import type { CsToken } from '../../parsers/policy/types';
import { afterDot, isCloser, isName, isOpener, isPunct as punct, type Operand } from './cs-tokens';

/**
 * Local variables of a policy expression that hold one known value: declared once (`var x = …;`, `string x = …;`,
 * `const string x = …;`) with a simple initializer, and never assigned, passed by `ref` / `out` or declared again
 * (another block, a lambda parameter, a pattern, `foreach`, `catch`, a query's range variable) anywhere in the
 * expression. Conservative on purpose: a name that could mean anything else is left out. Two walks over the tokens.
 */
export interface Local {
  name: string;
  /** Token index of the name in its declaration. */
  index: number;
  /** The initializer: a chain (see `chainAt`). */
  init: Operand;
  /** The literal after `??` when the initializer is `chain ?? "…"` (a chain that is not a literal itself). */
  fallback?: CsToken;
  /**
   * Every mention of the name but the declaration (all of them reads, or the local would not be listed); the lexer
   * gives the holes of an interpolated string as tokens, so a read there counts.
   */
  reads: number;
}

/** Types a declaration of a string local is written with. */
const DECLARING = new Set(['var', 'string', 'String']);
/** Keywords that can be the type of a declaration (of a parameter, pattern variable, loop variable…). */
const TYPE_KEYWORDS: ReadonlySet<string> = new Set([
  'var', 'string', 'object', 'bool', 'int', 'long', 'char', 'byte', 'sbyte', 'short', 'ushort', 'uint', 'ulong', 'double', 'float', 'decimal', 'dynamic',
]);
const ASSIGNMENTS: ReadonlySet<string> = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '??=', '<<=', '>>=']);


/**
 * A regular or verbatim string literal, not a piece of an interpolated one (`$"…{`, `@$"…{`, `$@"…{`, and `}…"` or
 * `}…{` after a hole).
 */
export function isPlainString(t: CsToken | undefined): t is CsToken {
  return t !== undefined && t.kind === 'string' && !t.text.startsWith('$') && !t.text.startsWith('@$') && !t.text.startsWith('}');
}

/**
 * The chain that starts at token `at`: a name or a plain string literal, then any `.name`, `?.name` and empty calls
 * `()` (`context.Request.Certificate?.Thumbprint.ToUpper()`, `"ab12".ToUpperInvariant()`), up to token `last` at most.
 * Undefined when `at` starts none. Walks the chain's own tokens only.
 */
export function chainAt(tokens: readonly CsToken[], at: number, last = tokens.length): Operand | undefined {
  const first = tokens[at];
  const names: CsToken[] = [];
  let literal: CsToken | undefined;
  if (isPlainString(first)) literal = first;
  else if (isName(first)) names.push(first!);
  else return undefined;
  let end = at;
  while (end + 2 <= last) {
    const a = tokens[end + 1];
    const b = tokens[end + 2];
    if ((punct(a, '.') || punct(a, '?.')) && isName(b)) {
      names.push(b!);
      end += 2;
    } else if (punct(a, '(') && punct(b, ')') && isName(tokens[end])) end += 2;
    else break;
  }
  return literal ? { start: at, end, names, literal } : { start: at, end, names };
}

/** The chain (see `chainAt`) that ends at token `end` and is a whole operand (no `.` before it), if any. */
export function chainEndingAt(tokens: readonly CsToken[], end: number): Operand | undefined {
  let j = end;
  for (;;) {
    if (punct(tokens[j], ')') && punct(tokens[j - 1], '(') && isName(tokens[j - 2])) j -= 2;
    const t = tokens[j];
    if (isPlainString(t)) break;
    if (!isName(t)) return undefined;
    if (punct(tokens[j - 1], '.') || punct(tokens[j - 1], '?.')) j -= 2;
    else break;
  }
  const chain = chainAt(tokens, j, end);
  return chain && chain.end === end ? chain : undefined;
}

/** The locals of the expression that hold one known value, by name (see `Local`). */
export function singleValueLocals(tokens: readonly CsToken[]): Map<string, Local> {
  // Most expressions declare nothing (`@(context.Request.Certificate.Thumbprint == "…")`): one look, no allocation.
  if (!tokens.some((t) => DECLARING.has(t.text))) return new Map();
  // First walk: the declarations, and which `(` each `)` closes (for `(a, x) => …` and `(a, x) = …` below).
  const declared = new Map<string, Local | null>();
  // The token after a declarator's `,` (`string a = "…", b = "…";`): the next declarator of the same declaration.
  let nextDeclarator = -1;
  const closeOf = bracketCloses(tokens, (i) => {
    const t = tokens[i]!;
    const declaring = i === nextDeclarator || (DECLARING.has(tokens[i - 1]?.text ?? '') && tokens[i - 1]!.kind !== 'punct');
    if (t.kind === 'identifier' && punct(tokens[i + 1], '=') && declaring && !afterDot(tokens, i)) {
      const init = chainAt(tokens, i + 2);
      let after = init ? init.end + 1 : -1;
      const fallback = init && !init.literal && punct(tokens[after], '??') && isPlainString(tokens[after + 1]) ? tokens[after + 1] : undefined;
      if (fallback) after += 2;
      const ends = punct(tokens[after], ';') || punct(tokens[after], ',');
      if (init && punct(tokens[after], ',')) nextDeclarator = after + 1;
      // A second declaration of the name (another block) makes it ambiguous.
      if (!init || !ends || declared.has(t.text)) declared.set(t.text, null);
      else declared.set(t.text, fallback ? { name: t.text, index: i, init, fallback, reads: 0 } : { name: t.text, index: i, init, reads: 0 });
    }
  });
  return readOnly(tokens, declared, closeOf);
}

/**
 * A local that holds a collection of string literals: `var allowed = new[] { "…", "…" };`, `string[] allowed = { … };`,
 * `List<string> allowed = new List<string> { … };`. Declared once and never written, as `singleValueLocals` has it.
 */
export interface ListLocal {
  name: string;
  /** Token index of the name in its declaration. */
  index: number;
  /** The initializer's first token (`new`, or `{` after an array type) and its closing `}`. */
  start: number;
  end: number;
  reads: number;
}

/** The locals of the expression that hold a collection initializer, by name (see `ListLocal`). */
export function listLocals(tokens: readonly CsToken[]): Map<string, ListLocal> {
  // Most expressions have no initializer in braces: one look, no allocation.
  if (!tokens.some((t) => t.text === '{' && t.kind === 'punct')) return new Map();
  const declared = new Map<string, ListLocal | null>();
  const declarations: number[] = [];
  const closeOf = bracketCloses(tokens, (i) => {
    if (tokens[i]!.kind === 'identifier' && punct(tokens[i + 1], '=') && !afterDot(tokens, i) && collectionType(tokens, i)) declarations.push(i);
  });
  for (const i of declarations) {
    const name = tokens[i]!.text;
    // `new …{ … }` or, after an array type, `{ … }`; then `;`.
    const first = i + 2;
    let brace = first;
    if (tokens[first]?.text === 'new') {
      // The type and its constructor's arguments (jumped over) before the `{`: a few tokens. Bounded, so that thousands
      // of unfinished declarations (`var a = new b` and no `;`) don't each read to the end.
      for (let steps = 0; steps < 32 && brace < tokens.length && !punct(tokens[brace], '{') && !punct(tokens[brace], ';'); steps++) {
        brace = isOpener(tokens[brace]!) && closeOf[brace]! >= 0 ? closeOf[brace]! + 1 : brace + 1;
      }
    } else if (!(punct(tokens[first], '{') && punct(tokens[i - 1], ']'))) brace = -1;
    const close = brace >= 0 && punct(tokens[brace], '{') ? closeOf[brace]! : -1;
    if (close < 0 || !punct(tokens[close + 1], ';') || declared.has(name)) declared.set(name, null);
    else declared.set(name, { name, index: i, start: first, end: close, reads: 0 });
  }
  return readOnly(tokens, declared, closeOf);
}

/** Which bracket each opener's closer is (-1: unclosed), in one walk that gives every other token to `visit`. */
function bracketCloses(tokens: readonly CsToken[], visit: (i: number) => void): Int32Array {
  const closeOf = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) open.push(i);
    else if (isCloser(t)) {
      const o = open.pop();
      if (o !== undefined) closeOf[o] = i;
    } else visit(i);
  }
  return closeOf;
}

/** Is the token before the name `i` the type of a collection of strings: `var`, `string[]`, `List<string>`…? */
function collectionType(tokens: readonly CsToken[], i: number): boolean {
  const prev = tokens[i - 1];
  if (prev?.text === 'var' && prev.kind !== 'punct') return true;
  // `string[] name`
  if (punct(prev, ']') && punct(tokens[i - 2], '[')) return STRING_TYPES.has(tokens[i - 3]?.text ?? '');
  // `List<string> name`, `IEnumerable<string> name`…
  return punct(prev, '>') && STRING_TYPES.has(tokens[i - 2]?.text ?? '') && punct(tokens[i - 3], '<') && tokens[i - 4]?.kind === 'identifier';
}

const STRING_TYPES: ReadonlySet<string> = new Set(['string', 'String']);

/**
 * Second walk: every mention of a declared name but its declaration is a read (counted), or a write (`=`, `++`, `out`,
 * an element written, `var alias = name;`, a parameter or pattern of the same name…) that drops the name. The declared names that are only read.
 */
function readOnly<T extends { index: number; reads: number }>(tokens: readonly CsToken[], declared: Map<string, T | null>, closeOf: Int32Array): Map<string, T> {
  if (declared.size === 0) return new Map();
  const open: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) open.push(i);
    else if (isCloser(t)) open.pop();
    if (t.kind !== 'identifier') continue;
    const local = declared.get(t.text);
    if (!local || i === local.index || afterDot(tokens, i)) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    const inner = open[open.length - 1];
    const close = inner !== undefined && tokens[inner]!.text === '(' ? closeOf[inner]! : -1;
    const group = close >= 0 ? tokens[close + 1] : undefined;
    // `name[i] = …` writes an element (`allowed[i] = allowed[i].ToUpperInvariant()` changes what the list holds).
    const afterIndex = punct(next, '[') && closeOf[i + 1]! >= 0 ? tokens[closeOf[i + 1]! + 1] : undefined;
    const written =
      (next?.kind === 'punct' && (ASSIGNMENTS.has(next.text) || next.text === '++' || next.text === '--' || next.text === '=>')) ||
      (afterIndex?.kind === 'punct' && (ASSIGNMENTS.has(afterIndex.text) || afterIndex.text === '++' || afterIndex.text === '--')) ||
      // `var other = allowed;`: another name for it, through which it may be written.
      (punct(prev, '=') && (punct(next, ';') || punct(next, ','))) ||
      (prev?.kind === 'punct' && (prev.text === '++' || prev.text === '--' || prev.text === '>' || prev.text === ']' || prev.text === '?')) ||
      (prev?.kind === 'keyword' && (prev.text === 'out' || prev.text === 'ref' || TYPE_KEYWORDS.has(prev.text))) ||
      prev?.kind === 'identifier' ||
      // `(a, x) => …` (a lambda's parameter) or `(a, x) = …` (a deconstruction)
      ((punct(next, ',') || punct(next, ')')) && (punct(group, '=>') || punct(group, '=')));
    if (written) declared.set(t.text, null);
    else local.reads++;
  }
  const out = new Map<string, T>();
  for (const [name, local] of declared) if (local) out.set(name, local);
  return out;
}
