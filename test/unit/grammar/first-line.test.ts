import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../helpers';

// VS Code tests the apim-policy language's `firstLine` (a JavaScript RegExp, on the editor's thread) against the first
// line (up to 1,000 characters) of every file no name pattern claims, and of an untitled document as it is typed.
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { languages: { id: string; firstLine?: string }[] };
};
const source = manifest.contributes.languages.find((l) => l.id === 'apim-policy')?.firstLine;

test('firstLine: a policy or fragment root, after an XML declaration and comments', () => {
  assert.ok(source, 'package.json gives apim-policy a firstLine');
  const re = new RegExp(source);
  for (const line of [
    '<policies>',
    '  <policies xmlns:x="y">',
    '<fragment>',
    '<?xml version="1.0" encoding="utf-8"?><policies>',
    '<!-- inbound: validate the client certificate --><policies>',
    '<?xml version="1.0"?> <!-- a --> <!-- b -- c --><!----> <fragment>',
  ]) {
    assert.ok(re.test(line), line);
  }
  for (const line of ['<policy>', '<root><policies>', '<!-- <policies> -->', '<!-- a --> text <policies>', 'policies', '<!-- unclosed <policies>']) {
    assert.ok(!re.test(line), line);
  }
});

test('firstLine: linear on a 1,000-character line of comments that ends in no policy (a backtracking regex froze the editor)', () => {
  assert.ok(source);
  // Each case runs in a child process with a deadline: a regex with catastrophic backtracking can't be interrupted.
  const lines = [
    '<!-- -->'.repeat(125),
    `${'<!-- -->'.repeat(124)}<polic`,
    `<?xml version="1.0"?>${'<!--a-->'.repeat(120)}`,
    '<!--'.repeat(250),
    `${'<!-- --> '.repeat(110)}x`,
    ' '.repeat(1000),
  ];
  const script = `const re = new RegExp(${JSON.stringify(source)}); const lines = ${JSON.stringify(lines)};
    const t = Date.now(); for (const l of lines) re.test(l.slice(0, 1000)); process.stdout.write(String(Date.now() - t));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  assert.ok(!r.error, `the firstLine regex did not finish within 10 s (${r.error?.message})`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(Number(r.stdout) < 2000, `${r.stdout} ms`);
});
