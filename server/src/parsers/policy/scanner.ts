import type { Span } from '../../core/text';
import type { PolicyAttribute, PolicyDocument, PolicyElement, PolicyExpression, PolicyProblem, PolicyText } from './types';
import { lexExpression } from './csharp-lexer';
import { decodeEntities, entityAt } from './entities';
import { namedValueAt } from './named-values';

/** An open element and where its content ends so far (its end when it turns out unclosed). */
interface Frame {
  el: PolicyElement;
  contentEnd: number;
}

/** The tolerant tree plus the expression spans to mask before the XML well-formedness check. */
export interface ScanResult {
  doc: PolicyDocument;
  masks: Span[];
}

function isNameStart(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_' || c === ':' || c.charCodeAt(0) > 127);
}
function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}
function startsExpression(text: string, at: number): boolean {
  return text[at] === '@' && (text[at + 1] === '(' || text[at + 1] === '{');
}

/** Builds the tolerant element tree in one linear pass; never throws. */
export function scan(text: string): ScanResult {
  return new Scanner(text).run();
}

class Scanner {
  private readonly stack: Frame[] = [];
  private readonly masks: Span[] = [];
  private readonly doc: PolicyDocument;
  /** The result of the last search for `&`: the first one at or after `ampFrom` (-1: none). */
  private amp = -1;
  private ampFrom = Number.MAX_SAFE_INTEGER;

  constructor(private readonly text: string) {
    this.doc = {
      text,
      elements: [],
      expressions: [],
      comments: [],
      namedValues: [],
      problems: [],
      hasBom: text.charCodeAt(0) === 0xfeff,
    };
  }

  run(): ScanResult {
    const { text } = this;
    let pos = this.doc.hasBom ? 1 : 0;
    while (pos < text.length) {
      const lt = text.indexOf('<', pos);
      pos = lt === pos ? this.markup(pos) : this.charData(pos, lt < 0 ? text.length : lt);
    }
    while (this.stack.length > 0) this.popUnclosed();
    this.collectNamedValues();
    return { doc: this.doc, masks: this.masks };
  }

