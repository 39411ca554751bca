import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ruleCatalog } from '../../../server/src/rules';
import { repoRoot } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: repoRoot, encoding: 'utf8' });

test('apim-mtls rules lists every rule with its default level, targets and documentation', () => {
  const json = cli(['rules', '--format', 'json']);
  assert.equal(json.status, 0, json.stderr);
  const rules = JSON.parse(json.stdout) as { id: string; defaultLevel: string; checks: string[]; description: string; docs: string }[];
  assert.deepEqual(rules.map((r) => r.id), ruleCatalog.map((r) => r.id));
  for (const r of rules) {
    assert.ok(fs.existsSync(path.join(repoRoot, 'docs', 'rules', `${r.id}.md`)), r.id);
    assert.ok(r.docs.endsWith(`/docs/rules/${r.id}.md`), r.docs);
    assert.ok(r.checks.length > 0 && r.description.length > 20, r.id);
  }
  assert.deepEqual(rules.find((r) => r.id === 'certificate-expiring')?.checks, ['policy XML', 'Bicep', 'certificate files']);
  const text = cli(['rules']);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^validate-trust-unsupported-tier +error +policy XML\n/);
  assert.match(text.stdout, new RegExp(`\\n${ruleCatalog.length} rules\\. Documentation: .*/docs/rules/<id>\\.md\\n$`));
  const bad = cli(['rules', '--format', 'xml']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--format must be text or json/);
  assert.equal(cli(['rules', '--verbose']).status, 2);
});

test('apim-mtls rules <id> prints that rule\'s documentation page; an unknown id suggests the nearest', () => {
  for (const id of ['identities-limit', 'validate-trust-unsupported-tier']) {
    const r = cli(['rules', id]);
    assert.equal(r.status, 0, r.stderr);
    // The page without the docs test's `<!-- lint: … -->` lines (the page has some: the test is about them).
    const page = fs.readFileSync(path.join(repoRoot, 'docs', 'rules', `${id}.md`), 'utf8');
    assert.match(page, /^<!-- lint:/m);
    assert.equal(r.stdout, page.replace(/^<!-- lint:.*-->\n/gm, ''));
    assert.doesNotMatch(r.stdout, /<!-- lint/);
    assert.match(r.stdout, new RegExp(`^# ${id}\n[\\s\\S]*## Rests on`));
  }
  const typo = cli(['rules', 'identites-limit']);
  assert.equal(typo.status, 2);
  assert.equal(typo.stdout, '');
  assert.match(typo.stderr, /^apim-mtls rules: no rule "identites-limit" \(did you mean identities-limit\?\); `apim-mtls rules` lists them\n$/);
  assert.match(cli(['rules', 'nothing-like-any-rule-at-all']).stderr, /no rule "nothing-like-any-rule-at-all"; /);
});

test('apim-mtls rules <id> --format json gives that rule\'s entry, in either order of the arguments', () => {
  const all = JSON.parse(cli(['rules', '--format', 'json']).stdout) as { id: string }[];
  for (const args of [['rules', 'thumbprint-case', '--format', 'json'], ['rules', '--format', 'json', 'thumbprint-case']]) {
    const one = cli(args);
    assert.equal(one.status, 0, one.stderr);
    assert.deepEqual(JSON.parse(one.stdout), all.find((r) => r.id === 'thumbprint-case'));
  }
  const typo = cli(['rules', '--format', 'json', 'thumbprint-cse']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /no rule "thumbprint-cse" \(did you mean thumbprint-case\?\)/);
  assert.equal(cli(['rules', 'thumbprint-case', 'thumbprint-format']).status, 2);
});

test('apim-mtls rules reads its options as lint does (--format=json, typos) and names the argument that is wrong', () => {
  const all = JSON.parse(cli(['rules', '--format', 'json']).stdout) as { id: string }[];
  const eq = cli(['rules', '--format=json', 'thumbprint-case']);
  assert.equal(eq.status, 0, eq.stderr);
  assert.deepEqual(JSON.parse(eq.stdout), all.find((r) => r.id === 'thumbprint-case'));
  // The second id is the mistake, not the first (which is a rule).
  const extra = cli(['rules', 'thumbprint-case', 'extra']);
  assert.equal(extra.status, 2);
  assert.match(extra.stderr, /unexpected argument "extra"/);
  assert.doesNotMatch(extra.stderr, /"thumbprint-case"/);
  const typo = cli(['rules', '--formt', 'json']);
  assert.equal(typo.status, 2);
  assert.match(typo.stderr, /unknown option --formt \(did you mean --format\?\)/);
  const bare = cli(['rules', '--format']);
  assert.equal(bare.status, 2);
  assert.match(bare.stderr, /--format needs a value/);
  assert.equal(cli(['rules', '--help=1']).status, 2);
});

test('a reader that closes the pipe early (apim-mtls … | head) ends the CLI quietly, without a stack trace', async () => {
  for (const args of [['rules'], ['lint', 'examples', '--format', 'json']]) {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|at /, args.join(' '));
    assert.ok(code === 0 || code === 1, `${args.join(' ')} exited ${code}`);
  }
});
