import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir } from '../../helpers';
import { parsePolicy } from '../../../server/src/parsers/policy';

const policyDir = path.join(corpusDir, 'policy-snippets');

function xmlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? xmlFiles(full) : e.name.endsWith('.xml') ? [full] : [];
  });
}

test('public corpus: zero problems, every @( / @{ outside comments and expressions is an expression', (t) => {
  if (!fs.existsSync(policyDir)) return t.skip(`corpus absent: ${policyDir}`);
  const files = xmlFiles(policyDir);
  assert.ok(files.length >= 50);
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const doc = parsePolicy(text);
    const name = path.relative(policyDir, file);
    assert.deepEqual(doc.problems, [], name);
    assert.ok(doc.root && doc.root.closed, name);
    const starts = new Set(doc.expressions.map((e) => e.span.start));
    const covered = [...doc.expressions.map((e) => e.span), ...doc.comments.map((c) => c.span)];
    for (const m of text.matchAll(/@[({]/g)) {
      const inside = covered.some((s) => s.start < m.index && m.index < s.end);
      assert.ok(starts.has(m.index) || inside, `${name}: @ at ${m.index} is not an expression`);
    }
    for (const e of doc.expressions) {
      assert.equal(e.terminated, true, name);
      assert.ok(text.slice(e.span.start, e.span.end).endsWith(e.kind === 'single' ? ')' : '}'), name);
    }
  }
});
