import type { Span } from '../../core/text';
import { entityAt } from '../../parsers/policy/entities';
import type { PolicyDocument, PolicyExpression } from '../../parsers/policy/types';

/** A character inside a policy expression that only the `rawxml` format accepts. */
export interface RawCharacter {
  span: Span;
  /** `a raw " inside an attribute value`, `a raw <`… */
  what: string;
  expression: PolicyExpression;
}

/**
 * The first character that makes the policy rawxml rather than XML (facts §4): inside a C# expression, the attribute's
 * own quote, a `<`, or an `&` that starts no entity. In element text, quotes are fine XML; CDATA takes anything.
 */
export function firstRawCharacter(doc: PolicyDocument): RawCharacter | undefined {
  for (const expression of doc.expressions) {
    const attribute = expression.owner.attribute;
    if (!attribute && expression.owner.element.texts.some((t) => t.cdata && t.expression === expression)) continue;
    const quote = attribute?.quote ?? '';
    for (let i = expression.codeSpan.start; i < expression.codeSpan.end; i++) {
      const c = doc.text[i]!;
      const raw = (quote !== '' && c === quote) || c === '<' || (c === '&' && entityAt(doc.text, i) === undefined);
      if (!raw) continue;
      const where = attribute ? `inside the ${attribute.name} attribute` : 'in element text';
      return { span: { start: i, end: i + 1 }, what: `a raw ${c} ${where}`, expression };
    }
  }
  return undefined;
}
