import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { LineIndex } from '../core/text';
import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import { spanRange } from './convert';

const SECTIONS = new Set(['inbound', 'backend', 'outbound', 'on-error']);
/** The attribute that tells elements of a kind apart in the outline (`<set-variable name="…">`). */
const LABEL_ATTRIBUTES = ['name', 'id', 'condition', 'header-name', 'variable-name', 'url', 'thumbprint', 'subject', 'issuer-subject', 'issuer-thumbprint', 'issuer-certificate-id'];
/** Outline limits: a hostile document (thousands of levels, a megabyte of elements) still gets a bounded answer. */
const MAX_DEPTH = 64;
const MAX_SYMBOLS = 5000;
const MAX_DETAIL = 80;

/**
 * The outline of a policy file: `<policies>`, its sections and the policies in them, nested as in the file, each
 * with the attribute that tells it apart (`name`, `id`, a `when`'s condition). Built without recursion, within limits.
 */
export function policySymbols(doc: PolicyDocument, index: LineIndex): DocumentSymbol[] {
  const roots: DocumentSymbol[] = [];
  let count = 0;
  const stack: { el: PolicyElement; into: DocumentSymbol[]; depth: number }[] = [];
  const tops = doc.elements.filter((e) => !e.parent);
  for (let i = tops.length - 1; i >= 0; i--) stack.push({ el: tops[i]!, into: roots, depth: 0 });
  while (stack.length > 0 && count < MAX_SYMBOLS) {
    const { el, into, depth } = stack.pop()!;
    const symbol: DocumentSymbol = {
      name: el.name || '(unnamed)',
      kind: depth === 0 ? SymbolKind.Module : SECTIONS.has(el.name) ? SymbolKind.Namespace : SymbolKind.Object,
      range: spanRange(index, el.span),
      selectionRange: spanRange(index, el.nameSpan),
      children: [],
    };
    const detail = label(el);
    if (detail) symbol.detail = detail;
    into.push(symbol);
    count++;
    if (depth + 1 >= MAX_DEPTH) continue;
    for (let i = el.children.length - 1; i >= 0; i--) stack.push({ el: el.children[i]!, into: symbol.children!, depth: depth + 1 });
  }
  return roots;
}

function label(el: PolicyElement): string | undefined {
  for (const name of LABEL_ATTRIBUTES) {
    const attr = el.attributes.find((a) => a.name === name);
    if (!attr) continue;
    const value = attr.value.replace(/\s+/g, ' ').trim();
    return value.length > MAX_DETAIL ? `${value.slice(0, MAX_DETAIL - 1)}…` : value;
  }
  return undefined;
}
