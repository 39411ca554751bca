/** Offsets are UTF-16 code units into the original text (what JavaScript strings and LSP use). */
export interface Span {
  start: number;
  end: number;
}

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

/** `newText` with the line breaks of `text`: in a CRLF file, `\n` becomes `\r\n` (fixes are written with `\n`). */
export function withLineEndingsOf(text: string, newText: string): string {
  if (!newText.includes('\n') || !text.includes('\r\n')) return newText;
  return newText.replace(/\r?\n/g, '\r\n');
}

export function span(start: number, end: number): Span {
  return { start, end };
}

/**
 * Maps offsets to line/column and back. Lines end at \n, \r\n or a lone \r, as in LSP and VS Code (and as XML reads
 * them): a file with a lone \r has the editor's line numbers.
 */
export class LineIndex {
  private readonly lineStarts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.lineStarts[lo]! };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.lineStarts.length) return this.text.length;
    const start = this.lineStarts[pos.line]!;
    const end = this.lineEnd(pos.line);
    return Math.min(start + Math.max(0, pos.character), end);
  }

  lineStart(line: number): number {
    return this.lineStarts[Math.max(0, Math.min(line, this.lineStarts.length - 1))]!;
  }

  /** Offset of the end of the line's content (before its \r\n, \n or \r). */
  lineEnd(line: number): number {
    if (line + 1 >= this.lineStarts.length) return this.text.length;
    const next = this.lineStarts[Math.max(0, line) + 1]!;
    // The line break before the next line: \r\n is two characters, \n or a lone \r one.
    return this.text.charCodeAt(next - 1) === 10 && this.text.charCodeAt(next - 2) === 13 ? next - 2 : next - 1;
  }

  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineEnd(line));
  }
}
