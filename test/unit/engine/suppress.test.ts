import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding } from '../../../server/src/core/finding';
import { LineIndex } from '../../../server/src/core/text';
import { applySuppressions, fileSuppression, suppressionIds, unusedSuppressions } from '../../../server/src/engine/suppress';
import type { FileKind } from '../../../server/src/engine/files';

/** A finding of `ruleId` on each line holding `@ruleId`; what survives, as `line:ruleId`. */
function kept(kind: FileKind, text: string): string[] {
  const findings: Finding[] = [];
  for (const m of text.matchAll(/@([a-z-]+)/g)) {
    findings.push({ ruleId: m[1]!, level: 'warning', message: '', file: 'f', span: { start: m.index!, end: m.index! + m[0].length }, fixes: [], related: [] });
  }
  const index = new LineIndex(text);
  return applySuppressions(findings, text, kind, index).map((f) => `${index.positionAt(f.span.start).line}:${f.ruleId}`);
}

test('policy XML: apim-mtls-disable … apim-mtls-enable is a region, per rule; without ids it means every rule', () => {
  const text = [
    '<policies> @rule-a @rule-b', // 0: before any directive
    '<!-- apim-mtls-disable rule-a -->',
    '<x/> @rule-a @rule-b', // 2: rule-a off
    '<!-- apim-mtls-enable rule-a -->',
    '<x/> @rule-a', // 4: on again
    '<!-- apim-mtls-disable -->',
    '<x/> @rule-a @rule-b', // 6: every rule off
    '<!-- apim-mtls-enable rule-b -->',
    '<x/> @rule-a @rule-b', // 8: only rule-b back
    '</policies> @rule-c', // 9: still off to the end of the file
  ].join('\n');
  assert.deepEqual(kept('policy', text), ['0:rule-a', '0:rule-b', '2:rule-b', '4:rule-a', '8:rule-b']);
});

test('policy XML: disable-next-line still works; a region starts after its comment, even on the same line', () => {
  const text = '<a/> @rule-a <!-- apim-mtls-disable rule-a --> @rule-a\n<!-- apim-mtls-disable-next-line rule-b -->\n<b/> @rule-b @rule-c\n<c/> @rule-b';
  assert.deepEqual(kept('policy', text), ['0:rule-a', '2:rule-c', '3:rule-b']);
});

test('policy XML: only the three directive words count (not apim-mtls-disable-line, not a longer word)', () => {
  const text = '<!-- apim-mtls-disable-line rule-a -->\n<!-- apim-mtls-disabled rule-a -->\n<a/> @rule-a';
  assert.deepEqual(kept('policy', text), ['2:rule-a']);
});

test("Bicep: #disable-diagnostics … #restore-diagnostics, Bicep's own pragmas; they name their ids", () => {
  const text = [
    '#disable-diagnostics rule-a rule-b',
    "param p string = 'x' // @rule-a @rule-b @rule-c",
    '#restore-diagnostics rule-b',
    "param q string = 'x' // @rule-a @rule-b",
    '#disable-diagnostics',
    "param r string = 'x' // @rule-c",
    '#disable-next-line rule-c',
    "param s string = 'x' // @rule-c",
  ].join('\n');
  assert.deepEqual(kept('bicep', text), ['1:rule-c', '3:rule-b', '5:rule-c']);
});

