import type * as Xmldom from '@xmldom/xmldom';
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
  // Loaded on first use: most documents pass `certainlyWellFormed`, and xmldom's set-up cost every start ≈ 15 ms.
  const { DOMParser } = require('@xmldom/xmldom') as typeof Xmldom;
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
/** The name at [from, to) starts with `xml` in any case (reserved: xmldom treats such names and attributes specially). */
const XML_PREFIXED = (s: string, from: number, to: number): boolean =>
  to - from >= 3 && (s.charCodeAt(from) | 0x20) === 0x78 && (s.charCodeAt(from + 1) | 0x20) === 0x6d && (s.charCodeAt(from + 2) | 0x20) === 0x6c;

/** Runs of character data that need no closer look: anything but `<`, `&`, `]` and characters `charOk` refuses. */
const PLAIN_TEXT = /[^<&\]\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]+/y;
/** The same inside an attribute value, by quote: anything but the quote, `<`, `&` and refused characters. */
const PLAIN_VALUE: Readonly<Record<number, RegExp>> = {
  0x22: /[^"<&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]+/y,
  0x27: /[^'<&\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]+/y,
};

/**
 * A fast, conservative well-formedness check of policy text whose expressions (`masks`, in document order) count as
 * masked (see `maskExpressions`): true only when the masked text is certainly well-formed XML that xmldom would accept
 * without a message (one root element, ASCII names without prefixes, quoted, unique attributes, predefined or valid
 * numeric entities, comments and CDATA). Anything unusual (processing instructions, DOCTYPE, namespaces, non-ASCII
 * names, control characters, an expression anywhere but in character data or an attribute value…) returns false, and
 * the caller falls back to xmldom. Skipping xmldom for the common case is most of the policy parsing time; taking the
 * masks instead of a masked copy spares building that copy for every document.
 */
export function certainlyWellFormed(text: string, masks: readonly Span[] = []): boolean {
  const s = text;
  const n = s.length;
  let i = s.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: string[] = [];
  /** The attribute names of the start tag being read (one set, cleared per tag). */
  const attrs = new Set<string>();
  let rootSeen = false;
  let k = 0;
  let nextMask = masks.length > 0 ? masks[0]!.start : Number.POSITIVE_INFINITY;
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
  /** Characters of [from, to) are all allowed, masked ones counting as allowed; false when a mask runs past `to`. */
  const charsOkMasked = (from: number, to: number): boolean => {
    while (nextMask < to) {
      if (nextMask < from || masks[k]!.end > to || !charsOk(s, from, nextMask)) return false;
      from = masks[k]!.end;
      k++;
      nextMask = k < masks.length ? masks[k]!.start : Number.POSITIVE_INFINITY;
    }
    return charsOk(s, from, to);
  };
  while (i < n) {
    if (i >= nextMask) {
      // An expression in character data counts as a run of allowed characters; anywhere else the text is in doubt.
      if (i > nextMask || stack.length === 0) return false;
      i = masks[k]!.end;
      k++;
      nextMask = k < masks.length ? masks[k]!.start : Number.POSITIVE_INFINITY;
      continue;
    }
    const c = s.charCodeAt(i);
    if (c === 0x3c /* < */) {
      const d = s.charCodeAt(i + 1);
      if (d === 0x21 /* ! */) {
        if (s.startsWith('<!--', i)) {
          const end = s.indexOf('-->', i + 4);
          if (end < 0 || nextMask < end + 3) return false;
          if (s.slice(i + 4, end).includes('--') || (end > i + 4 && s.charCodeAt(end - 1) === 0x2d) || !charsOk(s, i + 4, end)) return false;
          i = end + 3;
          continue;
        }
        if (s.startsWith('<![CDATA[', i) && stack.length > 0) {
          const end = s.indexOf(']]>', i + 9);
          if (end < 0 || !charsOkMasked(i + 9, end)) return false;
          i = end + 3;
          continue;
        }
        return false;
      }
      if (d === 0x2f /* / */) {
        let j = i + 2;
        while (j < n && NAME_CHAR(s.charCodeAt(j))) j++;
        const open = stack.length > 0 ? stack[stack.length - 1]! : undefined;
        if (open === undefined || open.length !== j - i - 2 || !s.startsWith(open, i + 2)) return false;
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
      if (XML_PREFIXED(s, i + 1, j)) return false;
      const name = s.slice(i + 1, j);
      attrs.clear();
      for (;;) {
        const before = j;
        while (j < n && WS(s.charCodeAt(j))) j++;
        if (j >= nextMask) return false;
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
        if (XML_PREFIXED(s, ns, j)) return false;
        const attr = s.slice(ns, j);
        if (attrs.has(attr)) return false;
        attrs.add(attr);
        while (j < n && WS(s.charCodeAt(j))) j++;
        if (s.charCodeAt(j) !== 0x3d /* = */) return false;
        j++;
        while (j < n && WS(s.charCodeAt(j))) j++;
        const q = s.charCodeAt(j);
        if (q !== 0x22 && q !== 0x27) return false;
        if (j >= nextMask) return false;
        j++;
        const plain = PLAIN_VALUE[q]!;
        for (;;) {
          if (j >= nextMask) {
            // An expression inside the value: masked, it is a run of `x`.
            if (j > nextMask) return false;
            j = masks[k]!.end;
            k++;
            nextMask = k < masks.length ? masks[k]!.start : Number.POSITIVE_INFINITY;
            continue;
          }
          if (j >= n) return false;
          const v = s.charCodeAt(j);
          if (v === q) break;
          if (v === 0x26) {
            const next = entityOk(j);
            if (next < 0) return false;
            j = next;
            continue;
          }
          plain.lastIndex = j;
          if (!plain.test(s)) return false; // `<` or a refused character
          j = Math.min(plain.lastIndex, nextMask);
        }
        j++;
      }
      i = j;
      continue;
    }
    // Character data.
    if (c === 0x26 /* & */) {
      if (stack.length === 0) return false;
      const next = entityOk(i);
      if (next < 0) return false;
      i = next;
      continue;
    }
    if (stack.length === 0) {
      if (!WS(c)) return false;
      i++;
      continue;
    }
    if (c === 0x5d /* ] */) {
      if (s.startsWith(']]>', i)) return false;
      i++;
      continue;
    }
    PLAIN_TEXT.lastIndex = i;
    if (!PLAIN_TEXT.test(s)) return false; // a refused character
    i = Math.min(PLAIN_TEXT.lastIndex, nextMask);
  }
  return rootSeen && stack.length === 0 && k === masks.length;
}

function charOk(c: number): boolean {
  return c >= 0x20 ? c < 0xd800 || (c >= 0xe000 && c <= 0xfffd) : c === 0x09 || c === 0x0a || c === 0x0d;
}

function charsOk(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!charOk(s.charCodeAt(i))) return false;
  return true;
}
