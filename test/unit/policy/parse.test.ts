import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Span } from '../../../server/src/core/text';
import { elementsNamed, getAttribute, parsePolicy, sectionOf } from '../../../server/src/parsers/policy';

const at = (text: string, span: Span): string => text.slice(span.start, span.end);

test('rawxml: raw quotes, generics, < and && inside an attribute expression', () => {
  const text = '<policies><inbound><choose><when condition="@(context.Variables.GetValueOrDefault<string>("x") != null && 1 < 2)"><base /></when></choose></inbound></policies>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.problems, []);
  const when = elementsNamed(doc, 'when')[0]!;
  const cond = getAttribute(when, 'condition')!;
  assert.equal(at(text, cond.valueSpan), '@(context.Variables.GetValueOrDefault<string>("x") != null && 1 < 2)');
  assert.equal(at(text, cond.nameSpan), 'condition');
  const expr = cond.expression!;
  assert.equal(expr.kind, 'single');
  assert.equal(expr.terminated, true);
  assert.equal(at(text, expr.span), cond.rawValue);
  assert.equal(at(text, expr.codeSpan), 'context.Variables.GetValueOrDefault<string>("x") != null && 1 < 2');
  assert.equal(expr.owner.element, when);
  assert.equal(expr.owner.attribute, cond);
  const str = expr.tokens.find((t) => t.kind === 'string')!;
  assert.equal(str.value, 'x');
  assert.equal(at(text, str.span), '"x"');
  assert.deepEqual(doc.elements.map((e) => e.name), ['policies', 'inbound', 'choose', 'when', 'base']);
  assert.equal(sectionOf(elementsNamed(doc, 'base')[0]!), 'inbound');
});

test('escaped xml format: entities decoded in tokens, spans keep the entity length', () => {
  const text = '<policies><inbound><set-variable name="t" value="@(context.Request.Headers.GetValueOrDefault(&quot;a&amp;b&quot;) != null &amp;&amp; x &lt; 3)" /></inbound></policies>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.problems, []);
  const expr = doc.expressions[0]!;
  const str = expr.tokens.find((t) => t.kind === 'string')!;
  assert.equal(str.text, '"a&b"');
  assert.equal(str.value, 'a&b');
  assert.equal(at(text, str.span), '&quot;a&amp;b&quot;');
  const and = expr.tokens.find((t) => t.text === '&&')!;
  assert.equal(at(text, and.span), '&amp;&amp;');
  assert.ok(expr.tokens.some((t) => t.text === '<' && at(text, t.span) === '&lt;'));
  assert.equal(getAttribute(doc.elements[2]!, 'value')!.value.includes('"a&b"'), true);
});

test('multi-statement expression in element text, and attribute / element spans', () => {
  const text = '<fragment>\n  <set-body>@{\n    var s = "</x>";\n    return s;\n  }</set-body>\n</fragment>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.problems, []);
  assert.equal(doc.root!.name, 'fragment');
  const body = doc.elements[1]!;
  assert.equal(at(text, body.span), text.slice(text.indexOf('<set-body>'), text.indexOf('</fragment>') - 1));
  assert.equal(at(text, body.startTagSpan), '<set-body>');
  assert.equal(at(text, body.endTagSpan!), '</set-body>');
  const expr = body.texts[0]!.expression!;
  assert.equal(expr.kind, 'multi');
  assert.equal(at(text, expr.span), '@{\n    var s = "</x>";\n    return s;\n  }');
  assert.deepEqual(expr.tokens.map((t) => t.text), ['var', 's', '=', '"</x>"', ';', 'return', 's', ';']);
  assert.equal(sectionOf(body), undefined);
});

test('CRLF and BOM: offsets stay exact, no problems', () => {
  const text = '\ufeff<?xml version="1.0" encoding="utf-8"?>\r\n<policies>\r\n  <inbound>\r\n    <set-header name="a" exists-action="override">\r\n      <value>@(context.Request.Certificate?.Thumbprint)</value>\r\n    </set-header>\r\n  </inbound>\r\n</policies>\r\n';
  const doc = parsePolicy(text);
  assert.equal(doc.hasBom, true);
  assert.deepEqual(doc.problems, []);
  const value = elementsNamed(doc, 'value')[0]!;
  assert.equal(at(text, value.texts[0]!.span), '@(context.Request.Certificate?.Thumbprint)');
  assert.equal(at(text, doc.root!.nameSpan), 'policies');
});

test('comments, CDATA (expression inside, ]]> ends it), named values', () => {
  const text = '<policies><!-- {{not-counted}} --><inbound><set-body><![CDATA[@("a<b" + "{{in-string}}")]]></set-body>' +
    '<validate-client-certificate validate-trust="{{validate-certificate-chain}}" />' +
    '<set-variable name="v" value="@{ if ({{validate-certificate-chain}} && !cert.VerifyNoRevocation()) { return 1; } return 0; }" /></inbound></policies>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.problems, []);
  assert.equal(doc.comments[0]!.text, ' {{not-counted}} ');
  const cdata = elementsNamed(doc, 'set-body')[0]!.texts[0]!;
  assert.equal(cdata.cdata, true);
  assert.equal(at(text, cdata.expression!.span), '@("a<b" + "{{in-string}}")');
  assert.deepEqual(doc.namedValues.map((n) => n.name), ['in-string', 'validate-certificate-chain', 'validate-certificate-chain']);
  assert.equal(at(text, doc.namedValues[1]!.span), '{{validate-certificate-chain}}');
  const nv = doc.expressions[1]!.tokens.find((t) => t.kind === 'namedValue')!;
  assert.equal(nv.text, '{{validate-certificate-chain}}');
});

test('text without an expression, @@ and mid-text @( are literal', () => {
  const text = '<policies><inbound><set-body>@@(not code)</set-body><value>Bearer @(x)</value></inbound></policies>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.problems, []);
  assert.equal(doc.expressions.length, 0);
  assert.equal(elementsNamed(doc, 'set-body')[0]!.texts[0]!.raw, '@@(not code)');
});
