import type { Fix } from '../core/finding';
import { findMemberChains, mayMention } from '../parsers/policy';
import type { CsToken, PolicyExpression } from '../parsers/policy/types';
import type { PolicyRule } from './types';

/**
 * The read-only dictionaries of the policy context whose values are never null (`IReadOnlyDictionary<string, string[]>`,
 * Microsoft Learn "API Management policy expressions"), by the path written before `[`: their indexer throws for a
 * missing key, so a null test of its value tests nothing. Not `context.Variables`: a variable may hold null, and
 * `Variables["x"] == null` after it was set is a real test.
 */
const DICTIONARIES = ['context.Request.Headers', 'context.Response.Headers', 'context.Request.Url.Query'];

/** `context.Request.Headers["X-ARR-ClientCertThumbprint"] == null`, and the same with `!=`, `is null`, `null ==`. */
export const indexerNullCheck: PolicyRule = {
  id: 'indexer-null-check',
  target: 'policy',
  defaultLevel: 'warning',
  description: 'context.Request.Headers["X"] == null (or Url.Query) tests a key that the indexer needs: a missing key throws a runtime error instead of taking the branch.',
  check(ctx) {
    if (!mayMention(ctx.doc, 'Headers') && !mayMention(ctx.doc, 'Query')) return;
    for (const expr of ctx.doc.expressions) {
      for (const test of nullTests(expr, ctx.text)) {
        const fix: Fix = {
          title: `Use ${test.negated ? '' : '!'}${test.path}.ContainsKey(${test.keyText})`,
          edits: [{ file: ctx.file, span: test.span, newText: `${test.negated ? '' : '!'}${test.path}.ContainsKey(${test.keyText})` }],
          preferred: true,
        };
        ctx.report({
          span: test.span,
          message:
            `${test.path}[${test.key}] throws when ${test.what} is missing; it is never null. The test then fails with a runtime ` +
            `error (on-error runs; without it the client gets 500) instead of ${test.negated ? 'skipping' : 'taking'} the branch. ` +
            `Use ${test.path}.ContainsKey(${test.key}), or GetValueOrDefault(${test.key}) to read it.`,
          certain: false,
          fixes: [fix],
        });
      }
    }
  },
};

interface NullTest {
  /** `context.Request.Headers` */
  path: string;
  /** The key as written (`"X-Id"`, `&quot;X-Id&quot;`), for the fix. */
  keyText: string;
  /** The key as C# reads it (`"X-Id"`), for the message. */
  key: string;
  what: string;
  /** `!= null` / `is not null`: true when present. */
  negated: boolean;
  /** From the dictionary path to `null` (the whole test, for the fix). */
  span: { start: number; end: number };
}

function nullTests(expr: PolicyExpression, text: string): NullTest[] {
  const tokens = expr.tokens;
  const out: NullTest[] = [];
  // Most expressions index no headers: one look at the tokens before any chain is built.
  if (!tokens.some((t, i) => (t.text === 'Headers' || t.text === 'Query') && tokens[i + 1]?.text === '[')) return out;
  for (const path of DICTIONARIES) {
    for (const chain of findMemberChains(tokens, path)) {
      // The chain is exactly the dictionary (not `…Headers.Count`), followed by `[key]`.
      if (chain.names.join('.') !== path) continue;
      const open = chain.index + chain.names.length * 2 - 1;
      const key = tokens[open + 1];
      if (tokens[open]?.text !== '[' || key?.kind !== 'string' || tokens[open + 2]?.text !== ']') continue;
      const close = open + 2;
      const test = comparedWithNull(tokens, chain.index, close);
      // `Headers.ContainsKey("X") && Headers["X"] != null`: the key is known to be there (the test is only redundant).
      if (!test || containsKeyBefore(tokens, path, key.value, chain.index)) continue;
      out.push({
        path,
        // As written, so that the fix keeps the document's format (`&quot;X&quot;` in an escaped policy).
        keyText: text.slice(key.span.start, key.span.end),
        key: key.text,
        what: path.endsWith('Headers') ? 'the header' : 'the query parameter',
        negated: test.negated,
        span: test.span,
      });
    }
  }
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** `path.ContainsKey("key")` earlier in the expression. */
function containsKeyBefore(tokens: readonly CsToken[], path: string, key: string | undefined, before: number): boolean {
  return findMemberChains(tokens.slice(0, before), `${path}.ContainsKey`).some((c) => {
    const arg = tokens[c.index + c.names.length * 2];
    return tokens[c.index + c.names.length * 2 - 1]?.text === '(' && arg?.kind === 'string' && arg.value?.toLowerCase() === key?.toLowerCase();
  });
}

/** `X == null`, `X != null`, `X is null`, `X is not null`, `null == X`, `null != X` around tokens `start..end`. */
function comparedWithNull(tokens: readonly CsToken[], start: number, end: number): { negated: boolean; span: { start: number; end: number } } | undefined {
  const next = tokens[end + 1]?.text;
  const after = tokens[end + 2]?.text;
  const span = (from: number, to: number) => ({ start: tokens[from]!.span.start, end: tokens[to]!.span.end });
  // Only when the indexer's value is what is compared (`Headers["x"][0] == null` or `.First()` is another question).
  if ((next === '==' || next === '!=') && after === 'null') return { negated: next === '!=', span: span(start, end + 2) };
  if (next === 'is' && after === 'null') return { negated: false, span: span(start, end + 2) };
  if (next === 'is' && after === 'not' && tokens[end + 3]?.text === 'null') return { negated: true, span: span(start, end + 3) };
  const before = tokens[start - 1]?.text;
  if ((before === '==' || before === '!=') && tokens[start - 2]?.text === 'null' && !isMemberOrCall(tokens, end + 1)) {
    return { negated: before === '!=', span: span(start - 2, end) };
  }
  return undefined;
}

/** Does the value go on (`X["k"].First()`, `X["k"][0]`), so that it is not the indexer's value that `null ==` compares? */
function isMemberOrCall(tokens: readonly CsToken[], at: number): boolean {
  const t = tokens[at]?.text;
  return t === '.' || t === '?.' || t === '[' || t === '(';
}
