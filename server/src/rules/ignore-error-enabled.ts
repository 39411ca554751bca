import type { PolicyDocument, PolicyElement } from '../parsers/policy/types';
import { ancestors, elementsNamed, findMemberChains, mayMention, sectionOf } from '../parsers/policy';
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
    for (const el of elementsNamed(ctx.doc, 'validate-client-certificate')) {
      const setting = readBoolAttribute(el, 'ignore-error');
      if (setting.kind !== 'literal' || !setting.value || readsLastErrorLater(ctx.doc, el)) continue;
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
function readsLastErrorLater(doc: PolicyDocument, el: PolicyElement): boolean {
  const section = sectionOf(el);
  const container = [el, ...ancestors(el)].find((e) => e.name === section && e.parent === doc.root) ?? doc.root;
  if (!container || !mayMention(doc, 'LastError')) return false;
  return doc.expressions.some(
    (x) => x.span.start >= el.span.end && x.span.end <= container.span.end && findMemberChains(x.tokens, 'context.LastError').length > 0,
  );
}
