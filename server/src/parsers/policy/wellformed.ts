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
  let out = '';
  let last = 0;
  for (const m of masks) {
    out += text.slice(last, m.start) + text.slice(m.start, m.end).replace(/[^\r\n]/g, 'x');
    last = m.end;
  }
  return out + text.slice(last);
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
