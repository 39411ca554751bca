import type { Fix } from '../../core/finding';
import type { Span } from '../../core/text';
import { mayMention } from '../../parsers/policy/query';
import { certificateKeys } from '../../parsers/policy/tokens';
import type { PolicyDocument } from '../../parsers/policy/types';

/** A key of 40 hex digits: a thumbprint, what `context.Deployment.Certificates` is keyed by. */
export const THUMBPRINT_KEY = /^[0-9A-Fa-f]{40}$/;

/** A string literal key of `context.Deployment.Certificates` (indexer, `ContainsKey`, `TryGetValue`). */
export interface CertificateKeyLiteral {
  /** The key as written (its value). */
  value: string;
  /** The key's content when written plainly (`"…"`), which a fix can replace; else the whole literal. */
  span: Span;
  access: 'indexer' | 'lookup';
  /** `span` holds exactly the value as written (no quotes, `@`, or entities around or inside it). */
  fixable: boolean;
}

/**
 * The literal keys of `context.Deployment.Certificates` in a policy's expressions. An indexer after a lookup of the
 * same key in the same expression (`ContainsKey(k) ? Certificates[k] : …`) is left out: it doesn't throw there, and the
 * lookup carries any finding. Thumbprints compare case-insensitively for that, other keys as written.
 */
export function certificateKeyLiterals(doc: PolicyDocument, text: string): CertificateKeyLiteral[] {
  const out: CertificateKeyLiteral[] = [];
  for (const expr of mayMention(doc, 'Certificates') ? doc.expressions : []) {
    const looked = new Set<string>();
    for (const { token, access } of certificateKeys(expr.tokens)) {
      const value = token.value!;
      const same = THUMBPRINT_KEY.test(value) ? value.toUpperCase() : value;
      if (access === 'lookup') looked.add(same);
      else if (looked.has(same)) continue;
      const plain = text.slice(token.span.start, token.span.end) === `"${value}"`;
      out.push({ value, span: plain ? { start: token.span.start + 1, end: token.span.end - 1 } : token.span, access, fixable: plain });
    }
  }
  return out;
}

/** A preferred fix writing `value` over `span`. */
export function replaceFix(file: string, span: Span, value: string, title: string): Fix {
  return { title, edits: [{ file, span, newText: value }], preferred: true };
}
