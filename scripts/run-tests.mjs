// Runs the compiled unit and protocol tests with Node's test runner. `pretest` builds and compiles them first.
// Usage: node scripts/run-tests.mjs [filter-substring]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  let out = [];
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filter = process.argv[2];
const files = ['out/test/unit', 'out/test/lsp']
  .flatMap(find)
  .filter((f) => !filter || f.includes(filter))
  .sort();
if (files.length === 0) {
  console.error('no test files found under out/test (did `npm run pretest` run?)');
  process.exit(1);
}
if (!filter) {
  // The TextMate grammar's tests (vscode-tmgrammar-test) first: quick, and a broken grammar should be loud.
  const g = spawnSync(process.execPath, ['scripts/test-grammar.mjs', '-c'], { stdio: 'inherit' });
  if (g.status !== 0) process.exitCode = 1;
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status === 0 && !process.exitCode ? 0 : r.status || 1);
