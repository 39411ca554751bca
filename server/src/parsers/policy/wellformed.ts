import { DOMParser } from '@xmldom/xmldom';
import type { Span } from '../../core/text';
import type { PolicyProblem } from './types';

interface XmldomLocator {
  lineNumber?: number;
  columnNumber?: number;
}

/** `--` inside a comment: invalid XML, yet found in published policies that APIM imports. */
const TOLERATED = /^comment is not well-formed/;

/** Replaces each expression by a same-length run of `x` (keeping line breaks), so offsets map 1:1. */
export function maskExpressions(text: string, masks: readonly Span[]): string {
  if (masks.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const m of masks) {
    parts.push(text.slice(last, m.start));
    let run = m.start;
    for (let i = m.start; i < m.end; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a || c === 0x0d) {
        if (i > run) parts.push('x'.repeat(i - run));
        parts.push(c === 0x0a ? '\n' : '\r');
        run = i + 1;
      }
    }
    if (m.end > run) parts.push('x'.repeat(m.end - run));
    last = m.end;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** Runs xmldom over the masked text (minus a BOM) and maps its problems (line/column of a token start) to exact spans. */
export function xmlProblems(masked: string): PolicyProblem[] {
  const found: { locator: XmldomLocator; message: string }[] = [];
  const parser = new DOMParser({
    locator: true,
    normalizeLineEndings: (s: string) => s,
    onError: (_level: string, message: string, context: { locator?: XmldomLocator } | undefined) => {
      if (!TOLERATED.test(message)) found.push({ locator: { ...context?.locator }, message });
    },
  });
  const bom = masked.charCodeAt(0) === 0xfeff ? 1 : 0;
  try {
    parser.parseFromString(bom ? masked.slice(1) : masked, 'text/xml');
  } catch {
    // a fatal error has already been reported through onError
  }
  const lineStarts = xmldomLineStarts(masked).map((start, i) => (i === 0 ? bom : start));
  return found.map(({ locator, message }) => {
    const line = Math.max(1, locator.lineNumber ?? 1);
    const start = Math.min(masked.length, (lineStarts[line - 1] ?? 0) + Math.max(0, (locator.columnNumber ?? 1) - 1));
    let end = start;
    while (end < masked.length && !/[\s<>]/.test(masked[end]!)) end++;
    return { span: { start, end: Math.max(end, Math.min(start + 1, masked.length)) }, message: message.split('\n')[0]! };
  });
}

/** Line starts as xmldom counts them: after `\r\n`, a lone `\r` or `\n`. */
function xmldomLineStarts(text: string): number[] {
  const starts = [0];
  const breaks = /\r\n?|\n/g;
  for (let m = breaks.exec(text); m; m = breaks.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

const WS = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const NAME_START = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const NAME_CHAR = (c: number): boolean => NAME_START(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});/y;

/**
 * A fast, conservative well-formedness check of masked policy text: true only when the text is certainly
 * well-formed XML that xmldom would accept without a message (one root element, ASCII names without prefixes,
 * quoted, unique attributes, predefined or valid numeric entities, comments and CDATA). Anything unusual
 * (processing instructions, DOCTYPE, namespaces, non-ASCII names, control characters…) returns false, and the
 * caller falls back to xmldom. Skipping xmldom for the common case is most of the policy parsing time.
 */
export function certainlyWellFormed(masked: string): boolean {
  const s = masked;
  const n = s.length;
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: string[] = [];
  let rootSeen = false;
  const entityOk = (at: number): number => {
    ENTITY.lastIndex = at;
    const m = ENTITY.exec(s);
    if (!m) return -1;
    if (m[0][1] === '#') {
      const code = m[0][2] === 'x' ? parseInt(m[0].slice(3, -1), 16) : parseInt(m[0].slice(2, -1), 10);
      const ok = code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
      if (!ok) return -1;
    }
    return at + m[0].length;
  };
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 0x3c /* < */) {
      const d = s.charCodeAt(i + 1);
      if (d === 0x21 /* ! */) {
        if (s.startsWith('<!--', i)) {
          const end = s.indexOf('-->', i + 4);
          if (end < 0) return false;
          const body = s.slice(i + 4, end);
          if (body.includes('--') || body.endsWith('-') || !charsOk(body)) return false;
          i = end + 3;
          continue;
        }
        if (s.startsWith('<![CDATA[', i) && stack.length > 0) {
          const end = s.indexOf(']]>', i + 9);
          if (end < 0 || !charsOk(s.slice(i + 9, end))) return false;
          i = end + 3;
          continue;
        }
        return false;
      }
      if (d === 0x2f /* / */) {
        let j = i + 2;
        while (j < n && NAME_CHAR(s.charCodeAt(j))) j++;
        const name = s.slice(i + 2, j);
        if (stack.length === 0 || stack[stack.length - 1] !== name) return false;
        while (j < n && WS(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) !== 0x3e) return false;
        stack.pop();
        i = j + 1;
        continue;
      }
      if (!NAME_START(d)) return false;
      if (stack.length === 0 && rootSeen) return false;
      let j = i + 2;
      while (j < n && NAME_CHAR(s.charCodeAt(j))) j++;
      const name = s.slice(i + 1, j);
      if (/^xml/i.test(name)) return false;
      const attrs = new Set<string>();
      for (;;) {
        const before = j;
        while (j < n && WS(s.charCodeAt(j))) j++;
        const e = s.charCodeAt(j);
        if (e === 0x3e /* > */) {
          stack.push(name);
          rootSeen = true;
          j++;
          break;
        }
        if (e === 0x2f /* / */) {
          if (s.charCodeAt(j + 1) !== 0x3e) return false;
          rootSeen = true;
          j += 2;
          break;
        }
        if (j === before || !NAME_START(e)) return false;
        const ns = j;
        while (j < n && NAME_CHAR(s.charCodeAt(j))) j++;
        const attr = s.slice(ns, j);
        if (/^xml/i.test(attr) || attrs.has(attr)) return false;
        attrs.add(attr);
        while (j < n && WS(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) !== 0x3d /* = */) return false;
        j++;
        while (j < n && WS(s.charCodeAt(j))) j++;
        const q = s.charCodeAt(j);
        if (q !== 0x22 && q !== 0x27) return false;
        j++;
        for (;;) {
          if (j >= n) return false;
          const v = s.charCodeAt(j);
          if (v === q) break;
          if (v === 0x3c || !charOk(v)) return false;
          if (v === 0x26) {
            const k = entityOk(j);
            if (k < 0) return false;
            j = k;
          } else j++;
        }
        j++;
      }
      i = j;
      continue;
    }
    // Character data.
    if (c === 0x26 /* & */) {
      if (stack.length === 0) return false;
      const k = entityOk(i);
      if (k < 0) return false;
      i = k;
      continue;
    }
    if (stack.length === 0 ? !WS(c) : !charOk(c)) return false;
    if (c === 0x5d /* ] */ && s.startsWith(']]>', i)) return false;
    i++;
  }
  return rootSeen && stack.length === 0;
}

function charOk(c: number): boolean {
  return c >= 0x20 ? c < 0xd800 || (c >= 0xe000 && c <= 0xfffd) : c === 0x09 || c === 0x0a || c === 0x0d;
}

function charsOk(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!charOk(s.charCodeAt(i))) return false;
  return true;
}