  private problem(start: number, end: number, message: string): void {
    // Garbage gives a problem per character: keep enough to report (parsePolicy shows the first ones).
    if (this.doc.problems.length > 10_000) return;
    this.doc.problems.push({ span: { start, end }, message });
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private skipSpace(at: number): number {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) at++;
      else return at;
    }
  }

  private nameEnd(at: number): number {
    const { text } = this;
    // isNameChar by code unit (NaN past the end stops it).
    for (;;) {
      const c = text.charCodeAt(at);
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e || c > 127) at++;
      else return at;
    }
  }

  /** Character data from `start`; an expression at its start may run past `lt`. Returns where it ends. */
  private charData(start: number, lt: number): number {
    const { text } = this;
    const frame = this.top();
    const first = this.skipSpace(start);
    let expression: PolicyExpression | undefined;
    let end = lt;
    if (frame && first < lt && startsExpression(text, first)) {
      expression = this.expression(first, text.length, true, frame.el);
      const next = text.indexOf('<', expression.span.end);
      end = next < 0 ? text.length : next;
    }
    // In document order: `checkEntities` remembers where the next `&` is, for calls that move forward.
    if (expression) this.checkEntities(start, expression.span.start);
    this.checkEntities(expression ? expression.span.end : start, end);
    let trimmed = end;
    for (let c = text.charCodeAt(trimmed - 1); trimmed > first && (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d); c = text.charCodeAt(trimmed - 1)) trimmed--;
    if (trimmed > first) {
      if (frame) {
        this.addText(frame, { span: { start: first, end: trimmed }, raw: text.slice(first, trimmed), cdata: false }, expression);
      } else {
        this.problem(first, trimmed, 'Text is not allowed outside the root element.');
      }
    }
    return end;
  }

  private addText(frame: Frame, node: PolicyText, expression: PolicyExpression | undefined): void {
    if (expression) node.expression = expression;
    frame.el.texts.push(node);
    frame.contentEnd = node.span.end;
  }

  /** Reports `&` that does not start a predefined or numeric entity reference. */
  private checkEntities(start: number, end: number): void {
    const { text } = this;
    // The next `&` is found with indexOf and remembered: calls mostly move forward, so the document is searched about
    // once (an indexOf per text run would search to the end every time: quadratic on a document without `&`).
    for (let i = this.ampAtOrAfter(start); i >= 0 && i < end; i = this.ampAtOrAfter(i + 1)) {
      const e = entityAt(text, i);
      if (!e) this.problem(i, i + 1, "Unescaped '&': write '&amp;' (or use a policy expression).");
      else if (e.decoded === undefined) this.problem(i, i + e.length, `Unknown entity '${text.slice(i, i + e.length)}'.`);
    }
  }

  /** The first `&` at or after `from` (-1: none), from a remembered search when it still applies. */
  private ampAtOrAfter(from: number): number {
    // The remembered answer holds when it was searched from no later than `from` and found none, or found one at or
    // after `from` (nothing lies between the two).
    const valid = this.ampFrom <= from && (this.amp < 0 || this.amp >= from);
    if (!valid) {
      this.amp = this.text.indexOf('&', from);
      this.ampFrom = from;
    }
    return this.amp;
  }

  /** Scans the expression at `at` (`@(` or `@{`) and records it; in an attribute, an unterminated one is bounded. */
  private expression(at: number, limit: number, decode: boolean, element: PolicyElement, attributeQuote?: string): PolicyExpression {
    const lexed = lexExpression(this.text, at, { limit, decodeEntities: decode });
    let end = lexed.end;
    if (!lexed.terminated) {
      if (attributeQuote) {
        const bound = this.attributeBound(at + 2, end, attributeQuote);
        if (bound >= 0) end = bound;
      }
      while (end > at + 2 && isSpace(this.text[end - 1])) end--;
      const closer = this.text[at + 1] === '(' ? ')' : '}';
      this.problem(at, at + 2, `Unterminated policy expression: missing '${closer}'.`);
    }
    for (const p of lexed.problems) if (p.span.start < end) this.doc.problems.push(p);
    const expression: PolicyExpression = {
      kind: this.text[at + 1] === '(' ? 'single' : 'multi',
      span: { start: at, end },
      codeSpan: { start: at + 2, end: lexed.terminated ? end - 1 : end },
      terminated: lexed.terminated,
      tokens: lexed.terminated ? lexed.tokens : lexed.tokens.filter((t) => t.span.end <= end),
      owner: { element },
    };
    this.doc.expressions.push(expression);
    this.masks.push(expression.span);
    return expression;
  }

  /** Where an unterminated attribute expression most likely ends: a quote followed by `>`, `/>` or ` name=`. */
  private attributeBound(from: number, to: number, quote: string): number {
    const { text } = this;
    for (let i = text.indexOf(quote, from); i >= 0 && i < to; i = text.indexOf(quote, i + 1)) {
      const k = this.skipSpace(i + 1);
      const c = text[k];
      if (k >= text.length || c === '>' || (c === '/' && text[k + 1] === '>')) return i;
      if (k > i + 1 && isNameStart(c)) {
        const afterName = this.skipSpace(this.nameEnd(k));
        if (text[afterName] === '=') return i;
      }
    }
    return -1;
  }

  private markup(at: number): number {
    const { text } = this;
    if (text.startsWith('<!--', at)) return this.comment(at);
    if (text.startsWith('<![CDATA[', at)) return this.cdata(at);
    if (text.startsWith('<?', at)) return this.skipTo(at, '?>', 'processing instruction');
    if (text.startsWith('<!', at)) return this.skipTo(at, '>', 'declaration');
    if (text[at + 1] === '/') return this.endTag(at);
    if (isNameStart(text[at + 1])) return this.startTag(at);
    this.problem(at, at + 1, "Unescaped '<': write '&lt;' (or use a policy expression).");
    const next = text.indexOf('<', at + 1);
    return this.charData(at, next < 0 ? text.length : next);
  }

  private skipTo(at: number, terminator: string, what: string): number {
    const end = this.text.indexOf(terminator, at + 2);
    if (end >= 0) return end + terminator.length;
    this.problem(at, at + 2, `Unterminated ${what}: missing '${terminator}'.`);
    return this.text.length;
  }

  private comment(at: number): number {
    let end = this.text.indexOf('-->', at + 4);
    if (end < 0) {
      this.problem(at, at + 4, "Unterminated comment: missing '-->'.");
      end = this.text.length;
    }
    this.doc.comments.push({ span: { start: at, end: Math.min(end + 3, this.text.length) }, text: this.text.slice(at + 4, end) });
    const frame = this.top();
    if (frame) frame.contentEnd = Math.min(end + 3, this.text.length);
    return end + 3;
  }

  private cdata(at: number): number {
    const { text } = this;
    const contentStart = at + 9;
    let end = text.indexOf(']]>', contentStart);
    if (end < 0) {
      this.problem(at, contentStart, "Unterminated CDATA section: missing ']]>'.");
      end = text.length;
    }
    const frame = this.top();
    const spanEnd = Math.min(end + 3, text.length);
    if (!frame) {
      this.problem(at, spanEnd, 'CDATA is not allowed outside the root element.');
      return spanEnd;
    }
    const first = this.skipSpace(contentStart);
    const expression = first < end && startsExpression(text, first) ? this.expression(first, end, false, frame.el) : undefined;
    this.addText(frame, { span: { start: at, end: spanEnd }, raw: text.slice(at, spanEnd), cdata: true }, expression);
    return spanEnd;
  }

  private startTag(at: number): number {
    const { text } = this;
    const nameEnd = this.nameEnd(at + 1);
    const el: PolicyElement = {
      name: text.slice(at + 1, nameEnd),
      nameSpan: { start: at + 1, end: nameEnd },
      span: { start: at, end: nameEnd },
      startTagSpan: { start: at, end: nameEnd },
      selfClosing: false,
      closed: false,
      attributes: [],
      children: [],
      texts: [],
      parent: undefined,
      topLevel: undefined,
    };
    const parent = this.top();
    if (parent) {
      el.parent = parent.el;
      el.topLevel = parent.el.topLevel ?? el;
      parent.el.children.push(el);
    } else if (this.doc.root) {
      this.problem(at + 1, nameEnd, 'Only one root element is allowed.');
    } else {
      this.doc.root = el;
    }
    this.doc.elements.push(el);
    let pos = nameEnd;
    let tagEnd = nameEnd;
    for (;;) {
      pos = this.skipSpace(pos);
      const c = text[pos];
      if (c === '>' || (c === '/' && text[pos + 1] === '>')) {
        el.selfClosing = c === '/';
        tagEnd = pos + (el.selfClosing ? 2 : 1);
        pos = tagEnd;
        break;
      }
      if (c === undefined || c === '<') {
        this.problem(el.nameSpan.start, el.nameSpan.end, `Start tag '<${el.name}' is missing '>'.`);
        break;
      }
      if (isNameStart(c)) {
        pos = this.attribute(pos, el);
        tagEnd = pos;
      } else {
        this.problem(pos, pos + 1, `Unexpected '${c}' in start tag '<${el.name}>'.`);
        pos++;
      }
    }
    el.startTagSpan.end = tagEnd;
    el.span.end = tagEnd;
    if (el.selfClosing) {
      el.closed = true;
      if (parent) parent.contentEnd = tagEnd;
    } else {
      this.stack.push({ el, contentEnd: tagEnd });
    }
    return pos;
  }

  /** The element whose attributes are being read, and their names so far (duplicates are reported). */
  private namesOf: PolicyElement | undefined;
  private readonly names = new Set<string>();

  /** Reads one attribute at `at` (a name start) and returns where the tag continues. */
  private attribute(at: number, el: PolicyElement): number {
    const { text } = this;
    const nameEnd = this.nameEnd(at);
    const name = text.slice(at, nameEnd);
    // The names seen on this element: a set, so 64,000 attributes on one element cost 64,000 lookups, not 2 billion.
    if (this.namesOf !== el) {
      this.namesOf = el;
      this.names.clear();
    }
    if (this.names.has(name)) this.problem(at, nameEnd, `Duplicate attribute '${name}'.`);
    else this.names.add(name);
    const attr: PolicyAttribute = {
      name,
      nameSpan: { start: at, end: nameEnd },
      valueSpan: { start: nameEnd, end: nameEnd },
      rawValue: '',
      value: '',
      quote: '',
    };
    el.attributes.push(attr);
    let pos = this.skipSpace(nameEnd);
    if (text[pos] !== '=') {
      this.problem(at, nameEnd, `Attribute '${name}' has no value.`);
      return nameEnd;
    }
    pos = this.skipSpace(pos + 1);
    const quote = text[pos];
    if (quote !== '"' && quote !== "'") {
      let end = pos;
      while (end < text.length && !isSpace(text[end]) && text[end] !== '>' && text[end] !== '<' && !text.startsWith('/>', end)) end++;
      this.setValue(attr, pos, end);
      this.problem(end > pos ? pos : at, end > pos ? end : nameEnd, `The value of attribute '${name}' must be quoted.`);
      return end;
    }
    attr.quote = quote;
    const valueStart = pos + 1;
    let literalStart = valueStart;
    const first = this.skipSpace(valueStart);
    if (startsExpression(text, first)) {
      attr.expression = this.expression(first, text.length, true, el, quote);
      attr.expression.owner.attribute = attr;
      literalStart = attr.expression.span.end;
      if (!attr.expression.terminated) {
        const quoteAt = this.skipSpace(literalStart);
        const closed = text[quoteAt] === quote;
        this.setValue(attr, valueStart, closed ? quoteAt : literalStart);
        if (!closed) this.problem(pos, pos + 1, `Unterminated value of attribute '${name}'.`);
        return closed ? quoteAt + 1 : literalStart;
      }
    }
    const end = this.literalValue(pos, literalStart, quote, name);
    const partial = this.partialExpressionEnd(valueStart, end, quote, name);
    if (partial >= 0) {
      this.setValue(attr, valueStart, partial);
      return partial + 1;
    }
    this.setValue(attr, valueStart, end.valueEnd);
    return end.next;
  }

  /**
   * `key="prefix-@(f("a"))"`: an expression is one only as the whole value, so inside a literal value its quotes end
   * the value and the rest of the code garbles the tag. When the value holds `@(` / `@{` and the tag doesn't go on
   * after its quote, says so once, at that quote, and returns where the value was meant to end (a quote followed by
   * `>`, `/>` or another attribute), so the rest of the tag reads as written. -1 otherwise.
   */
  private partialExpressionEnd(valueStart: number, end: { valueEnd: number; next: number }, quote: string, name: string): number {
    const { text } = this;
    if (end.next !== end.valueEnd + 1) return -1; // unterminated: reported already
    const at = end.next;
    if (isSpace(text[at]) || text[at] === '>' || text.startsWith('/>', at) || at >= text.length) return -1;
    // `a="x"b="y"`: another attribute without the blank before it, not code.
    if (isNameStart(text[at]) && text[this.skipSpace(this.nameEnd(at))] === '=') return -1;
    const code = text.slice(valueStart, end.valueEnd).search(/@[({]/);
    if (code < 0) return -1;
    const bound = this.attributeBound(at, text.length, quote);
    if (bound < 0) return -1;
    this.problem(
      end.valueEnd,
      end.valueEnd + 1,
      `This quote ends the value of '${name}' inside a policy expression: an expression is read as one only when it is the whole value, ` +
        `so its quotes end the value. Make the whole value an expression (${name}="@("…" + …)"), or write the quotes as &quot;.`,
    );
    return bound;
  }

  private setValue(attr: PolicyAttribute, start: number, end: number): void {
    attr.valueSpan = { start, end };
    attr.rawValue = this.text.slice(start, end);
    attr.value = decodeEntities(attr.rawValue);
  }

  /**
   * The literal part of a value up to its closing quote. An unterminated value ends before its first `>` (so the tag
   * still closes), or before a `<` that starts a line.
   */
  private literalValue(quoteAt: number, from: number, quote: string, name: string): { valueEnd: number; next: number } {
    const { text } = this;
    const found: PolicyProblem[] = [];
    let firstGt = -1;
    let i = from;
    const q = quote.charCodeAt(0);
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === q) break;
      if (c === 0x3e /* > */ && firstGt < 0) firstGt = i;
      else if (c === 0x3c /* < */) {
        if (this.startsLine(from, i)) break;
        found.push({ span: { start: i, end: i + 1 }, message: "Unescaped '<' in attribute value: write '&lt;' (or use a policy expression)." });
      }
    }
    const terminated = text[i] === quote;
    let valueEnd = i;
    if (!terminated) {
      this.problem(quoteAt, quoteAt + 1, `Unterminated value of attribute '${name}'.`);
      if (firstGt >= 0) valueEnd = firstGt;
      else while (valueEnd > from && isSpace(text[valueEnd - 1])) valueEnd--;
    }
    for (const p of found) if (p.span.start < valueEnd) this.doc.problems.push(p);
    this.checkEntities(from, valueEnd);
    return { valueEnd, next: terminated ? i + 1 : valueEnd };
  }

  /** True when only blanks separate `at` from a preceding line break at or after `from`. */
  private startsLine(from: number, at: number): boolean {
    let i = at - 1;
    while (i >= from && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
    return i >= from && (this.text[i] === '\n' || this.text[i] === '\r');
  }

  private endTag(at: number): number {
    const { text } = this;
    const nameEnd = this.nameEnd(at + 2);
    const name = text.slice(at + 2, nameEnd);
    const gt = this.skipSpace(nameEnd);
    let end = nameEnd;
    if (text[gt] === '>') end = gt + 1;
    else this.problem(at, nameEnd, `End tag '</${name}' is missing '>'.`);
    let i = this.stack.length - 1;
    while (i >= 0 && this.stack[i]!.el.name !== name) i--;
    if (i < 0) {
      this.problem(at, end, name ? `Unexpected end tag '</${name}>': no open element of that name.` : 'End tag without a name.');
      return end;
    }
    while (this.stack.length > i + 1) this.popUnclosed();
    const { el } = this.stack.pop()!;
    el.endTagSpan = { start: at, end };
    el.closed = true;
    el.span.end = end;
    const parent = this.top();
    if (parent) parent.contentEnd = end;
    return end;
  }

  private popUnclosed(): void {
    const frame = this.stack.pop()!;
    const { el } = frame;
    el.span.end = frame.contentEnd;
    this.problem(el.nameSpan.start, el.nameSpan.end, `Element '<${el.name}>' is not closed.`);
    const parent = this.top();
    if (parent) parent.contentEnd = frame.contentEnd;
  }

  /** `{{name}}` references anywhere outside XML comments, in document order. */
  private collectNamedValues(): void {
    const { text, doc } = this;
    let comment = 0;
    for (let i = text.indexOf('{{'); i >= 0; i = text.indexOf('{{', i + 1)) {
      while (comment < doc.comments.length && doc.comments[comment]!.span.end <= i) comment++;
      const c = doc.comments[comment];
      if (c && c.span.start <= i) {
        i = c.span.end - 1;
        continue;
      }
      const nv = namedValueAt(text, i);
      if (nv) doc.namedValues.push({ name: nv.name, span: { start: i, end: i + nv.length } });
    }
  }
}
