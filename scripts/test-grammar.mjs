#!/usr/bin/env node
// Runs the TextMate grammar tests (test/grammar/*.policy.xml) with vscode-tmgrammar-test 0.1.3.
// Usage: node scripts/test-grammar.mjs [-c] [--dir=<test dir>] [file-filter-substring]
//   -c       compact output (ERROR file:line:col:endCol message), for problem matchers
//   --dir    where the *.policy.xml files are (default test/grammar; the grammar set stays test/grammar's)
// Grammars come from test/grammar/tmgrammar.config.json: syntaxes/apim-policy.tmLanguage.json plus a
// stub for source.cs (the C# grammar ships with VS Code only). Exits 1 when any test file fails.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dirArg = args.find((a) => a.startsWith('--dir='));
const testDir = dirArg ? resolve(dirArg.slice('--dir='.length)) : join(root, 'test', 'grammar');
const config = join(root, 'test', 'grammar', 'tmgrammar.config.json');
const grammarPath = join(root, 'syntaxes', 'apim-policy.tmLanguage.json');
const runner = join(root, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const rel = (p) => relative(root, p).split('\\').join('/');

const compact = args.includes('-c') || args.includes('--compact');
const filter = args.find((a) => !a.startsWith('-'));
const SCOPE = /^\w[-\w.]*$/;

/**
 * Assertion lines vscode-tmgrammar-test 0.1.3 cannot parse. Its assertion regexes nest quantifiers, so a line they
 * don't match (two ' - ' groups, a token that is no scope name) backtracks exponentially: the runner hangs instead of
 * reporting it. The same rules are checked here, in linear time, before the runner sees the file.
 */
function malformedAssertions(file, lines) {
  const header = /^(\S+)\s+SYNTAX\s+TEST\s/.exec(lines[0] ?? '');
  if (!header) return []; // the runner reports a bad header itself, quickly
  const token = header[1];
  const problems = [];
  lines.forEach((line, i) => {
    if (i === 0 || !line.startsWith(token)) return;
    const rest = line.slice(token.length);
    const arrow = /^\s*(?:[\^][\^\s]*|<~*-+)/.exec(rest);
    if (!arrow) return; // not an assertion: a comment in the source
    const words = rest.slice(arrow[0].length).split(/\s+/).filter(Boolean);
    const at = `${rel(file)}:${i + 1}`;
    const dashes = words.filter((w) => w.startsWith('-')).length;
    const bad = words.map((w) => (w.startsWith('-') ? w.slice(1) : w)).filter((w) => w && !SCOPE.test(w));
    if (dashes > 1) problems.push(`${at}: more than one ' - ' in an assertion; list every prohibited scope after one ' - ' (a b - c d)`);
    else if (bad.length) problems.push(`${at}: not a scope name in an assertion: ${bad.map((w) => JSON.stringify(w)).join(', ')}`);
    else if (!words.some((w) => w !== '-')) problems.push(`${at}: an assertion without scopes`);
  });
  return problems;
}

function fail(message) {
  console.error(`grammar tests: ${message}`);
  process.exit(1);
}

if (!existsSync(runner)) fail(`${rel(runner)} not found (is vscode-tmgrammar-test installed?)`);
try {
  const grammar = JSON.parse(readFileSync(grammarPath, 'utf8'));
  if (grammar.scopeName !== 'text.xml.apim-policy') fail(`${rel(grammarPath)}: scopeName is ${grammar.scopeName}, expected text.xml.apim-policy`);
} catch (e) {
  fail(`${rel(grammarPath)} is not valid JSON: ${e.message}`);
}

// The manifest must point VS Code at the grammar under test.
try {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entry = (pkg.contributes?.grammars ?? []).find((g) => g.scopeName === 'text.xml.apim-policy');
  if (!entry) console.warn('warning: package.json contributes no grammar with scopeName text.xml.apim-policy');
  else if (join(root, entry.path) !== grammarPath) console.warn(`warning: package.json grammar path ${entry.path} is not ${rel(grammarPath)}`);
} catch {
  console.warn('warning: could not read package.json');
}

const files = readdirSync(testDir)
  .filter((f) => f.endsWith('.policy.xml') && (!filter || f.includes(filter)))
  .sort()
  .map((f) => join(testDir, f));
if (files.length === 0) fail(`no test files in ${rel(testDir)}${filter ? ` matching "${filter}"` : ''}`);

/**
 * Every scope name the grammar set can give a token (`name`, `contentName` and captures' names, of the policy grammar
 * and the C# stub).
 */
function emittedScopes() {
  const names = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'name' || key === 'contentName') && typeof value === 'string') {
        for (const n of value.split(/\s+/)) if (n) names.add(n);
      } else walk(value);
    }
  };
  const set = JSON.parse(readFileSync(config, 'utf8'));
  for (const g of set.contributes.grammars) {
    const grammar = JSON.parse(readFileSync(join(dirname(config), g.path), 'utf8'));
    names.add(grammar.scopeName);
    walk(grammar.patterns);
    walk(grammar.repository);
  }
  return names;
}

