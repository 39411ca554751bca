import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { logSafe } from '../../../server/src/cli/format/log-safe';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';

/** What the GitHub runner does before it looks for `::` at a line's start: .NET's String.TrimStart(), every Char.IsWhiteSpace. */
const DOTNET_BLANKS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/;
const runnerCommands = (output: string): string[] => output.split(/\r\n|\r|\n/).filter((line) => line.replace(DOTNET_BLANKS, '').startsWith('::'));

test('a line that starts with a Unicode blank then :: is defused: the GitHub runner trims those blanks too', () => {
  for (const blank of ['\u00a0', '\u1680', '\u2000', '\u2003', '\u200a', '\u202f', '\u205f', '\u3000', ' \u00a0\t']) {
    const out = logSafe(`${blank}::error title=forged::pwned\nnext`);
    assert.deepEqual(runnerCommands(out), [], JSON.stringify(out));
    // The JSON-safe escape only: the text decodes to what it was.
    assert.equal(out.replace(/\\u003a/g, ':'), `${blank}::error title=forged::pwned\nnext`);
  }
  assert.equal(logSafe('a::b'), 'a::b', ':: after other text is no command');
});

test('lint: a file named with a no-break space then ::error:: prints no runner command', () => {
  const dir = makeTempDir('log-safe-nbsp-');
  const name = '\u00a0::error title=forged::pwned.policy.xml';
  fs.copyFileSync(path.join(examplesDir, 'mistakes', 'policies', 'thumbprint-case.operation.xml'), path.join(dir, name));
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '.'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /thumbprint-case/);
  assert.deepEqual(runnerCommands(run.stdout), []);
  assert.deepEqual(runnerCommands(run.stderr), []);
});
