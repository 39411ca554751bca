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
    const deletes = unconditionalDeletes(ctx.doc);
    if (deletes.length === 0) return;
    // Made once: each delete searching every later expression, and every set-header for each, was cubic (2,000
    // deletes and 2,000 reads: 2 minutes).
    const reads = readsByName(ctx.doc);
    const sets = setStarts(ctx.doc);
    // Each read is reported once, with the delete nearest above it: the reads after the next delete of the same header
    // in the section are that one's (a read after 1,000 deletes of its header was reported 1,000 times; 4,000 pairs of
    // a delete and a read made 8 million findings and 4 GB).
    const keyOf = (d: { el: PolicyElement; name: string }) => `${sectionOf(d.el)} ${d.name.toLowerCase()}`;
    const nextDelete = new Map<PolicyElement, number>();
    const lastDelete = new Map<string, PolicyElement>();
    for (const d of deletes) {
      const key = keyOf(d);
      const before = lastDelete.get(key);
      if (before) nextDelete.set(before, d.el.span.start);
      lastDelete.set(key, d.el);
    }
    for (const deleted of deletes) {
      const name = deleted.name.toLowerCase();
      // Another set-header of the name (not a delete) after this one puts the header back for what follows it.
      const again = firstAfter(sets.get(name) ?? [], deleted.el.span.end);
      const setAgain = again < 0 ? Infinity : sets.get(name)![again]!;
      const until = Math.min(setAgain, nextDelete.get(deleted.el) ?? Infinity);
      const list = reads.get(keyOf(deleted)) ?? [];
      for (let i = firstAtOrAfter(list, deleted.el.span.end); i < list.length && list[i]!.expr.span.start <= setAgain && list[i]!.expr.span.start < until; i++) {
        ctx.report({
          span: list[i]!.span,
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
  },
};

type Read = { expr: PolicyExpression; span: { start: number; end: number } };

/** The request headers read by a literal name, by section and name (lower case), in document order. */
function readsByName(doc: PolicyDocument): Map<string, Read[]> {
  const out = new Map<string, Read[]>();
  for (const expr of doc.expressions) {
    const found = headerReads(expr);
    if (found.length === 0) continue;
    const section = sectionOf(expr.owner.element);
    for (const read of found) {
      const key = `${section} ${read.name.toLowerCase()}`;
      let list = out.get(key);
      if (!list) out.set(key, (list = []));
      list.push({ expr, span: read.span });
    }
  }
  return out;
}

/** Where each set-header that doesn't delete starts, by name (lower case), in document order. */
function setStarts(doc: PolicyDocument): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const el of elementsNamed(doc, 'set-header')) {
    const name = getAttribute(el, 'name')?.value.toLowerCase();
    if (name === undefined || getAttribute(el, 'exists-action')?.value.trim().toLowerCase() === 'delete') continue;
    let list = out.get(name);
    if (!list) out.set(name, (list = []));
    list.push(el.span.start);
  }
  return out;
}

/** The index of the first start after `offset` in the ascending list, or -1. */
function firstAfter(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! > offset) hi = mid;
    else lo = mid + 1;
  }
  return lo < starts.length ? lo : -1;
}

/** The index of the first read whose expression starts at or after `offset` (the list's length when none does). */
function firstAtOrAfter(reads: readonly Read[], offset: number): number {
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reads[mid]!.expr.span.start >= offset) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

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

/** The request headers an expression reads by a literal name. */
function headerReads(expr: PolicyExpression): { name: string; span: { start: number; end: number } }[] {
  const tokens = expr.tokens;
  if (!tokens.some((t) => t.text === 'Headers')) return [];
  return dictionaryKeys(tokens, 'context.Request.Headers', READS).map((k) => ({
    name: k.token.value!,
    span: { start: k.chain.span.start, end: (k.close ?? k.token).span.end },
  }));
}
