import type { Span } from '../../core/text';
import type { CsToken, PolicyExpression } from '../../parsers/policy/types';
import { closerOf, isCloser, isOpener, matchingClose, matchingOpen } from './cs-tokens';

/**
 * C# mistakes visible in the token stream of a policy expression. Deliberately conservative: it only looks at brackets,
 * character literals, the statements that start with `return`, `var` or `throw`, and whether a `@{ }` block returns.
 * Unterminated strings and expressions are the parser's (policy-xml-syntax) and are not repeated here.
 */
export interface SyntaxProblem {
  span: Span;
  message: string;
  /** Text to insert at `span.end` that fixes it. */
  insert?: string;
  /** Removing `span` fixes it. */
  remove?: boolean;
  /** Replacements that fix it, with the fix's title. */
  replace?: { title: string; edits: { span: Span; newText: string }[] };
}

/** Methods of the types policy expressions use (dictionaries, strings, LINQ, X509Certificate2) that are never indexers. */
const METHODS: ReadonlySet<string> = new Set([
  'ContainsKey', 'TryGetValue', 'GetValueOrDefault', 'Contains', 'StartsWith', 'EndsWith', 'Equals', 'IndexOf', 'ToString',
  'ToUpper', 'ToLower', 'ToUpperInvariant', 'ToLowerInvariant', 'Trim', 'Split', 'Substring', 'Replace', 'Any', 'All',
  'First', 'FirstOrDefault', 'Last', 'LastOrDefault', 'Select', 'Where', 'Verify', 'VerifyNoRevocation', 'GetNameInfo',
]);

/** Keywords that can only start a statement: one showing up inside a statement means the previous one ended without `;`. */
const STATEMENT_KEYWORDS: ReadonlySet<string> = new Set(['return', 'if', 'else', 'foreach', 'for', 'while', 'do', 'try', 'catch', 'finally', 'using', 'case', 'break', 'continue', 'var']);
/** Tokens after which a statement starts. */
const STATEMENT_BOUNDARIES: ReadonlySet<string> = new Set([';', '{', '}']);

/**
 * The syntax problems of one expression. None for unterminated ones (the parser reports those), nor when a regular
 * string runs over a line break: exported rawxml has such strings, and past one the brackets can't be trusted.
 */
export function syntaxProblems(expr: PolicyExpression, text: string): SyntaxProblem[] {
  const tokens = expr.tokens;
  if (!expr.terminated || tokens.some((t) => t.kind === 'unterminated' || multiLineString(t, text))) return [];
  const brackets = bracketProblems(tokens);
  if (brackets.length > 0) return brackets;
  return [...charLiteralProblems(tokens), ...missingSemicolons(expr), ...orphanElse(tokens), ...indexedMethods(tokens), ...missingReturn(expr)].sort(
    (a, b) => a.span.start - b.span.start,
  );
}

/** `headers.ContainsKey["X"]`: a method indexed like a dictionary (C# CS0021). */
function indexedMethods(tokens: readonly CsToken[]): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  tokens.forEach((t, i) => {
    const open = tokens[i + 1];
    if (t.kind !== 'identifier' || !METHODS.has(t.text) || open?.kind !== 'punct' || open.text !== '[') return;
    const dot = tokens[i - 1];
    if (dot?.kind !== 'punct' || (dot.text !== '.' && dot.text !== '?.')) return;
    const close = matchingClose(tokens, i + 1);
    const closed = close > 0 && tokens[close]!.text === ']';
    // `Headers.ContainsKey["X"].First()`: a member of what ContainsKey would return (a bool) is read, so the dictionary's
    // own indexer was meant (`Headers["X"].First()`, as the same policy elsewhere writes it).
    const after = closed ? tokens[close + 1] : undefined;
    const indexerMeant = t.text === 'ContainsKey' && after?.kind === 'punct' && (after.text === '.' || after.text === '?.');
    const replace = !closed
      ? undefined
      : indexerMeant
        ? { title: 'Index the dictionary: remove .ContainsKey', edits: [{ span: { start: dot.span.start, end: t.span.end }, newText: '' }] }
        : { title: `Call ${t.text}( … )`, edits: [{ span: open.span, newText: '(' }, { span: tokens[close]!.span, newText: ')' }] };
    out.push({
      span: { start: t.span.start, end: open.span.end },
      message: `${t.text} is a method: call it with ( ), not [ ]. The expression doesn't compile.`,
      ...(replace ? { replace } : {}),
    });
  });
  return out;
}

