import type { Comment, Directive, Problem } from './types';

export type TokenKind = 'identifier' | 'number' | 'string' | 'punct' | 'newline' | 'eof' | 'unknown';

/** A literal run or an interpolation hole of a string token; a hole's offsets are those of the expression inside `${…}`. */
export type StringSegment =
  | { kind: 'text'; value: string; start: number; end: number }
  | { kind: 'hole'; start: number; end: number };

/** One token. `text` is the source text (identifier name, punctuation, digits). */
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** For string tokens. */
  segments?: StringSegment[];
  multiline?: boolean;
}

/** What the lexer returns: tokens end with one `eof`; trivia and directives are set aside. */
export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  directives: Directive[];
  problems: Problem[];
}

/** Punctuation by length, longest tried first. */
const PUNCT2: ReadonlySet<string> = new Set(['.?', '??', '=>', '==', '!=', '=~', '!~', '<=', '>=', '&&', '||']);
const PUNCT1: ReadonlySet<string> = new Set(['{', '}', '[', ']', '(', ')', ',', ':', '.', '?', '!', '=', '<', '>', '+', '-', '*', '/', '%', '|', '@']);

/** By char code: the one-character punctuation it is, and whether it can start a two-character one. */
const PUNCT1_BY_CODE: (string | undefined)[] = [];
for (const p of PUNCT1) PUNCT1_BY_CODE[p.charCodeAt(0)] = p;
const STARTS_PUNCT2 = new Uint8Array(128);
for (const p of PUNCT2) STARTS_PUNCT2[p.charCodeAt(0)] = 1;

function punctuationAt(text: string, i: number, end: number): string | undefined {
  const c = text.charCodeAt(i);
  if (c >= 128) return undefined;
  // A slice only where a two-character token can start (most punctuation is one character).
  if (STARTS_PUNCT2[c] === 1 && i + 2 <= end) {
    if (c === 0x2e && i + 3 <= end && text.startsWith('...', i)) return '...';
    const two = text.slice(i, i + 2);
    if (PUNCT2.has(two)) return two;
  }
  return PUNCT1_BY_CODE[c];
}

const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", $: '$' };

