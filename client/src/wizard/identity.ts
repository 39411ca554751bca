import { scan } from '../../../server/src/parsers/policy/scanner';
import type { PolicyElement } from '../../../server/src/parsers/policy/types';

/** A text edit on a policy: replace [start, end) with `text` (start === end: insert). */
export interface PolicyEdit {
  start: number;
  end: number;
  text: string;
  /**
   * `cursor`: inside an `<identities>` at the cursor; `identities`: appended to the first `<identities>` of a
   * `validate-client-certificate`; `new-identities`: an `<identities>` was added to it; `no-policy`: the policy has no
   * `validate-client-certificate`, inserted at the cursor.
   */
  where: 'cursor' | 'identities' | 'new-identities' | 'no-policy';
}

/** `<identity thumbprint="…" />`. */
export function identityElement(thumbprint: string): string {
  return `<identity thumbprint="${thumbprint.replace(/[^0-9A-Fa-f]/g, '').toUpperCase()}" />`;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function indentAt(text: string, offset: number): string {
  const start = lineStartOf(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

/** The indentation of an element's children: its first child's, else its own plus one unit (a tab or 4 spaces, as the file does). */
function childIndent(text: string, el: PolicyElement): string {
  const first = el.children[0];
  if (first && lineStartOf(text, first.span.start) !== lineStartOf(text, el.span.start)) return indentAt(text, first.span.start);
  const own = indentAt(text, el.span.start);
  const unit = /^\t/m.test(text) ? '\t' : (() => {
    const sizes = [...text.matchAll(/^( +)</gm)].map((m) => m[1]!.length);
    const smallest = Math.min(...sizes.filter((n) => n > 0));
    return Number.isFinite(smallest) && smallest <= 8 ? ' '.repeat(smallest) : '    ';
  })();
  return own + unit;
}

/** Inserts `lines` (already relative to the child indentation) as the last children of `el` (which has an end tag). */
function appendChildren(text: string, el: PolicyElement, lines: string[], eol: string): { start: number; text: string } {
  const end = el.endTagSpan!.start;
  const indent = childIndent(text, el);
  const lineStart = lineStartOf(text, end);
  const body = lines.map((l) => indent + l);
  if (/^[ \t]*$/.test(text.slice(lineStart, end)) && lineStart > el.startTagSpan.end) {
    return { start: lineStart, text: body.join(eol) + eol };
  }
  return { start: end, text: eol + body.join(eol) + eol + indentAt(text, el.span.start) };
}

/**
 * Where and how to add `<identity thumbprint="…" />` to a policy: at the cursor when it is inside an
 * `<identities>`, else into the first `<identities>` of the first `validate-client-certificate` (made when
 * missing), else at the cursor.
 */
export function identityInsertion(text: string, cursor: number, thumbprint: string): PolicyEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const identity = identityElement(thumbprint);
  // The tolerant tree only: the well-formedness check (xmldom, ≈90 KB in the client bundle) is not needed here.
  const { doc } = scan(text);
  const innermost = doc.elements.filter((el) => el.span.start < cursor && cursor < el.span.end).pop();
  if (innermost?.name === 'identities' && !innermost.selfClosing && innermost.startTagSpan.end <= cursor && cursor <= (innermost.endTagSpan?.start ?? innermost.span.end)) {
    // On a blank line: there. Elsewhere in the element (after a tag, before `</identities>` on the same line): as its
    // last child, on a line of its own (inserted at the cursor it ran on after the tag before it).
    const lineStart = lineStartOf(text, cursor);
    const lineEnd = text.indexOf('\n', cursor) < 0 ? text.length : text.indexOf('\n', cursor);
    if (/^[ \t]*$/.test(text.slice(lineStart, lineEnd).replace(/\r$/, ''))) return { start: cursor, end: cursor, text: identity, where: 'cursor' };
    if (innermost.endTagSpan) {
      const a = appendChildren(text, innermost, [identity], eol);
      return { start: a.start, end: a.start, text: a.text, where: 'cursor' };
    }
    return { start: cursor, end: cursor, text: identity, where: 'cursor' };
  }
  if (innermost?.name === 'identity' && innermost.parent?.name === 'identities') {
    const at = innermost.span.end;
    return { start: at, end: at, text: eol + indentAt(text, innermost.span.start) + identity, where: 'cursor' };
  }
  const policy = doc.elements.find((el) => el.name === 'validate-client-certificate');
  if (!policy) return { start: cursor, end: cursor, text: identity, where: 'no-policy' };
  const identities = policy.children.find((c) => c.name === 'identities');
  const unit = childIndent(text, policy).slice(indentAt(text, policy.span.start).length) || '    ';
  if (identities && !identities.selfClosing && identities.endTagSpan) {
    const a = appendChildren(text, identities, [identity], eol);
    return { start: a.start, end: a.start, text: a.text, where: 'identities' };
  }
  const block = ['<identities>', `${unit}${identity}`, '</identities>'];
  if (identities?.selfClosing) {
    const indent = indentAt(text, identities.span.start);
    return { start: identities.span.start, end: identities.span.end, text: block.map((l, i) => (i === 0 ? l : indent + l)).join(eol), where: 'new-identities' };
  }
  if (policy.selfClosing) {
    const tag = text.slice(policy.startTagSpan.start, policy.startTagSpan.end);
    const close = tag.lastIndexOf('/>');
    const indent = indentAt(text, policy.span.start);
    const inner = block.map((l) => indent + unit + l);
    const replacement = `>${eol}${inner.join(eol)}${eol}${indent}</validate-client-certificate>`;
    const start = policy.startTagSpan.start + close;
    // Keep no space before '>' that stood before '/>'.
    const trimmed = text.slice(policy.startTagSpan.start, start).replace(/\s+$/, '');
    return { start: policy.startTagSpan.start + trimmed.length, end: policy.startTagSpan.end, text: replacement, where: 'new-identities' };
  }
  if (policy.endTagSpan) {
    const a = appendChildren(text, policy, block, eol);
    return { start: a.start, end: a.start, text: a.text, where: 'new-identities' };
  }
  return { start: cursor, end: cursor, text: identity, where: 'no-policy' };
}