/**
 * The runner takes a prohibited scope (`a - b`) for a whole scope name: `- meta.embedded` passed on a token in
 * `meta.embedded.inline.csharp`, so such an assertion could not fail. A prohibited scope is meant as a selector (it
 * matches the scopes it is a prefix of, as in a theme): each is written out as every scope name the grammars emit
 * under it, in a copy the runner is given. A prohibited name no grammar emits, under it or as it, is a mistake.
 */
function expandProhibited(file, lines, emitted) {
  const token = /^(\S+)\s+SYNTAX\s+TEST\s/.exec(lines[0] ?? '')?.[1];
  const problems = [];
  if (!token) return { text: lines.join('\n'), problems };
  const out = lines.map((line, i) => {
    if (i === 0 || !line.startsWith(token)) return line;
    const minus = line.indexOf(' - ');
    if (minus < 0 || !/^\s*(?:[\^][\^\s]*|<~*-+)/.test(line.slice(token.length))) return line;
    const prohibited = line.slice(minus + 3).split(/\s+/).filter(Boolean);
    const expanded = prohibited.flatMap((scope) => {
      if (emitted.has(scope)) return [scope];
      const under = [...emitted].filter((n) => n.startsWith(`${scope}.`));
      if (under.length === 0) problems.push(`${rel(file)}:${i + 1}: prohibits ${scope}, which no grammar emits (as a name or under it)`);
      return under;
    });
    return `${line.slice(0, minus)} - ${expanded.join(' ')}`;
  });
  return { text: out.join('\n'), problems };
}

const emitted = emittedScopes();
const expandedDir = mkdtempSync(join(tmpdir(), 'apim-grammar-'));
process.on('exit', () => rmSync(expandedDir, { recursive: true, force: true }));

const failed = [];
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split(/\r\n|\n/);
  const malformed = malformedAssertions(file, lines);
  if (malformed.length) {
    failed.push(rel(file));
    console.log(`  FAIL  ${rel(file)} (malformed assertion lines: not run, vscode-tmgrammar-test can hang on them)`);
    for (const m of malformed) console.log(`        ERROR ${m}`);
    continue;
  }
  const { text, problems } = expandProhibited(file, lines, emitted);
  if (problems.length) {
    failed.push(rel(file));
    console.log(`  FAIL  ${rel(file)} (assertions that cannot fail)`);
    for (const m of problems) console.log(`        ERROR ${m}`);
    continue;
  }
  const copy = join(expandedDir, basename(file));
  writeFileSync(copy, text);
  const r = spawnSync(process.execPath, [runner, '--config', config, ...(compact ? ['-c'] : []), copy], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  // The runner names the copy: name the test file instead.
  for (const key of ['stdout', 'stderr']) if (typeof r[key] === 'string') r[key] = r[key].split(copy).join(rel(file));
  const ok = r.status === 0;
  if (ok) {
    console.log(`  ok    ${rel(file)}`);
  } else {
    failed.push(rel(file));
    console.log(`  FAIL  ${rel(file)}${r.error ? ` (${r.error.message})` : ''}`);
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (out) console.log(out.split('\n').map((l) => `        ${l}`).join('\n'));
  }
}

console.log(`\ngrammar tests: ${files.length - failed.length} passed, ${failed.length} failed (${files.length} files, vscode-tmgrammar-test, scope text.xml.apim-policy)`);
if (failed.length) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exit(1);
}
