import type { Fix } from '../core/finding';
import { dictionaryKeys, mayMention } from '../parsers/policy';
import type { CsToken, PolicyExpression } from '../parsers/policy/types';
import type { PolicyRule } from './types';
import { explicitNullTest } from './util/cs-tokens';

/**
 * The read-only dictionaries of the policy context whose values are never null (`IReadOnlyDictionary<string, string[]>`,
 * Microsoft Learn "API Management policy expressions"), by the path written before `[`: their indexer throws for a
 * missing key, so a null test of its value tests nothing. Not `context.Variables`: a variable may hold null, and
 * `Variables["x"] == null` after it was set is a real test.
 */
const DICTIONARIES = ['context.Request.Headers', 'context.Response.Headers', 'context.Request.Url.Query'];
const NO_LOOKUPS: ReadonlySet<string> = new Set();
const CONTAINS_KEY: ReadonlySet<string> = new Set(['ContainsKey']);

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
    let containsKeys: Map<string, number> | undefined;
    for (const { token: key, access, chain } of dictionaryKeys(tokens, path, NO_LOOKUPS)) {
      // The chain is exactly the dictionary, followed by `[key]`.
      if (access !== 'indexer' || chain.names.join('.') !== path) continue;
      const close = chain.index + chain.names.length * 2 + 1;
      const test = comparedWithNull(tokens, chain.index, close);
      // `Headers.ContainsKey("X") && Headers["X"] != null`: the key is known to be there (the test is only redundant).
      if (!test) continue;
      containsKeys ??= firstContainsKey(tokens, path);
      if ((containsKeys.get(key.value!.toLowerCase()) ?? Infinity) < chain.index) continue;
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

/**
 * For each key (lower case) of a `path.ContainsKey("key")` in the expression, the index of its first one. Found once per
 * expression: searched again for each null test, one expression of 4,000 tests took 26 s.
 */
function firstContainsKey(tokens: readonly CsToken[], path: string): Map<string, number> {
  const first = new Map<string, number>();
  for (const k of dictionaryKeys(tokens, path, CONTAINS_KEY)) {
    const key = k.token.value!.toLowerCase();
    if (k.access === 'lookup' && !first.has(key)) first.set(key, k.chain.index);
  }
  return first;
}

/** `X == null`, `X != null`, `X is null`, `X is not null`, `null == X`, `null != X` around tokens `start..end`. */
function comparedWithNull(tokens: readonly CsToken[], start: number, end: number): { negated: boolean; span: { start: number; end: number } } | undefined {
  const test = explicitNullTest(tokens, start, end);
  // Only when the indexer's value is what is compared (`null == Headers["x"][0]` or `.First()` is another question).
  if (!test || (test.from < start && isMemberOrCall(tokens, end + 1))) return undefined;
  return { negated: !test.isNull, span: { start: tokens[test.from]!.span.start, end: tokens[test.to]!.span.end } };
}

/** Does the value go on (`X["k"].First()`, `X["k"][0]`), so that it is not the indexer's value that `null ==` compares? */
function isMemberOrCall(tokens: readonly CsToken[], at: number): boolean {
  const t = tokens[at]?.text;
  return t === '.' || t === '?.' || t === '[' || t === '(';
}
