import type { TextEdit } from '../../core/finding';
import type { Span } from '../../core/text';
import type { BicepFile, Expr, ObjectExpr } from '../../parsers/bicep/types';
import { buildScope, type ResourceNode } from '../../model/bicep-scope';
import { children } from '../../model/expr-walk';
import { indentAt } from './policy-edit';

/** The key of the `key: value` member that starts at `start`: an identifier, or a quoted string with its quotes. */
export function keySpanAt(text: string, start: number): Span {
  if (text[start] === "'") {
    const close = text.indexOf("'", start + 1);
    return { start, end: close < 0 ? start + 1 : close + 1 };
  }
  const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(start, start + 256));
  return { start, end: start + (m ? m[0].length : 1) };
}

/** The resource declared at exactly `span` in a Bicep file (nested ones included), with its body and type. */
export function resourceAt(file: string, bicep: BicepFile, span: Span): ResourceNode | undefined {
  return buildScope(file, bicep).resources.find((r) => r.decl.span.start === span.start && r.decl.span.end === span.end);
}

function sameLine(text: string, a: number, b: number): boolean {
  return !text.slice(a, b).includes('\n');
}

/** The object literal written at exactly `span` (in a resource body, a variable, a module's params…), if any. */
export function objectAt(file: string, bicep: BicepFile, span: Span): ObjectExpr | undefined {
  const stack: Expr[] = buildScope(file, bicep).resources.flatMap((r) => (r.body ? [r.body] : []));
  for (const d of bicep.declarations) if (d.kind === 'var' && d.value) stack.push(d.value);
  while (stack.length) {
    const e = stack.pop()!;
    if (e.span.start > span.start || e.span.end < span.end) continue;
    if (e.kind === 'object' && e.span.start === span.start && e.span.end === span.end) return e;
    stack.push(...children(e));
  }
  return undefined;
}

/**
 * An edit that adds a member to a multi-line object, first or last, with the indentation its members use.
 * `member` gets that indentation and returns the member's text (it may span lines). Undefined for one-line objects.
 */
export function insertMemberEdit(
  file: string,
  text: string,
  obj: ObjectExpr,
  member: (indent: string) => string,
  where: 'first' | 'last' = 'first',
): TextEdit | undefined {
  const open = obj.span.start;
  const first = obj.members[0];
  const last = obj.members[obj.members.length - 1];
  if (first && last) {
    if (sameLine(text, open, first.span.start)) return undefined;
    const indent = indentAt(text, first.span.start);
    const at = where === 'first' ? open + 1 : last.span.end;
    return { file, span: { start: at, end: at }, newText: `\n${indent}${member(indent)}` };
  }
  const inside = { start: open + 1, end: obj.span.end - 1 };
  if (text.slice(inside.start, inside.end).trim() !== '') return undefined;
  const outer = indentAt(text, open);
  return { file, span: inside, newText: `\n${outer}  ${member(`${outer}  `)}\n${outer}` };
}

/** An edit that adds `line` (a member such as `format: 'rawxml'`) on its own line just before the member starting at `before`. */
export function insertLineBeforeEdit(file: string, text: string, before: number, line: string): TextEdit {
  const indent = indentAt(text, before);
  const lineStart = text.lastIndexOf('\n', before - 1) + 1;
  if (text.slice(lineStart, before).trim() === '') return { file, span: { start: lineStart, end: lineStart }, newText: `${indent}${line}\n` };
  return { file, span: { start: before, end: before }, newText: `${line}, ` };
}

/** An edit that sets the value of the `key: value` member spanning `member` (everything after the key is rewritten). */
export function setMemberValueEdit(file: string, text: string, member: Span, value: string): TextEdit {
  return { file, span: { start: keySpanAt(text, member.start).end, end: member.end }, newText: `: ${value}` };
}
