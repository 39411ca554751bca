import type { PolicyDocument } from './types';
import { scan } from './scanner';
import { certainlyWellFormed, maskExpressions, xmlProblems } from './wellformed';

/** Problems reported per document: a binary or garbage file would otherwise give one per character. */
const MAX_PROBLEMS = 10_000;

/**
 * Parses a policy document (rawxml or entity-escaped xml). Never throws: a half-typed document still gives a tree.
 * xmldom checks the expression-masked text only when the tolerant scan found nothing, so each problem is reported once.
 */
export function parsePolicy(text: string): PolicyDocument {
  const { doc, masks } = scan(text);
  if (doc.problems.length === 0 && /\S/.test(text)) {
    // xmldom (over the masked text) only when the fast check can't vouch for the text: same problems, a fraction of the time.
    if (!certainlyWellFormed(text, masks)) doc.problems.push(...xmlProblems(maskExpressions(text, masks)));
  }
  doc.problems.sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end);
  if (doc.problems.length > MAX_PROBLEMS) {
    doc.problems.length = MAX_PROBLEMS;
    const last = doc.problems[MAX_PROBLEMS - 1]!.span;
    doc.problems.push({ span: { start: last.start, end: last.end }, message: 'More problems not shown: is this a policy file?' });
  }
  return doc;
}
