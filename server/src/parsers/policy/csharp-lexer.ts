import type { CsToken, PolicyProblem } from './types';
import { decodeEntities, entityAt } from './entities';
import { namedValueAt } from './named-values';

/** Where and how to lex: `limit` is exclusive; entities are decoded except inside CDATA. */
export interface LexOptions {
  limit: number;
  decodeEntities: boolean;
}

/** A lexed expression: `end` is just after the closing bracket, or where lexing stopped when unterminated. */
export interface LexResult {
  tokens: CsToken[];
  terminated: boolean;
  end: number;
  problems: PolicyProblem[];
}

const KEYWORDS = new Set(
  ('abstract as base bool break byte case catch char checked class const continue decimal default delegate do double ' +
    'else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal ' +
    'is lock long namespace new null object operator out override params private protected public readonly ref return ' +
    'sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint ulong unchecked ' +
    'unsafe ushort using var virtual void volatile while').split(' '),
);
const PUNCT2 = new Set(['==', '!=', '&&', '||', '=>', '??', '?.', '<=', '>=', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '::', '->']);
const CLOSER: Readonly<Record<string, string>> = { ')': '(', '}': '{', ']': '[' };

/**
 * Characters that, on their own, are a punctuation token or start a two-character one (`PUNCT2`, `??=`) and have no
 * other role in the lexer (not brackets, quotes, `/`, `@`, `$`, `&`, `<`, digits or `.`), by char code.
 */
const SIMPLE_PUNCT = new Uint8Array(128);
for (const ch of '=!|?>+-*%^:,;~#\\') SIMPLE_PUNCT[ch.charCodeAt(0)] = 1;

/**
 * The length of the punctuation token at `pos` as the general path would read it (`??=`, a `PUNCT2` pair, or one
 * character), or 0 when an entity or a non-ASCII character among the next three could change it.
 */
function punctLength(text: string, pos: number, limit: number): number {
  const b = pos + 1 < limit ? text.charCodeAt(pos + 1) : -1;
  if (b === 0x26 || b > 0x7f) return 0;
  const c = pos + 2 < limit ? text.charCodeAt(pos + 2) : -1;
  if (c === 0x26 || c > 0x7f) return 0;
  const first = text[pos]!;
  if (b < 0) return 1;
  const two = first + text[pos + 1]!;
  if (c >= 0 && two === '??' && c === 0x3d) return 3;
  return PUNCT2.has(two) ? 2 : 1;
}

/** An open bracket, or an interpolation hole (closed by `}`, then the string resumes). */
type Frame = '(' | '{' | '[' | { verbatim: boolean };

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c.charCodeAt(0) > 127;
}
function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}
function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff';
}

/** Lexes the expression whose `@` is at `start` (followed by `(` or `{`) up to its balanced close. */
export function lexExpression(text: string, start: number, options: LexOptions): LexResult {
  return new Lexer(text, options).run(start);
}

class Lexer {
  private readonly tokens: CsToken[] = [];
  private readonly problems: PolicyProblem[] = [];
  private readonly stack: Frame[] = [];
  /** Source width of the character last read by `at`. */
  private w = 1;

  constructor(
    private readonly text: string,
    private readonly options: LexOptions,
  ) {}