/** String → hole → string… nesting the lexer follows before it gives up on the line (stack safety). */
const MAX_HOLE_NESTING = 100;

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Lexes `text` from `start` to `end` (the whole text by default; a `${…}` hole when re-lexing interpolation). */
export function lex(text: string, start = 0, end = text.length): LexResult {
  const tokens: Token[] = [];
  const comments: Comment[] = [];
  const directives: Directive[] = [];
  const problems: Problem[] = [];
  let i = start;

  /** Scans a single-line string starting at the quote; returns its end and segments. */
  let holeNesting = 0;
  function scanString(from: number): { end: number; segments: StringSegment[] } {
    const segments: StringSegment[] = [];
    let j = from + 1;
    let buf = '';
    let segStart = j;
    while (j < end) {
      // A run of plain characters is taken in one slice (a character at a time, a policy of thousands of characters in
      // a string was thousands of concatenations).
      const runStart = j;
      for (let k = text.charCodeAt(j); j < end && k !== 0x27 && k !== 0x5c && k !== 0x24 && k !== 0x0a && k !== 0x0d; k = text.charCodeAt(++j));
      if (j > runStart) {
        buf += text.slice(runStart, j);
        if (j >= end) break;
      }
      const c = text[j]!;
      if (c === "'") {
        segments.push({ kind: 'text', value: buf, start: segStart, end: j });
        return { end: j + 1, segments };
      }
      if (c === '\n' || c === '\r') break;
      if (c === '\\' && j + 1 < end) {
        const n = text[j + 1]!;
        if (n === 'u' && text[j + 2] === '{') {
          const close = unicodeEscapeClose(text, j + 3, end);
          const code = close > 0 ? parseInt(text.slice(j + 3, close), 16) : NaN;
          if (!Number.isNaN(code) && code <= 0x10ffff) {
            buf += String.fromCodePoint(code);
            j = close + 1;
            continue;
          }
        }
        buf += ESCAPES[n] ?? n;
        j += 2;
        continue;
      }
      if (c === '$' && text[j + 1] === '{') {
        segments.push({ kind: 'text', value: buf, start: segStart, end: j });
        buf = '';
        const holeEnd = scanHole(j + 2);
        segments.push({ kind: 'hole', start: j + 2, end: holeEnd });
        j = Math.min(holeEnd + 1, end);
        segStart = j;
        continue;
      }
      buf += c;
      j++;
    }
    problems.push({ span: { start: from, end: j }, message: 'Unterminated string.' });
    segments.push({ kind: 'text', value: buf, start: segStart, end: j });
    return { end: j, segments };
  }

  /** Returns the offset of the `}` closing a hole that starts at `from` (or where the line ends). */
  function scanHole(from: number): number {
    let depth = 0;
    let j = from;
    if (++holeNesting > MAX_HOLE_NESTING) {
      // Strings in holes in strings…: a guard against stack overflow; the rest of the line is one opaque hole.
      holeNesting--;
      const nl = text.indexOf('\n', from);
      const stop = nl < 0 || nl > end ? end : nl;
      problems.push({ span: { start: from, end: stop }, message: 'String interpolation nested too deeply.' });
      return stop;
    }
    try {
      return scanHoleBody();
    } finally {
      holeNesting--;
    }
    function scanHoleBody(): number {
    while (j < end) {
      const c = text[j]!;
      if (c === "'") {
        j = scanString(j).end;
        continue;
      }
      if (c === '\n') return j;
      if (c === '{') depth++;
      else if (c === '}') {
        if (depth === 0) return j;
        depth--;
      }
      j++;
    }
    return j;
    }
  }

  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      tokens.push({ kind: 'newline', text: '\n', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let j = text.indexOf('\n', i);
      if (j < 0 || j > end) j = end;
      if (text.charCodeAt(j - 1) === 13) j--;
      comments.push({ span: { start: i, end: j }, block: false });
      i = j;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      let j = text.indexOf('*/', i + 2);
      if (j < 0 || j + 2 > end) {
        problems.push({ span: { start: i, end }, message: 'Unterminated comment.' });
        j = end;
      } else j += 2;
      comments.push({ span: { start: i, end: j }, block: true });
      i = j;
      continue;
    }
    if (c === 35 /* # */) {
      let j = text.indexOf('\n', i);
      if (j < 0 || j > end) j = end;
      const lineText = text.slice(i, j).trimEnd();
      const words = lineText.split(/\s+/);
      if (words[0] === '#disable-next-line') {
        directives.push({ span: { start: i, end: i + lineText.length }, line: 0, rules: words.slice(1) });
      }
      i = j;
      continue;
    }
    if (c === 39 /* ' */) {
      if (text.startsWith("'''", i)) {
        let close = text.indexOf("'''", i + 3);
        // A run of more than three quotes ends with the string's last three: `''''abc''''` is 'abc' (Bicep's lexer).
        while (close >= 0 && close + 3 < end && text[close + 3] === "'") close++;
        const stop = close < 0 || close + 3 > end ? end : close + 3;
        if (stop === end && close < 0) problems.push({ span: { start: i, end }, message: 'Unterminated multi-line string.' });
        let contentStart = i + 3;
        if (text[contentStart] === '\r' && text[contentStart + 1] === '\n') contentStart += 2;
        else if (text[contentStart] === '\n') contentStart += 1;
        const contentEnd = close < 0 ? end : close;
        tokens.push({
          kind: 'string', text: text.slice(i, stop), start: i, end: stop, multiline: true,
          segments: [{ kind: 'text', value: text.slice(contentStart, Math.max(contentStart, contentEnd)), start: contentStart, end: contentEnd }],
        });
        i = stop;
        continue;
      }
      const s = scanString(i);
      tokens.push({ kind: 'string', text: text.slice(i, s.end), start: i, end: s.end, segments: s.segments, multiline: false });
      i = s.end;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < end && (isIdentStart(text.charCodeAt(j)) || isDigit(text.charCodeAt(j)))) j++;
      tokens.push({ kind: 'identifier', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    if (isDigit(c)) {
      let j = i + 1;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
      tokens.push({ kind: 'number', text: text.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const p = punctuationAt(text, i, end);
    if (p) {
      tokens.push({ kind: 'punct', text: p, start: i, end: i + p.length });
      i += p.length;
      continue;
    }
    problems.push({ span: { start: i, end: i + 1 }, message: `Unexpected character '${text[i]}'.` });
    tokens.push({ kind: 'unknown', text: text[i]!, start: i, end: i + 1 });
    i++;
  }
  tokens.push({ kind: 'eof', text: '', start: end, end });
  assignLines(text, directives);
  return { tokens, comments, directives, problems };
}

/** Sets each directive's 0-based line in one pass (directives come in text order). */
function assignLines(text: string, directives: Directive[]): void {
  let line = 0;
  let pos = 0;
  for (const d of directives) {
    for (; pos < d.span.start; pos++) if (text.charCodeAt(pos) === 10) line++;
    d.line = line;
  }
}

/**
 * The value of a literal string token and, for each of its characters, the offset in `source` it comes from (one more
 * entry for the end): `'a\'b'` gives `a'b` with offsets [1, 2, 4, 5]. Undefined for an interpolated or unterminated
 * string. A multi-line string is verbatim (after the line break that may follow its opening quotes).
 */
export function stringValueOffsets(source: string, span: { start: number; end: number }, multiline: boolean): { text: string; offsets: number[] } | undefined {
  if (multiline) {
    if (!source.startsWith("'''", span.start) || span.end - span.start < 6 || !source.startsWith("'''", span.end - 3)) return undefined;
    let start = span.start + 3;
    if (source.startsWith('\r\n', start)) start += 2;
    else if (source[start] === '\n') start += 1;
    const end = Math.max(start, span.end - 3);
    const offsets: number[] = [];
    for (let i = start; i <= end; i++) offsets.push(i);
    return { text: source.slice(start, end), offsets };
  }
  const end = span.end - 1;
  if (source[span.start] !== "'" || source[end] !== "'" || end <= span.start) return undefined;
  const read = decodeStringSegment(source, span.start + 1, end);
  if (!read) return undefined;
  read.offsets.push(end);
  return read;
}

/**
 * The value of the source text `[start, end)` inside a single-line string (escapes decoded) and the offset each of its
 * characters comes from. Undefined when an interpolation (`${`) starts inside it.
 */
export function decodeStringSegment(source: string, start: number, end: number): { text: string; offsets: number[] } | undefined {
  let text = '';
  const offsets: number[] = [];
  for (let j = start; j < end; ) {
    const c = source[j]!;
    if (c === '$' && source[j + 1] === '{') return undefined;
    if (c !== '\\' || j + 1 >= end) {
      text += c;
      offsets.push(j);
      j++;
      continue;
    }
    const n = source[j + 1]!;
    let decoded = ESCAPES[n] ?? n;
    let next = j + 2;
    if (n === 'u' && source[j + 2] === '{') {
      const close = unicodeEscapeClose(source, j + 3, end);
      const code = close > 0 ? parseInt(source.slice(j + 3, close), 16) : NaN;
      if (!Number.isNaN(code) && code <= 0x10ffff) {
        decoded = String.fromCodePoint(code);
        next = close + 1;
      }
    }
    for (let k = 0; k < decoded.length; k++) offsets.push(j);
    text += decoded;
    j = next;
  }
  return { text, offsets };
}

/**
 * The `}` of a `\u{…}` escape whose digits start at `from` (-1: none). A code point has at most six hex digits: the
 * search stops a few characters on, where it went to the end of the text once per escape (640,000 `\u{` without a
 * `}`: 8 s).
 */
function unicodeEscapeClose(text: string, from: number, end: number): number {
  const last = Math.min(end - 1, from + MAX_ESCAPE_DIGITS);
  for (let i = from; i <= last; i++) if (text.charCodeAt(i) === 0x7d) return i;
  return -1;
}

/** More than a code point's six hex digits, for the blanks or zeros someone may have written. */
const MAX_ESCAPE_DIGITS = 10;
