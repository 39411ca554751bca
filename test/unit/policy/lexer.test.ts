import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TokenCursor, certificateKeys, findMemberChains, memberChains, parsePolicy } from '../../../server/src/parsers/policy';

const tokensOf = (code: string) => parsePolicy(`<a x="@(${code})"/>`).expressions[0]!;

test('strings, verbatim, interpolated and char literals; comments skipped', () => {
  const expr = tokensOf(`@"a""b" + $"v={x.Y} {{lit}}" + 'c' /* note */ + "\\"" // end\n`);
  assert.deepEqual(expr.tokens.map((t) => [t.kind, t.text]), [
    ['string', '@"a""b"'], ['punct', '+'], ['string', '$"v={'], ['identifier', 'x'], ['punct', '.'], ['identifier', 'Y'],
    ['string', '} {{lit}}"'], ['punct', '+'], ['char', "'c'"], ['punct', '+'], ['string', '"\\""'],
  ]);
  assert.equal(expr.tokens[0]!.value, 'a"b');
  assert.equal(expr.terminated, true);
});

test('C# 11 raw strings are lexed whole but reported; "" is an empty string', () => {
  const doc = parsePolicy('<a x="@("""raw "quoted" text""" + "")"/>');
  assert.equal(doc.expressions[0]!.tokens[0]!.value, 'raw "quoted" text');
  assert.equal(doc.expressions[0]!.tokens[2]!.value, '');
  assert.deepEqual(doc.problems.map((p) => p.message), ['Raw string literals (C# 11) are not supported in policy expressions.']);
});

test('C# 11 interpolated raw strings ($"""…""", $$"""…""") are lexed whole and reported as raw strings, not as unterminated', () => {
  for (const code of ['$"""a "b{x}c"""', '$$"""a ")" {{x}} b"""', '$""""x """ y""""']) {
    const doc = parsePolicy(`<a x="@(${code}.Length)" />`);
    const expr = doc.expressions[0]!;
    assert.equal(expr.terminated, true, code);
    assert.equal(expr.tokens[0]!.text, code);
    assert.deepEqual(expr.tokens.slice(1).map((t) => t.text), ['.', 'Length']);
    assert.deepEqual(doc.problems.map((p) => p.message), ['Raw string literals (C# 11) are not supported in policy expressions.'], code);
  }
  // `$""` is an empty interpolated string, `$$x` no string at all.
  assert.deepEqual(parsePolicy('<a x="@($"" + y)" />').problems, []);
});

test('member chains and cursor for rules', () => {
  const expr = tokensOf('context.Request.Certificate?.NotAfter < DateTime.UtcNow && context.Request.Certificate.Thumbprint == "abc"');
  const chains = memberChains(expr.tokens).map((c) => c.names.join('.'));
  assert.deepEqual(chains, ['context.Request.Certificate.NotAfter', 'DateTime.UtcNow', 'context.Request.Certificate.Thumbprint']);
  const thumb = findMemberChains(expr.tokens, 'Certificate.Thumbprint')[0]!;
  const cursor = new TokenCursor(expr.tokens);
  while (!cursor.done && cursor.peek()!.span.start < thumb.span.end) cursor.next();
  assert.ok(cursor.accept('=='));
  assert.equal(cursor.next()!.value, 'abc');
  assert.equal(cursor.at('x'), false);
});

test('certificate ids: the indexer and the two lookups of context.Deployment.Certificates, string literals only', () => {
  const expr = tokensOf(
    'context.Deployment.Certificates["a"].Thumbprint + context.Deployment?.Certificates.ContainsKey("b") + ' +
      'context.Deployment.Certificates.TryGetValue(@"c", out var x) + context.Deployment.Certificates.Count + ' +
      'context.Deployment.Certificates.ContainsKey($"d{e}") + context.Deployment.Certificates.Keys.Contains("f") + other.Deployment.Certificates["g"] + ' +
      'context.Deployment.Certificates[name]',
  );
  assert.deepEqual(certificateKeys(expr.tokens).map((k) => [k.token.value, k.access]), [['a', 'indexer'], ['b', 'lookup'], ['c', 'lookup']]);
});

test('keywords, numbers and multi-char operators', () => {
  const expr = tokensOf('x?.y ?? new int[] { 1, 2.5 }.Length >= 3 => true');
  assert.deepEqual(expr.tokens.map((t) => t.kind + ':' + t.text).slice(0, 8), [
    'identifier:x', 'punct:?.', 'identifier:y', 'punct:??', 'keyword:new', 'keyword:int', 'punct:[', 'punct:]',
  ]);
  assert.ok(expr.tokens.some((t) => t.kind === 'number' && t.text === '2.5'));
  assert.ok(expr.tokens.some((t) => t.text === '>='));
});
