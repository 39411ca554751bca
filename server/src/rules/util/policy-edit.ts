import type { TextEdit } from '../../core/finding';
import { LineIndex, type Span } from '../../core/text';
import type { PolicyAttribute, PolicyElement } from '../../parsers/policy/types';
import { getAttribute } from '../../parsers/policy/query';

/** The whole attribute as written: from its name to the closing quote. */
export function attributeSpan(attr: PolicyAttribute): Span {
  return { start: attr.nameSpan.start, end: attr.valueSpan.end + (attr.quote ? 1 : 0) };
}

/** An edit that sets `name="value"` on `el`: replaces the value when the attribute exists, else appends the attribute. */
export function setAttributeEdit(file: string, el: PolicyElement, name: string, value: string): TextEdit {
  const existing = getAttribute(el, name);
  if (existing?.quote) return { file, span: existing.valueSpan, newText: value };
  if (existing) return { file, span: attributeSpan(existing), newText: `${name}="${value}"` };
  const last = el.attributes[el.attributes.length - 1];
  const at = last ? attributeSpan(last).end : el.nameSpan.end;
  return { file, span: { start: at, end: at }, newText: ` ${name}="${value}"` };
}

/** The leading blanks of the line `offset` is on. */
export function indentAt(text: string, offset: number): string {
  const index = new LineIndex(text);
  const line = index.lineText(index.positionAt(offset).line);
  return /^[ \t]*/.exec(line)![0];
}

/** One level of indentation as the document uses it around `el` (four spaces when it can't tell). */
export function indentUnit(text: string, el: PolicyElement): string {
  const own = indentAt(text, el.span.start);
  const child = el.children[0];
  if (child) {
    const inner = indentAt(text, child.span.start);
    if (inner.length > own.length && inner.startsWith(own)) return inner.slice(own.length);
  }
  if (el.parent) {
    const outer = indentAt(text, el.parent.span.start);
    if (own.length > outer.length && own.startsWith(outer)) return own.slice(outer.length);
  }
  return '    ';
}

/**
 * An edit that adds `markup` as the last child of `el`, on its own line, indented one level deeper.
 * A self-closing element gets an end tag. `markup` may span several lines, indented relative to its first line.
 */
export function appendChildEdit(file: string, text: string, el: PolicyElement, markup: string): TextEdit {
  const indent = indentAt(text, el.span.start);
  const unit = indentUnit(text, el);
  const body = markup
    .split('\n')
    .map((line) => indent + unit + line)
    .join('\n');
  if (el.selfClosing) {
    let start = el.startTagSpan.end - 2;
    while (start > el.nameSpan.end && /\s/.test(text[start - 1]!)) start--;
    return { file, span: { start, end: el.startTagSpan.end }, newText: `>\n${body}\n${indent}</${el.name}>` };
  }
  const endTag = el.endTagSpan;
  const at = endTag ? endTag.start : el.span.end;
  let lineStart = at;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  if (lineStart === 0 || text[lineStart - 1] === '\n') return { file, span: { start: lineStart, end: lineStart }, newText: `${body}\n` };
  return { file, span: { start: at, end: at }, newText: `\n${body}\n${indent}` };
}

/** An edit that removes an attribute together with the blanks before it. */
export function removeAttributeEdit(file: string, text: string, attr: PolicyAttribute): TextEdit {
  const span = attributeSpan(attr);
  let start = span.start;
  while (start > 0 && /\s/.test(text[start - 1]!)) start--;
  return { file, span: { start, end: span.end }, newText: '' };
}
