import type { Token } from './lexer';
import type { Problem } from './types';

/** Keywords that start a top-level statement; a newline followed by one of them is a recovery point. */
export const TOP_LEVEL_KEYWORDS: ReadonlySet<string> = new Set([
  'param', 'var', 'resource', 'module', 'output', 'type', 'import', 'func', 'metadata', 'targetScope',
  'extension', 'provider', 'using', 'assert', 'test',
]);

const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSERS: ReadonlySet<string> = new Set([')', ']', '}']);

/**
 * A position in a token array with the helpers the parsers share: newline handling, bracket matching
 * (precomputed, so balanced skips are O(1) per bracket), and recovery.
 */
export class Cursor {
  protected pos = 0;
  /** End offset of the last consumed token. */
  protected lastEnd = 0;
  /** `match[i]` is the index of the bracket closing the opener at i, or -1. */
  private readonly match: Int32Array;

  constructor(
    readonly text: string,
    protected readonly tokens: Token[],
    readonly problems: Problem[],
  ) {
    this.match = matchBrackets(tokens);
    this.lastEnd = tokens[0]?.start ?? 0;
  }

  protected peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)]!;
  }

  protected next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') {
      this.pos++;
      this.lastEnd = t.end;
    }
    return t;
  }

  /** Is the current token the punctuation or identifier `text`? */
  protected at(text: string, k = 0): boolean {
    const t = this.peek(k);
    return (t.kind === 'punct' || t.kind === 'identifier') && t.text === text;
  }

  protected atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  protected skipNewlines(): void {
    while (this.peek().kind === 'newline') this.next();
  }

  /** The first token at or after the cursor that is not a newline, and how far ahead it is. */
  protected peekPastNewlines(): { token: Token; ahead: number } {
    let k = 0;
    while (this.peek(k).kind === 'newline') k++;
    return { token: this.peek(k), ahead: k };
  }

  /** Consumes `text` if it is next; otherwise records a problem at the current token. */
  protected expect(text: string): Token | undefined {
    if (this.at(text)) return this.next();
    this.problem(`Expected '${text}'.`);
    return undefined;
  }

  protected problem(message: string, start = this.peek().start, end = Math.max(this.peek().end, start)): void {
    this.problems.push({ span: { start, end }, message });
  }

  /** A top-level keyword at column 0 that is not an object key: where a half-typed body is taken to end. */
  protected atLineStartKeyword(): boolean {
    return this.isLineStartKeyword(0);
  }

  /** Is the token `k` ahead a top-level keyword at column 0, not followed by `:`? */
  protected isLineStartKeyword(k: number): boolean {
    const t = this.peek(k);
    if (t.kind !== 'identifier' || !TOP_LEVEL_KEYWORDS.has(t.text)) return false;
    if (t.start > 0 && this.text.charCodeAt(t.start - 1) !== 10) return false;
    return !this.at(':', k + 1);
  }

  /** Consumes a bracket-balanced run up to (not including) a newline, `,` or closing bracket at depth 0, or eof. */
  protected skipBalancedToLineEnd(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof' || t.kind === 'newline') return;
      if (t.kind === 'punct' && (CLOSERS.has(t.text) || t.text === ',')) return;
      this.skipOne();
    }
  }

  /** Consumes one token, or a whole bracketed group when the token opens one that is closed. */
  protected skipOne(): void {
    const m = this.match[this.pos] ?? -1;
    if (m > this.pos) {
      this.pos = m;
      this.next();
    } else this.next();
  }

  /** The index of the token closing the bracket `k` tokens ahead, or -1. */
  protected closingIndex(k = 0): number {
    return this.match[this.pos + k] ?? -1;
  }

  protected tokenAt(index: number): Token {
    return this.tokens[Math.min(index, this.tokens.length - 1)]!;
  }

  /** Skips to a newline followed by a top-level keyword or a decorator (balanced over closed brackets), or eof. */
  protected recover(): void {
    for (;;) {
      const t = this.peek();
      if (t.kind === 'eof') return;
      if (t.kind === 'newline') {
        const n = this.peek(1);
        if ((n.kind === 'identifier' && TOP_LEVEL_KEYWORDS.has(n.text) && !this.at(':', 2)) || (n.kind === 'punct' && n.text === '@')) return;
        this.next();
        continue;
      }
      this.skipOne();
    }
  }
}

function matchBrackets(tokens: Token[]): Int32Array {
  const match = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind !== 'punct') return;
    if (OPENERS[t.text]) stack.push(i);
    else if (CLOSERS.has(t.text)) {
      // Look a few levels down only, so that a run of stray closers stays linear.
      let k = stack.length - 1;
      const floor = Math.max(0, stack.length - 8);
      while (k >= floor && OPENERS[tokens[stack[k]!]!.text] !== t.text) k--;
      if (k < floor) return;
      match[stack[k]!] = i;
      stack.length = k;
    }
  });
  return match;
}