/**
 * `if (…) { … }; else …`: the `;` is an empty statement that ends the if, so `else` follows no if. Only the `{ … }`
 * block of an if is taken (`if (c) x = new T { … }; else …` is valid C#).
 */
function orphanElse(tokens: readonly CsToken[]): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'keyword' || t.text !== 'else' || i < 2) return;
    const semicolon = tokens[i - 1]!;
    const close = tokens[i - 2]!;
    if (semicolon.kind !== 'punct' || semicolon.text !== ';' || close.kind !== 'punct' || close.text !== '}') return;
    const open = matchingOpen(tokens, i - 2);
    const condition = tokens[open - 1];
    if (open < 1 || tokens[open]!.text !== '{' || condition?.kind !== 'punct' || condition.text !== ')') return;
    const conditionOpen = matchingOpen(tokens, open - 1);
    const keyword = tokens[conditionOpen - 1];
    if (conditionOpen < 1 || keyword?.kind !== 'keyword' || keyword.text !== 'if') return;
    out.push({ span: semicolon.span, message: "This ';' ends the if statement, so the 'else' after it belongs to no if: the expression doesn't compile.", remove: true });
  });
  return out;
}

function multiLineString(t: CsToken, text: string): boolean {
  return t.kind === 'string' && !t.text.startsWith('@') && !t.text.startsWith('$@') && hasLineBreak(text, t.span.start, t.span.end);
}

function hasLineBreak(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return true;
  }
  return false;
}

function bracketProblems(tokens: readonly CsToken[]): SyntaxProblem[] {
  const out: SyntaxProblem[] = [];
  const stack: CsToken[] = [];
  for (const t of tokens) {
    if (isOpener(t)) stack.push(t);
    else if (isCloser(t)) {
      const top = stack.pop();
      if (!top) out.push({ span: t.span, message: `'${t.text}' has no matching opening bracket: the expression doesn't compile.` });
      else if (closerOf(top.text) !== t.text) {
        out.push({ span: t.span, message: `'${t.text}' closes '${top.text}', which needs '${closerOf(top.text)}': the expression doesn't compile.` });
      }
    }
  }
  for (const open of stack) out.push({ span: open.span, message: `'${open.text}' is never closed: the expression doesn't compile.` });
  return out;
}

function charLiteralProblems(tokens: readonly CsToken[]): SyntaxProblem[] {
  return tokens
    .filter((t) => t.kind === 'char' && t.value !== undefined && t.value.length !== 1 && !t.value.startsWith('\\'))
    .map((t) => ({ span: t.span, message: `${t.text} is a character literal with ${t.value!.length} characters: C# strings take double quotes.` }));
}

/** `return …`, `var … = …` and `throw …` statements that end without `;`. */
function missingSemicolons(expr: PolicyExpression): SyntaxProblem[] {
  const tokens = expr.tokens;
  const out: SyntaxProblem[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'keyword') return;
    const previous = tokens[i - 1];
    const atStart = previous === undefined || STATEMENT_BOUNDARIES.has(previous.text);
    if (t.text !== 'return' && !((t.text === 'var' || t.text === 'throw') && atStart)) return;
    const last = unterminatedStatement(tokens, i, expr.kind === 'multi');
    if (last !== undefined) {
      const token = tokens[last]!;
      out.push({ span: token.span, message: `Missing ';' after '${token.text}' at the end of this '${t.text}' statement: the expression doesn't compile.`, insert: ';' });
    }
  });
  return out;
}

/** Index of the last token of the statement starting at `from` when it ends without `;`, else undefined. */
function unterminatedStatement(tokens: readonly CsToken[], from: number, endEndsStatement: boolean): number | undefined {
  let depth = 0;
  for (let i = from + 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (isOpener(t)) depth++;
    else if (isCloser(t)) {
      if (depth === 0) return i - 1;
      depth--;
    } else if (depth === 0 && t.text === ';' && t.kind === 'punct') return undefined;
    else if (depth === 0 && t.kind === 'keyword' && STATEMENT_KEYWORDS.has(t.text) && !(t.text === 'var' && tokens[i - 1]?.text === 'is')) return i - 1;
  }
  return endEndsStatement ? tokens.length - 1 : undefined;
}

function missingReturn(expr: PolicyExpression): SyntaxProblem[] {
  if (expr.kind !== 'multi' || expr.tokens.some((t) => t.text === 'return' || t.text === 'throw')) return [];
  return [{ span: { start: expr.span.start, end: expr.codeSpan.start }, message: 'This @{ } block never returns a value: a multi-statement policy expression must end with a return statement.' }];
}