test('the "for this file" suppression: after the XML declaration and byte order mark; added to one already there', () => {
  const at = (kind: FileKind, text: string, id = 'rule-a') => {
    const { at: offset, newText } = fileSuppression(kind, id, text, '\n');
    return text.slice(0, offset) + newText + text.slice(offset);
  };
  assert.equal(at('policy', '<policies/>\n'), '<!-- apim-mtls-disable rule-a -->\n<policies/>\n');
  assert.equal(at('policy', '\uFEFF<?xml version="1.0"?>\n<policies/>'), '\uFEFF<?xml version="1.0"?>\n<!-- apim-mtls-disable rule-a -->\n<policies/>');
  assert.equal(at('policy', '<?xml version="1.0"?><policies/>'), '<?xml version="1.0"?>\n<!-- apim-mtls-disable rule-a -->\n<policies/>');
  assert.equal(at('policy', '<!-- apim-mtls-disable rule-a -->\n<policies/>', 'rule-b'), '<!-- apim-mtls-disable rule-a rule-b -->\n<policies/>');
  assert.equal(at('bicep', "param p string = 'x'\n"), "#disable-diagnostics rule-a\nparam p string = 'x'\n");
  assert.equal(at('bicep', "#disable-diagnostics rule-a\nparam p string = 'x'\n", 'rule-b'), "#disable-diagnostics rule-a rule-b\nparam p string = 'x'\n");
  // Each result suppresses what it names, in the whole file.
  for (const kind of ['policy', 'bicep'] as const) {
    const text = at(kind, kind === 'policy' ? '<policies>\n<a/> @rule-a @rule-b\n</policies>' : "param p string = 'x' // @rule-a @rule-b\n");
    assert.deepEqual(kept(kind, text).map((k) => k.split(':')[1]), ['rule-b'], kind);
  }
});

/** Runs `fn` counting what `method` of `proto` is asked to do, by `cost` of each call's receiver and arguments. */
function counting<T>(proto: object, method: string, cost: (self: never, args: never[]) => number, fn: () => T): { value: T; work: number } {
  const original = (proto as Record<string, (...a: unknown[]) => unknown>)[method]!;
  let work = 0;
  (proto as Record<string, unknown>)[method] = function (this: never, ...args: never[]) {
    work += cost(this, args);
    return original.apply(this, args);
  };
  try {
    return { value: fn(), work };
  } finally {
    (proto as Record<string, unknown>)[method] = original;
  }
}

test('unused suppressions: the removal of each of 2,000 comments on one line looks at the spaces around it, not the line', () => {
  const n = 2000;
  const text = `<policies>\n  ${'<!-- apim-mtls-disable-next-line thumbprint-format -->'.repeat(n)}\n  <!-- apim-mtls-disable-next-line thumbprint-format -->  \r\n</policies>`;
  const { value, work } = counting(String.prototype, 'slice', (self: string, [a = 0, b]: number[]) => (b ?? self.length) - a, () =>
    unusedSuppressions(text, 'policy', new Set(), () => 'on', 'unused-suppression'),
  );
  // Before: the line read on both sides of each comment (2,000 × 110 KB sliced).
  assert.ok(work < 2 * text.length, `${work} characters sliced`);
  assert.equal(value.length, n + 1);
  const [first, last] = [value[0]!, value.at(-1)!];
  assert.equal(text.slice(first.fix.span.start, first.fix.span.end), '<!-- apim-mtls-disable-next-line thumbprint-format -->', 'not alone on its line: the comment');
  assert.equal(text.slice(last.fix.span.start, last.fix.span.end), '  <!-- apim-mtls-disable-next-line thumbprint-format -->  \r\n', 'alone: the whole line');
});

test('Bicep directives inside multi-line strings: 3,000 of each looked up in one walk, not every string per directive', () => {
  const n = 3000;
  const text = Array.from({ length: n }, (_, i) => `#disable-next-line no-unused-params\nvar s${i} = \'\'\'\n#disable-next-line x${i}\n\'\'\'\n`).join('');
  const { value, work } = counting(Array.prototype, 'some', (self: unknown[]) => self.length, () => suppressionIds(text, 'bicep'));
  // Before: each directive's start looked for in every string (9 million tests).
  assert.ok(work < 10 * n, `${work} elements searched`);
  assert.deepEqual(new Set(value.map((x) => x.id)), new Set(['no-unused-params']), 'the directives inside the strings are text');
  assert.equal(value.length, n);
});

