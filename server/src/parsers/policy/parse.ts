import type { PolicyDocument } from './types';
import { scan } from './scanner';
import { maskExpressions, xmlProblems } from './wellformed';

/**
 * Parses a policy document (rawxml or entity-escaped xml). Never throws: a half-typed document still gives a tree.
 * xmldom checks the expression-masked text only when the tolerant scan found nothing, so each problem is reported once.
 */
export function parsePolicy(text: string): PolicyDocument {
  const { doc, masks } = scan(text);
  if (doc.problems.length === 0 && /\S/.test(text)) doc.problems.push(...xmlProblems(maskExpressions(text, masks)));
  doc.problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  return doc;
}
