import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { makeTempDir, repoRoot } from '../../helpers';

// scripts/test-grammar.mjs runs vscode-tmgrammar-test 0.1.3, whose assertion regexes backtrack exponentially on a
// line they don't match: a long assertion with two ' - ' groups kept it busy past the script's 60 s timeout.

const script = path.join(repoRoot, 'scripts', 'test-grammar.mjs');
const header = '<!-- SYNTAX TEST "text.xml.apim-policy" "harness"';
const source = '<set-body>@($$"""{"id": 1}""")</set-body>';

function run(dir: string): { status: number | null; out: string; ms: number } {
  const start = performance.now();
  const r = spawnSync(process.execPath, [script, '-c', `--dir=${dir}`], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}`, ms: performance.now() - start };
}

test('an assertion line with two " - " groups is reported with its file and line, quickly', () => {
  const dir = makeTempDir('grammar-harness');
  fs.writeFileSync(
    path.join(dir, 'two-dashes.policy.xml'),
    [header, source, '<!--              ^^^^^^^ meta.embedded.inline.csharp source.cs string.quoted.double.interpolated.cs - meta.interpolation - punctuation', ''].join('\n'),
  );
  const r = run(dir);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /two-dashes\.policy\.xml:3: more than one ' - ' in an assertion/);
  assert.ok(r.ms < 10_000, `${r.ms.toFixed(0)} ms`);
});

test('a token that is no scope name is reported too; a well-formed file still runs', () => {
  const dir = makeTempDir('grammar-harness');
  fs.writeFileSync(path.join(dir, 'paren.policy.xml'), [header, source, '<!--  ^^^^^^^^ meta.tag.xml)', ''].join('\n'));
  const bad = run(dir);
  assert.equal(bad.status, 1, bad.out);
  assert.match(bad.out, /paren\.policy\.xml:3: not a scope name in an assertion: "meta\.tag\.xml\)"/);

  const good = makeTempDir('grammar-harness');
  fs.writeFileSync(path.join(good, 'ok.policy.xml'), [header, source, '<!--      ^^ meta.embedded.inline.csharp punctuation.section.embedded.begin.apim-policy - source.cs string', ''].join('\n'));
  const ok = run(good);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /1 passed, 0 failed/);
});
