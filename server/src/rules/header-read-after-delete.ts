import { dictionaryKeys, inBranch, elementsNamed, getAttribute, mayMention, sectionOf } from '../parsers/policy';
import type { PolicyDocument, PolicyElement, PolicyExpression } from '../parsers/policy/types';
import type { PolicyRule } from './types';
import { hasPlaceholder } from './util/placeholder';

/** How an expression reads one request header by name: `Headers["X"]`, `GetValueOrDefault("X"…)`, `ContainsKey("X")`, `TryGetValue("X", …)`. */
const READS = new Set(['GetValueOrDefault', 'ContainsKey', 'TryGetValue']);

/** A request header deleted by `<set-header exists-action="delete">`, then read by a later expression of the section. */
export const headerReadAfterDelete: PolicyRule = {
  id: 'header-read-after-delete',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'A request header is read after <set-header exists-action="delete"> removed it in the same section: the read always finds it missing.',
  check(ctx) {
    if (!mayMention(ctx.doc, 'delete')) return;
    for (const deleted of unconditionalDeletes(ctx.doc)) {
      const name = deleted.name.toLowerCase();
      const section = sectionOf(deleted.el);
      for (const expr of ctx.doc.expressions) {
        if (expr.span.start < deleted.el.span.end || sectionOf(expr.owner.element) !== section) continue;
        if (setAgainBetween(ctx.doc, name, deleted.el, expr)) break;
        for (const read of headerReads(expr)) {
          if (read.name.toLowerCase() !== name) continue;
          ctx.report({
            span: read.span,
            // Where it was deleted is the related location (a line number would be the policy's own in a Bicep string).
            message:
              `The ${deleted.name} header is deleted by a set-header above in this section (exists-action="delete"): reading it here always finds it ` +
              'missing. To keep a value a gateway forwarded, read it into a variable before deleting the header; to drop a value a client ' +
              'sent, delete it only where nothing reads it.',
            certain: false,
            related: [{ file: ctx.file, span: deleted.el.startTagSpan, message: `${deleted.name} deleted here` }],
          });
        }
      }
    }
  },
};

/**
 * `<set-header name="X" exists-action="delete">` that removes X from the incoming request: not inside a `<choose>`
 * branch (a conditional delete may not run), not in a request or response the policy makes itself (`send-request`,
 * `send-one-way-request`, `return-response`), and not in `outbound` or `on-error`, where set-header changes the
 * response ("When placed in an outbound pipeline, this policy sets the HTTP headers for the response").
 */
function unconditionalDeletes(doc: PolicyDocument): { el: PolicyElement; name: string }[] {
  return elementsNamed(doc, 'set-header').flatMap((el) => {
    const name = getAttribute(el, 'name')?.value;
    if (!name || hasPlaceholder(name) || getAttribute(el, 'exists-action')?.value.trim().toLowerCase() !== 'delete') return [];
    if (inBranch(el) || inOwnMessage(el)) return [];
    const section = sectionOf(el);
    if (section === 'outbound' || section === 'on-error') return [];
    return [{ el, name }];
  });
}

const OWN_MESSAGES: ReadonlySet<string> = new Set(['send-request', 'send-one-way-request', 'return-response']);

/** Inside a request or response that the policy builds itself, not the one it received. */
function inOwnMessage(el: PolicyElement): boolean {
  for (let e = el.parent; e; e = e.parent) if (OWN_MESSAGES.has(e.name)) return true;
  return false;
}

/** Another set-header of the same name (that doesn't delete) between the delete and the expression puts the header back. */
function setAgainBetween(doc: PolicyDocument, name: string, deleted: PolicyElement, expr: PolicyExpression): boolean {
  return elementsNamed(doc, 'set-header').some(
    (el) =>
      el !== deleted &&
      el.span.start > deleted.span.end &&
      el.span.start < expr.span.start &&
      getAttribute(el, 'name')?.value.toLowerCase() === name &&
      getAttribute(el, 'exists-action')?.value.trim().toLowerCase() !== 'delete',
  );
}

/** The request headers an expression reads by a literal name. */
function headerReads(expr: PolicyExpression): { name: string; span: { start: number; end: number } }[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'Headers')) return [];
  return dictionaryKeys(tokens, 'context.Request.Headers', READS).map((k) => ({
    name: k.token.value!,
    span: { start: k.chain.span.start, end: (k.close ?? k.token).span.end },
  }));
}
