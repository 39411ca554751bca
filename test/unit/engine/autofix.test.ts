import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding, Fix } from '../../../server/src/core/finding';
import { applyEdits, autofixes } from '../../../server/src/engine/autofix';

const FILE = '/ws/a.xml';
const edit = (start: number, end: number, newText: string, file = FILE) => ({ file, span: { start, end }, newText });
const finding = (...fixes: Fix[]): Finding => ({ ruleId: 'r', level: 'error', message: 'm', file: FILE, span: { start: 0, end: 1 }, fixes, related: [] });
const titles = (fixes: Fix[]) => fixes.map((f) => f.title);

test('only fixes marked autofix, within the file, creating nothing, are applied', () => {
  const fixes = autofixes(
    [
      finding({ title: 'safe', edits: [edit(0, 1, 'A')], autofix: true }),
      finding({ title: 'preferred but not safe', edits: [edit(2, 3, 'B')], preferred: true }),
      finding({ title: 'another file', edits: [edit(4, 5, 'C', '/ws/b.bicep')], autofix: true }),
      finding({ title: 'creates a file', edits: [edit(6, 7, 'D')], creates: [{ file: '/ws/c.cer', content: 'x' }], autofix: true }),
      finding({ title: 'no edits', edits: [], autofix: true }),
    ],
    FILE,
  );
  assert.deepEqual(titles(fixes), ['safe']);
});

test('overlapping fixes: the first in the document wins, the other waits for the next pass', () => {
  const fixes = autofixes(
    [
      finding({ title: 'later', edits: [edit(10, 20, 'x')], autofix: true }),
      finding({ title: 'inside', edits: [edit(12, 14, 'y')], autofix: true }),
      finding({ title: 'insert at its end', edits: [edit(20, 20, 'z')], autofix: true }),
      finding({ title: 'adjacent', edits: [edit(20, 22, 'w')], autofix: true }),
      finding({ title: 'first', edits: [edit(0, 5, 'v'), edit(30, 31, 'u')], autofix: true }),
      finding({ title: 'overlaps the second edit of first', edits: [edit(29, 31, 't')], autofix: true }),
    ],
    FILE,
  );
  assert.deepEqual(titles(fixes), ['first', 'later', 'adjacent']);
});

test('fixes in order are each compared with a bounded number of the taken ones, not with all (30,000 fixes: 3 s per code action)', () => {
  // Counted, not timed: every read of an edit's span. Sorting reads each a few times per comparison (n log n); comparing
  // each fix with every edit taken read them n² / 2 times (12.5 million for these 5,000).
  let reads = 0;
  const counted = (start: number, end: number, newText: string) => {
    const e = edit(start, end, newText);
    const span = e.span;
    return Object.defineProperty(e, 'span', { get: () => (reads++, span) });
  };
  const n = 5_000;
  const many = Array.from({ length: n }, (_, i) => finding({ title: `f${i}`, edits: [counted(i * 10, i * 10 + 4, 'x')], autofix: true }));
  // One that overlaps an earlier one, far down, is still left for the next pass.
  many.push(finding({ title: `overlaps f${n - 2}`, edits: [counted((n - 2) * 10 + 2, (n - 2) * 10 + 3, 'y')], autofix: true }));
  const fixes = autofixes(many.reverse(), FILE);
  assert.equal(fixes.length, n);
  assert.ok(!titles(fixes).includes(`overlaps f${n - 2}`));
  assert.ok(reads < 200 * n, `${reads} reads of edit spans for ${n} fixes`);
});

test('applyEdits applies edits in any order, insertions included', () => {
  assert.equal(applyEdits('0123456789', [edit(8, 9, 'EIGHT'), edit(0, 0, '>'), edit(2, 4, '')]), '>014567EIGHT9');
});
