import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintCase, testRule } from '../../rule-tester';
import { corpusDir } from '../../helpers';
import { expressionSyntax } from '../../../server/src/rules/expression-syntax';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, SEED_UNGUARDED_POLICY, inbound, seedVariablePolicy } from './expression-policy.fixtures';

/** C# the tokenizer must accept: lambdas with blocks, initializers, LINQ, generics, out/is var, throw expressions. */
const RICH_BLOCK = inbound(`<set-body>@{
    var body = context.Request.Body.As<JObject>(preserveContent: true);
    var items = body["items"].Select(i => { var o = (JObject)i; return new { id = (string)o["id"], n = o.Count }; }).ToList();
    var names = new Dictionary<string, string> { { "a", "b" }, { "c", "d" } };
    var json = new JObject(new JProperty("count", items.Count), new JProperty("names", names.Keys.Where(k => k != "a").ToArray()));
    if (int.TryParse(context.Request.Headers.GetValueOrDefault("X-Page", "1"), out var page) && page is var p && p > 1) { json["page"] = p; }
    var id = context.Variables.GetValueOrDefault<string>("id") ?? throw new InvalidOperationException($"missing {'"'}id{'"'} for {page}");
    foreach (var item in items) { if (item.n > 2) { break; } }
    switch (id) { case "x": return "X"; default: break; }
    var parts = id.Split(',', ';');
    return json.ToString() + parts.Length + '\\n';
}</set-body>`);

testRule(expressionSyntax, {
  valid: [
    { name: 'the blog policy', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'the earlier blog variant', code: SEED_UNGUARDED_POLICY },
    { name: 'the set-variable variant with its semicolon', code: seedVariablePolicy() },
    { name: 'lambdas, initializers, LINQ, generics, out var, is var, throw expressions, switch', code: RICH_BLOCK },
    { name: 'an unterminated string is the parser\'s (policy-xml-syntax)', code: inbound('<set-variable name="a" value="@("abc)" />') },
    {
      name: "if … else after a single statement, and after an object initializer's '};'",
      code: inbound(`<set-variable name="a" value="@{
    var x = new JObject();
    if (context.Request.Certificate == null) return false; else x = new JObject { [&quot;a&quot;] = 1 };
    if (x.Count > 0) x = new JObject { [&quot;b&quot;] = 2 }; else return true;
    return x.Count == 1;
}" />`),
    },
    { name: 'single-expression lambda block with its semicolon', code: inbound('<set-variable name="a" value="@(context.Request.Headers.Select(h => { return h.Key; }).FirstOrDefault())" />') },
  ],
  invalid: [
    {
      name: "the blog's own bug: return \"ClientCertificateNotTrusted\" without ';' (multi-file workspace)",
      code: seedVariablePolicy(true),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 22, level: 'error', text: '"ClientCertificateNotTrusted"', message: "Missing ';'" }],
      output: seedVariablePolicy(),
    },
    {
      name: "escaped xml: a var statement without ';' before return",
      code: inbound('<set-variable name="id" value="@{ var id = context.Request.Headers.GetValueOrDefault(&quot;X-Id&quot;, &quot;&quot;)\n    return id; }" />'),
      findings: [{ line: 4, text: ')', message: "'var' statement" }],
      output: inbound('<set-variable name="id" value="@{ var id = context.Request.Headers.GetValueOrDefault(&quot;X-Id&quot;, &quot;&quot;);\n    return id; }" />'),
    },
    {
      name: 'a @{ } block without return',
      code: inbound('<set-variable name="id" value="@{ context.Request.Headers.GetValueOrDefault("X-Id", ""); }" />'),
      findings: [{ line: 4, text: '@{', message: 'never returns' }],
    },
    {
      name: "a lambda block's return without ';' in a single expression",
      code: inbound('<set-variable name="a" value="@(context.Request.Headers.Select(h => { return h.Key }).FirstOrDefault())" />'),
      findings: [{ line: 4, text: 'Key' }],
      output: inbound('<set-variable name="a" value="@(context.Request.Headers.Select(h => { return h.Key; }).FirstOrDefault())" />'),
    },
    {
      name: 'a bracket never closed, and a stray one',
      code: inbound(`<set-variable name="a" value="@(context.Variables["a")" />
<set-variable name="b" value="@{ if (context.Variables.ContainsKey("b"))) { return 1; } return 2; }" />`),
      findings: [
        { line: 4, text: '[', message: 'never closed' },
        { line: 5, text: ')', message: 'no matching opening bracket' },
      ],
    },
    {
      // After a public policy (pagopa-infra): the ';' after the if block leaves the else without an if.
      name: "'};' between an if block and its else",
      code: inbound(`<set-variable name="enabled" value="@{
    if (context.Request.Headers.ContainsKey("X-Beta")) { return true; }; else { return false; }
}" />`),
      findings: [{ line: 5, text: ';', message: "the 'else' after it belongs to no if" }],
      output: inbound(`<set-variable name="enabled" value="@{
    if (context.Request.Headers.ContainsKey("X-Beta")) { return true; } else { return false; }
}" />`),
    },
    {
      // After a public policy: ContainsKey indexed like the dictionary it belongs to.
      name: 'a method indexed with [ ]',
      code: inbound('<set-variable name="a" value="@(context.Request.Headers.ContainsKey[&quot;X-ARR-ClientCertThumbprint&quot;])" />'),
      findings: [{ line: 4, text: 'ContainsKey[', message: 'ContainsKey is a method: call it with ( ), not [ ]' }],
      output: inbound('<set-variable name="a" value="@(context.Request.Headers.ContainsKey(&quot;X-ARR-ClientCertThumbprint&quot;))" />'),
    },
    {
      // The public policy itself: a member of the result is read, so the dictionary's indexer was meant.
      name: 'a method indexed with [ ], then a member of what it returns: the fix indexes the dictionary',
      code: inbound('<set-variable name="a" value="@(context.Request.Headers.ContainsKey[&quot;X-ARR-ClientCertThumbprint&quot;].First().ToUpperInvariant())" />'),
      findings: [{ line: 4, text: 'ContainsKey[' }],
      output: inbound('<set-variable name="a" value="@(context.Request.Headers[&quot;X-ARR-ClientCertThumbprint&quot;].First().ToUpperInvariant())" />'),
    },
    {
      name: 'a string in single quotes',
      code: inbound(`<set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault('X-Id', ""))" />`),
      findings: [{ line: 4, text: "'X-Id'", message: 'double quotes' }],
    },
  ],
});

function xmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? xmlFiles(full) : e.name.endsWith('.xml') ? [full] : [];
  });
}

test('expression-syntax: no finding on the public policy corpus', (t) => {
  const dir = path.join(corpusDir, 'policy-snippets');
  if (!fs.existsSync(dir)) return t.skip(`corpus absent: ${dir}`);
  for (const file of xmlFiles(dir)) {
    const { findings } = lintCase(expressionSyntax, { name: file, code: fs.readFileSync(file, 'utf8') });
    assert.deepEqual(findings.map((f) => f.message), [], path.basename(file));
  }
});