  run(start: number): LexResult {
    this.stack.push(this.text[start + 1] === '{' ? '{' : '(');
    const { text } = this;
    const { limit } = this.options;
    let pos = start + 2;
    for (;;) {
      // Fast paths on char codes for the bulk of an expression (blanks, ASCII identifiers and keywords, operators),
      // taken only where no entity can change the meaning (no `&` and no non-ASCII character involved); everything
      // else goes through the general, entity-decoding path below.
      if (pos < limit) {
        const code = text.charCodeAt(pos);
        if (code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09) {
          pos++;
          continue;
        }
        if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f) {
          let end = pos + 1;
          let d = end < limit ? text.charCodeAt(end) : -1;
          while ((d >= 0x61 && d <= 0x7a) || (d >= 0x41 && d <= 0x5a) || (d >= 0x30 && d <= 0x39) || d === 0x5f) {
            end++;
            d = end < limit ? text.charCodeAt(end) : -1;
          }
          if (d !== 0x26 && d <= 0x7f) {
            const word = text.slice(pos, end);
            // Keywords are all lower case.
            this.tokens.push({ kind: code >= 0x61 && KEYWORDS.has(word) ? 'keyword' : 'identifier', text: word, span: { start: pos, end } });
            pos = end;
            continue;
          }
        } else if (code === 0x2e /* . */) {
          // A member access: a number only when a digit follows (`.5`); an entity could spell that digit.
          const d = pos + 1 < limit ? text.charCodeAt(pos + 1) : -1;
          if (d !== 0x26 && (d < 0x30 || d > 0x39)) {
            this.tokens.push({ kind: 'punct', text: '.', span: { start: pos, end: pos + 1 } });
            pos++;
            continue;
          }
        } else if (code === 0x28 /* ( */ || code === 0x5b /* [ */) {
          const bracket = code === 0x28 ? '(' : '[';
          this.stack.push(bracket);
          this.tokens.push({ kind: 'punct', text: bracket, span: { start: pos, end: pos + 1 } });
          pos++;
          continue;
        } else if (code === 0x29 /* ) */ || code === 0x5d /* ] */) {
          if (this.close(code === 0x29 ? '(' : '[')) return this.result(true, pos + 1);
          this.tokens.push({ kind: 'punct', text: code === 0x29 ? ')' : ']', span: { start: pos, end: pos + 1 } });
          pos++;
          continue;
        } else if (code < 0x7f && SIMPLE_PUNCT[code] === 1) {
          const length = punctLength(text, pos, limit);
          if (length > 0) {
            const end = pos + length;
            const raw = text.slice(pos, end);
            this.tokens.push({ kind: 'punct', text: raw, span: { start: pos, end } });
            pos = end;
            continue;
          }
        }
      }
      const c = this.at(pos);
      const w = this.w;
      if (c === '') return this.result(false, pos);
      const next = this.at(pos + w);
      const nw = this.w;
      if (isSpace(c)) {
        pos += w;
      } else if (c === '/' && next === '/') {
        pos = this.lineEnd(pos);
      } else if (c === '/' && next === '*') {
        pos = this.blockCommentEnd(pos + w + nw);
      } else if ((c === '/' && next === '>') || (c === '<' && next === '/' && this.at(pos + w + nw) !== '*')) {
        return this.result(false, pos); // markup: the expression was never closed
      } else if (c === '{' && next === '{' && namedValueAt(this.text, pos)) {
        const nv = namedValueAt(this.text, pos)!;
        pos = this.emit('namedValue', pos, pos + nv.length);
      } else if (isIdentStart(c) || (c === '@' && isIdentStart(next))) {
        let end = pos + w;
        while (isIdentPart(this.at(end))) end += this.w;
        const kind = c !== '@' && KEYWORDS.has(this.text.slice(pos, end)) ? 'keyword' : 'identifier';
        pos = this.emit(kind, pos, end);
      } else if (isDigit(c) || (c === '.' && isDigit(next))) {
        let end = pos + w;
        for (let d = this.at(end); isIdentPart(d) || (d === '.' && isDigit(this.at(end + 1))); d = this.at(end)) end += this.w;
        pos = this.emit('number', pos, end);
      } else if (c === '"') {
        pos = this.quoted(pos);
      } else if (c === '$' && (next === '"' || next === '$') && this.startsRaw(pos)) {
        pos = this.interpolatedRaw(pos);
      } else if ((c === '@' || c === '$') && next === '"') {
        pos = c === '@' ? this.verbatim(pos, pos + w + nw) : this.interpolatedSegment(pos, pos + w + nw, false);
      } else if ((c === '@' && next === '$') || (c === '$' && next === '@')) {
        const quoteAt = pos + w + nw;
        if (this.at(quoteAt) === '"') pos = this.interpolatedSegment(pos, quoteAt + this.w, true);
        else pos = this.emit('punct', pos, pos + w);
      } else if (c === "'") {
        pos = this.charLiteral(pos);
      } else if (c === '(' || c === '{' || c === '[') {
        this.stack.push(c);
        pos = this.emit('punct', pos, pos + w);
      } else if (c === ')' || c === '}' || c === ']') {
        const top = this.stack[this.stack.length - 1]!;
        if (c === '}' && typeof top === 'object') {
          this.stack.pop();
          pos = this.interpolatedSegment(pos, pos + w, top.verbatim);
          continue;
        }
        if (this.close(CLOSER[c]!)) return this.result(true, pos + w);
        pos = this.emit('punct', pos, pos + w);
      } else {
        const two = c + next;
        const third = this.at(pos + w + nw);
        if (two + third === '??=') pos = this.emit('punct', pos, pos + w + nw + this.w);
        else if (PUNCT2.has(two)) pos = this.emit('punct', pos, pos + w + nw);
        else pos = this.emit('punct', pos, pos + w);
      }
    }
  }

  /** Pops to the matching opener (a stray closer is ignored); true when the expression itself closed. */
  private close(opener: string): boolean {
    const { stack } = this;
    const i = stack.lastIndexOf(opener as Frame);
    if (i < 0) return false;
    // Pops rather than setting `length`, which is a slow path in V8 (and the usual case pops one).
    while (stack.length > i) stack.pop();
    return i === 0;
  }

  /** The decoded character at `i` ('' at the limit); sets `w` to its source width. */
  private at(i: number): string {
    this.w = 1;
    if (i >= this.options.limit) return '';
    const c = this.text[i]!;
    if (c !== '&' || !this.options.decodeEntities) return c;
    const e = entityAt(this.text, i);
    if (e?.decoded === undefined) return c;
    this.w = e.length;
    return e.decoded;
  }

  private emit(kind: CsToken['kind'], start: number, end: number, value?: string): number {
    const raw = this.text.slice(start, end);
    const token: CsToken = { kind, text: this.options.decodeEntities ? decodeEntities(raw) : raw, span: { start, end } };
    if (value !== undefined) token.value = value;
    this.tokens.push(token);
    return end;
  }

  private unterminated(start: number, end: number, what: string): number {
    this.problems.push({ span: { start, end }, message: `Unterminated ${what} in policy expression.` });
    return this.emit('unterminated', start, end);
  }

  private result(terminated: boolean, end: number): LexResult {
    return { tokens: this.tokens, terminated, end, problems: this.problems };
  }

  private lineEnd(pos: number): number {
    for (let c = this.at(pos); c !== '' && c !== '\n' && c !== '\r'; c = this.at(pos)) pos += this.w;
    return pos;
  }

  private blockCommentEnd(pos: number): number {
    for (let c = this.at(pos); c !== ''; c = this.at(pos)) {
      pos += this.w;
      if (c === '*' && this.at(pos) === '/') return pos + this.w;
    }
    return pos;
  }

  /**
   * `"..."`, `""` or a C# 11 raw string `"""..."""` (reported: APIM expressions are C# 7). A regular string may run
   * over a line break (C# would not): real rawxml exports contain such strings, and the quote bounds it anyway.
   */
  private quoted(start: number): number {
    let quotes = 0;
    let pos = start;
    while (this.at(pos) === '"') {
      pos += this.w;
      quotes++;
    }
    if (quotes === 2) return this.emit('string', start, pos, '');
    if (quotes >= 3) return this.rawString(start, pos, quotes);
    const fast = this.plainQuoted(start, pos);
    if (fast >= 0) return fast;
    let value = '';
    for (let c = this.at(pos); ; c = this.at(pos)) {
      if (c === '') return this.unterminated(start, pos, 'string literal');
      const w = this.w;
      if (c === '"') return this.emit('string', start, pos + w, value);
      if (c === '\\') {
        const escaped = this.at(pos + w);
        if (escaped === '') return this.unterminated(start, pos + w, 'string literal');
        value += c + escaped;
        pos += w + this.w;
      } else {
        value += c;
        pos += w;
      }
    }
  }

  /**
   * The common case of `quoted`: a terminated string without entities to decode, whose value is its source text
   * (escapes are kept as written). Returns -1 for anything else, and `quoted` reads it character by character.
   */
  private plainQuoted(start: number, contentStart: number): number {
    const { text } = this;
    const { limit, decodeEntities: decode } = this.options;
    for (let i = contentStart; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22 /* " */) return this.emit('string', start, i + 1, text.slice(contentStart, i));
      if (c === 0x26 /* & */ && decode) return -1;
      if (c === 0x5c /* \ */) {
        i++;
        if (i >= limit || (decode && text.charCodeAt(i) === 0x26)) return -1;
      }
    }
    return -1;
  }

  /** Does `$"""`, `$$"""`… (a C# 11 interpolated raw string) start at `pos`? */
  private startsRaw(pos: number): boolean {
    let p = pos;
    while (this.at(p) === '$') p += this.w;
    return this.decodedStartsWith(p, '"""');
  }

  /**
   * A C# 11 interpolated raw string, from its `$`s: read as a raw string to its closing quotes (its holes as text) and
   * reported as one. It was read as `$""` and then strings, which ended the expression at a `)` inside it.
   */
  private interpolatedRaw(start: number): number {
    let pos = start;
    while (this.at(pos) === '$') pos += this.w;
    let quotes = 0;
    while (this.at(pos) === '"') {
      pos += this.w;
      quotes++;
    }
    return this.rawString(start, pos, quotes);
  }

  private rawString(start: number, contentStart: number, quotes: number): number {
    const delimiter = '"'.repeat(quotes);
    let pos = contentStart;
    let value = '';
    for (let c = this.at(pos); c !== ''; c = this.at(pos)) {
      if (c === '"' && this.decodedStartsWith(pos, delimiter)) {
        const end = this.skip(pos, quotes);
        this.problems.push({ span: { start, end }, message: 'Raw string literals (C# 11) are not supported in policy expressions.' });
        return this.emit('string', start, end, value);
      }
      value += c;
      pos += this.w;
    }
    return this.unterminated(start, pos, 'raw string literal');
  }

  private decodedStartsWith(pos: number, s: string): boolean {
    for (const ch of s) {
      if (this.at(pos) !== ch) return false;
      pos += this.w;
    }
    return true;
  }

  private skip(pos: number, chars: number): number {
    for (let i = 0; i < chars; i++) {
      this.at(pos);
      pos += this.w;
    }
    return pos;
  }

  private verbatim(start: number, pos: number): number {
    let value = '';
    for (let c = this.at(pos); c !== ''; c = this.at(pos)) {
      const w = this.w;
      if (c === '"') {
        if (this.at(pos + w) !== '"') return this.emit('string', start, pos + w, value);
        value += '"';
        pos += w + this.w;
      } else {
        value += c;
        pos += w;
      }
    }
    return this.unterminated(start, pos, 'verbatim string literal');
  }

  /**
   * One literal segment of an interpolated string, from `start` (the `$"` or the `}` closing a hole) to the closing
   * quote, or to a `{` opening a hole: then a frame is pushed and lexing goes back to code.
   */
  private interpolatedSegment(start: number, pos: number, verbatim: boolean): number {
    let value = '';
    for (let c = this.at(pos); ; c = this.at(pos)) {
      const w = this.w;
      if (c === '') return this.unterminated(start, pos, 'interpolated string');
      const next = this.at(pos + w);
      if (c === '"' && verbatim && next === '"') {
        value += '"';
        pos += w + this.w;
      } else if (c === '"') {
        return this.emit('string', start, pos + w, value);
      } else if ((c === '{' || c === '}') && next === c) {
        value += c;
        pos += w + this.w;
      } else if (c === '{') {
        this.stack.push({ verbatim });
        return this.emit('string', start, pos + w, value);
      } else if (c === '\\' && !verbatim && next !== '') {
        value += c + next;
        pos += w + this.w;
      } else {
        value += c;
        pos += w;
      }
    }
  }

  private charLiteral(start: number): number {
    let pos = start + this.w;
    let value = '';
    for (let c = this.at(pos); ; c = this.at(pos)) {
      if (c === '' || c === '\n' || c === '\r') return this.unterminated(start, pos, 'character literal');
      const w = this.w;
      if (c === "'") return this.emit('char', start, pos + w, value);
      if (c === '\\' && this.at(pos + w) !== '') {
        value += c + this.at(pos + w);
        pos += w + this.w;
      } else {
        value += c;
        pos += w;
      }
    }
  }
}
