import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Span } from '../../../server/src/core/text';
import { ancestors, elementAt, elementsNamed, getAttribute, parsePolicy } from '../../../server/src/parsers/policy';

const at = (text: string, span: Span): string => text.slice(span.start, span.end);
const messages = (text: string): string[] => parsePolicy(text).problems.map((p) => `${p.message} @${at(text, p.span)}`);

test('half-typed document: unclosed tags still give a tree', () => {
  const text = '<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false">\n      <identities>\n        <identity thumbprint="AB';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.elements.map((e) => e.name), ['policies', 'inbound', 'validate-client-certificate', 'identities', 'identity']);
  const identity = elementsNamed(doc, 'identity')[0]!;
  assert.equal(getAttribute(identity, 'thumbprint')!.value, 'AB');
  assert.equal(identity.closed, false);
  assert.equal(ancestors(identity).length, 4);
  assert.equal(doc.root!.span.end, text.length);
  assert.ok(doc.problems.some((p) => p.message.includes("'<identities>' is not closed") && at(text, p.span) === 'identities'));
  assert.ok(doc.problems.some((p) => p.message.includes('Unterminated value') && at(text, p.span) === '"'));
});

test('missing > and unterminated attribute value before the next tag', () => {
  const text = '<policies><inbound><base\n<set-header name="a>\n<value>x</value></set-header></inbound></policies>';
  const doc = parsePolicy(text);
  assert.deepEqual(doc.elements.map((e) => e.name), ['policies', 'inbound', 'base', 'set-header', 'value']);
  assert.equal(getAttribute(elementsNamed(doc, 'set-header')[0]!, 'name')!.value, 'a');
  const ms = messages(text);
  assert.ok(ms.includes("Start tag '<base' is missing '>'. @base"), ms.join('\n'));
  assert.ok(ms.includes("Unterminated value of attribute 'name'. @\""), ms.join('\n'));
});

test('mismatched close tag closes the inner element and reports it', () => {
  const text = '<policies><inbound><choose><when></choose></inbound></policies>';
  const doc = parsePolicy(text);
  const when = elementsNamed(doc, 'when')[0]!;
  assert.equal(when.closed, false);
  assert.equal(at(text, when.span), '<when>');
  assert.deepEqual(messages(text), ["Element '<when>' is not closed. @when"]);
  assert.deepEqual(messages('<a></b></a>'), ["Unexpected end tag '</b>': no open element of that name. @</b>"]);
});

test('malformed docs: problems at the exact place', () => {
  assert.deepEqual(messages('<a x="1" x="2"/>'), ["Duplicate attribute 'x'. @x"]);
  assert.deepEqual(messages('<a x="1<2"/>'), ["Unescaped '<' in attribute value: write '&lt;' (or use a policy expression). @<"]);
  assert.deepEqual(messages('<a>Tom & Jerry</a>'), ["Unescaped '&': write '&amp;' (or use a policy expression). @&"]);
  assert.deepEqual(messages('<a/>tail'), ['Text is not allowed outside the root element. @tail']);
  assert.deepEqual(messages('<a/><b/>'), ['Only one root element is allowed. @b']);
  assert.deepEqual(messages('<a>&nbsp;</a>'), ["Unknown entity '&nbsp;'. @&nbsp;"]);
});

test('xmldom catches what the scan does not, mapped to the exact place (CRLF kept)', () => {
  const text = '<policies>\r\n  <inbound>\r\n    <a 1x="y"/>\r\n  </inbound>\r\n</policies>';
  const doc = parsePolicy(text);
  assert.equal(doc.problems.length >= 1, true);
  assert.equal(doc.problems[0]!.span.start, text.indexOf('1x'));
});

test('unterminated attribute expression is bounded by quote + > and does not eat the file', () => {
  const text = '<policies><inbound><choose><when condition="@(context.Variables.ContainsKey("x"">\n<base /></when></choose></inbound></policies>';
  const doc = parsePolicy(text);
  const expr = doc.expressions[0]!;
  assert.equal(expr.terminated, false);
  assert.equal(at(text, expr.span), '@(context.Variables.ContainsKey("x"');
  assert.deepEqual(doc.elements.map((e) => e.name), ['policies', 'inbound', 'choose', 'when', 'base']);
  assert.ok(elementsNamed(doc, 'when')[0]!.closed);
  assert.deepEqual(messages(text), ["Unterminated policy expression: missing ')'. @@("]);
});

test('an expression inside a longer value: one problem at the quote that ends the value, and the tag reads on', () => {
  // After a public policy: the expression is only read as one when it is the whole value, so its quotes end the value.
  const text = `<policies><inbound>
<cache-store-value duration="700"
    key="CodeVerifier-@(context.Variables.GetValueOrDefault("entraState", ""))"
    value="@(context.Variables.GetValueOrDefault("codeVerifier", ""))" />
</inbound></policies>`;
  const doc = parsePolicy(text);
  assert.deepEqual(messages(text), [
    `This quote ends the value of 'key' inside a policy expression: an expression is read as one only when it is the whole value, so its quotes end the value. Make the whole value an expression (key="@("…" + …)"), or write the quotes as &quot;. @"`,
  ]);
  const el = elementsNamed(doc, 'cache-store-value')[0]!;
  assert.deepEqual(el.attributes.map((a) => a.name), ['duration', 'key', 'value']);
  assert.equal(getAttribute(el, 'key')!.value, 'CodeVerifier-@(context.Variables.GetValueOrDefault("entraState", ""))');
  assert.ok(getAttribute(el, 'value')!.expression, 'the next attribute is still read as an expression');
  // Two attributes without a blank between them are that, not code.
  const glued = '<policies><inbound><set-header name="x-@(a)"exists-action="override" /></inbound></policies>';
  assert.ok(!messages(glued).some((m) => m.startsWith('This quote ends')), messages(glued).join('\n'));
});

test('unterminated text expression stops at the next end tag', () => {
  const text = '<policies><inbound><set-body>@{ return context.Request.Body.As<string>(;</set-body><base /></inbound></policies>';
  const doc = parsePolicy(text);
  const expr = doc.expressions[0]!;
  assert.equal(expr.terminated, false);
  assert.equal(at(text, expr.span), '@{ return context.Request.Body.As<string>(;');
  assert.deepEqual(doc.elements.map((e) => e.name), ['policies', 'inbound', 'set-body', 'base']);
  assert.deepEqual(messages(text), ["Unterminated policy expression: missing '}'. @@{"]);
});

test('never throws on odd input', () => {
  for (const text of ['', '<', '</', '<a', '<a b', '<a b=', '<a b="', '<!--', '<![CDATA[', '<?xml', '<a>@(', '<a x="@{', '&', '\ufeff', '<a></']) {
    const doc = parsePolicy(text);
    for (const p of doc.problems) assert.ok(p.span.start <= p.span.end && p.span.end <= text.length, text);
  }
  assert.deepEqual(parsePolicy('').problems, []);
});

test('10,000 nesting levels: no stack overflow, linear', () => {
  const depth = 10_000;
  const text = '<a>'.repeat(depth) + '</a>'.repeat(depth);
  const doc = parsePolicy(text);
  assert.equal(doc.elements.length, depth);
  assert.deepEqual(doc.problems, []);
  const deepest = doc.elements[depth - 1]!;
  assert.equal(ancestors(deepest).length, depth - 1);
  assert.equal(elementAt(doc, deepest.span.start + 1), deepest);
  const unclosed = parsePolicy('<a>'.repeat(depth));
  assert.equal(unclosed.problems.length, depth);
});
