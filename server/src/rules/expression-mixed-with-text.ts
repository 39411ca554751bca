import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import { lexExpression } from '../parsers/policy/csharp-lexer';
import type { PolicyElement, PolicyExpression, PolicyText } from '../parsers/policy/types';
import type { PolicyRule, PolicyRuleContext } from './types';

/**
 * A policy expression written inside other text: `Bearer @(…)`, `{{prefix}}@(…)`, `ok @(…)` in a value, or text after
 * one (`@(…) suffix`). APIM takes a value or a text as an expression only when it is one: the rest is sent as written.
 */
export const expressionMixedWithText: PolicyRule = {
  id: 'expression-mixed-with-text',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'A policy expression inside other text (Bearer @(…), {{prefix}}@(…)) or followed by text: APIM runs an expression only when it is the whole value or text, so the rest is sent as written, "@(" and all.',
  check(ctx) {
    const { doc } = ctx;
    // Text after an expression: looked for after each one.
    for (const expression of doc.expressions) {
      const { element, attribute } = expression.owner;
      if (attribute) trailing(ctx, expression, attribute.valueSpan.end, `the value of '${attribute.name}'`);
      else {
        const text = element.texts.find((t) => t.expression === expression);
        if (text && !text.cdata && !isLiquid(element)) trailing(ctx, expression, text.span.end, `the text of <${element.name}>`, text);
      }
    }
    // An expression after other text is none the parser took: only when the text holds more `@(` and `@{` than it
    // has expressions is each value and text read again.
    if (expressionStarts(doc.text) <= doc.expressions.length) return;
    for (const el of doc.elements) {
      for (const attr of el.attributes) {
        if (attr.quote && !attr.expression && attr.rawValue.includes('@')) embedded(ctx, attr.valueSpan, `the value of '${attr.name}'`);
      }
      if (isLiquid(el)) continue;
      for (const text of el.texts) {
        // The expression may run past the text (`Bearer @(….GetValueOrDefault<string>("token"))`: as text, `<string>`
        // is markup, which policy-xml-syntax reports): it is read up to the element's end, as it would be were it one.
        if (!text.cdata && !text.expression && text.raw.includes('@')) embedded(ctx, text.span, `the text of <${el.name}>`, text, el.endTagSpan?.start ?? el.span.end);
      }
    }
  },
};

/** A Liquid template's body is a template, not a value an expression could be. */
function isLiquid(el: PolicyElement): boolean {
  return el.name === 'set-body' && el.attributes.some((a) => a.name === 'template' && a.value.toLowerCase() === 'liquid');
}

/** How many `@(` and `@{` (not `@{{`, a named value after an `@`) a text holds. */
function expressionStarts(text: string): number {
  let n = 0;
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    const next = text[at + 1];
    if (next === '(' || (next === '{' && text[at + 2] !== '{')) n++;
  }
  return n;
}

/** `Bearer @(context.…)`: each expression written after other text of a value or text, read as the parser would. */
function embedded(ctx: PolicyRuleContext, span: Span, where: string, text?: PolicyText, limit = span.end): void {
  const source = ctx.doc.text;
  for (let at = source.indexOf('@', span.start); at >= 0 && at < span.end - 1; at = source.indexOf('@', at + 1)) {
    const open = source[at + 1];
    if (open !== '(' && open !== '{') continue;
    // `@@(` (written to keep an `@`), `noreply@{{mail-domain}}` (an `@` before a named value).
    if (source[at - 1] === '@' || (open === '{' && source[at + 2] === '{')) continue;
    const lexed = lexExpression(source, at, { limit, decodeEntities: true });
    // Left open, it runs to the end of the text: so would any `@(` after it, and reading each again would take the
    // square of the text's length. The text is read no further.
    if (!lexed.terminated) return;
    // Only what reads as a policy expression: one that uses `context` (or, as a block, returns). A regular expression
    // (`^[a-z]+@(contoso|fabrikam)\.com$`) or an e-mail address is text. What it holds is not read again either.
    if (!lexed.tokens.some((t) => (t.kind === 'identifier' && t.text === 'context') || (open === '{' && t.kind === 'keyword' && t.text === 'return'))) {
      at = lexed.end - 1;
      continue;
    }
    const first = firstNonSpace(source, span.start);
    const before = source.slice(first, at);
    const shown = before.length > 24 ? `…${before.slice(-24)}` : before;
    const after = source.slice(lexed.end, limit).trim();
    const fixes: Fix[] = [];
    // In element text, a single expression after plain words: `@("Bearer " + (…))`.
    if (text && open === '(' && after === '' && isPlain(before)) {
      const code = source.slice(at + 2, lexed.end - 1);
      fixes.push({ title: `Make the whole text one expression: @("${before}" + (…))`, edits: [{ file: ctx.file, span: { start: first, end: lexed.end }, newText: `@("${before}" + (${code.trim()}))` }] });
    }
    // `{{some-value-@(context.Product.Id)}}`: a named value's name built at run time.
    const inName = /\{\{[A-Za-z0-9_.-]*$/.test(before) && source.startsWith('}}', lexed.end);
    ctx.report({
      span: { start: at, end: lexed.end },
      message: inName
        ? `This policy expression is inside a named value's braces ("${shown}@${open}…}}"): a named value is replaced when the policy is saved, so its name ` +
          `can't be built at run time, and the expression is not run either. Pick the value in the expression instead (context.Product.Id == "a" ? "{{value-a}}" : "{{value-b}}").`
        : `This policy expression comes after other text ("${shown}@${open}…"): APIM runs an expression only when it is the whole of ${where} ` +
          `(after white space), so ${where} is sent as written, "@${open}" and all. Make the whole of it one expression: @("${before.length <= 24 && isPlain(before) ? before : '…'}" + …).`,
      fixes,
    });
    at = lexed.end - 1;
  }
}

/** `@(context.…) suffix`: text after the expression that makes a value or text. */
function trailing(ctx: PolicyRuleContext, expression: PolicyExpression, end: number, where: string, text?: PolicyText): void {
  if (!expression.terminated) return;
  const source = ctx.doc.text;
  const start = firstNonSpace(source, expression.span.end);
  if (start >= end) return;
  let stop = end;
  while (stop > start && isBlank(source.charCodeAt(stop - 1))) stop--;
  const after = source.slice(start, stop);
  const fixes: Fix[] = [];
  const gap = source.slice(expression.span.end, start);
  // The text and the white space before it go into a C# string: on one line.
  if (text && expression.kind === 'single' && isPlain(after) && isPlain(gap)) {
    const code = source.slice(expression.codeSpan.start, expression.codeSpan.end).trim();
    fixes.push({ title: `Move the text into the expression: @((…) + "${gap}${after}")`, edits: [{ file: ctx.file, span: { start: expression.span.start, end: stop }, newText: `@((${code}) + "${gap}${after}")` }] });
  }
  ctx.report({
    span: { start, end: stop },
    message:
      `Text after the policy expression ("${after.length > 24 ? `${after.slice(0, 24)}…` : after}"): APIM takes ${where} as an expression only when it is ` +
      'one, and what it makes of the rest is not documented. Move the text into the expression (+ "…").',
    fixes,
  });
}

function firstNonSpace(source: string, from: number): number {
  let i = from;
  while (isBlank(source.charCodeAt(i))) i++;
  return i;
}

/** XML white space: space, tab, line feed, carriage return. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Text that goes into a C# string as it is, in element text of both formats (named values are replaced before). */
function isPlain(s: string): boolean {
  return !/["\\&<@\n\r]/.test(s.replace(/\{\{[A-Za-z0-9_.-]+\}\}/g, ''));
}
