import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import { elementsNamed, findMemberChains, mayMention } from '../parsers/policy';
import { isSection } from '../parsers/policy/query';
import type { PolicyRule } from './types';
import { readBoolAttribute } from './util/bool-attribute';
import { attributeSpan, setAttributeEdit } from './util/policy-edit';

/** `ignore-error="true"` on validate-client-certificate, unless a later policy in the same section reads `context.LastError`. */
export const ignoreErrorEnabled: PolicyRule = {
  id: 'ignore-error-enabled',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'validate-client-certificate with ignore-error="true" and nothing after it that checks context.LastError: failed checks let the request through.',
  check(ctx) {
    let readers: LastErrorReaders | undefined;
    const lastErrorReads = (): LastErrorReaders => (readers ??= lastErrorReaders(ctx.doc));
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const setting = readBoolAttribute(el, 'ignore-error');
      if (setting.kind !== 'literal' || !setting.value || readsLastErrorLater(ctx.doc, el, lastErrorReads)) continue;
      ctx.report({
        span: attributeSpan(setting.attribute),
        message:
          'ignore-error="true": a client certificate that fails the checks (or no certificate at all) does not stop the request, and nothing later in this section reads context.LastError. ' +
          'Remove ignore-error (or set it to "false"), or check context.LastError after this policy.',
        fixes: [{ title: 'Set ignore-error="false"', edits: [setAttributeEdit(ctx.file, el, 'ignore-error', 'false')], preferred: true }],
      });
    }
  },
};

/** Does an expression after `el`, in the same section (or fragment), read `context.LastError`? */
function readsLastErrorLater(doc: PolicyDocument, el: PolicyElement, readers: () => LastErrorReaders): boolean {
  // The section under the root that holds the element: its top-level ancestor (remembered), not all its ancestors per element.
  const top = el.topLevel;
  const container = top && isSection(top) && top.parent === doc.root ? top : doc.root;
  if (!container) return false;
  const { starts, minEnds } = readers();
  // The first reader starting after the element; one of it and those after it ends in the container.
  const i = firstAtOrAfter(starts, el.span.end);
  return i < starts.length && minEnds[i]! <= container.span.end;
}

/** The expressions that read `context.LastError`, by start (ascending), and the least end of each one and those after it. */
interface LastErrorReaders {
  starts: number[];
  minEnds: number[];
}

/**
 * Made once per document: each validate-client-certificate searched the whole text and every expression (40,000 of
 * them with ignore-error="true" in a 2 MB policy: 2 s, and 33 s with 20,000 expressions among them).
 */
function lastErrorReaders(doc: PolicyDocument): LastErrorReaders {
  const readers = mayMention(doc, 'LastError') ? doc.expressions.filter((x) => findMemberChains(x.tokens, 'context.LastError').length > 0) : [];
  const starts = readers.map((x) => x.span.start);
  const minEnds = readers.map((x) => x.span.end);
  for (let i = minEnds.length - 2; i >= 0; i--) minEnds[i] = Math.min(minEnds[i]!, minEnds[i + 1]!);
  return { starts, minEnds };
}

/** The index of the first value at or after `offset` in the ascending list (its length when none is). */
function firstAtOrAfter(values: readonly number[], offset: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! >= offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
