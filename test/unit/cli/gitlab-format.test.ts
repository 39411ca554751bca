import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

interface Issue {
  type: string;
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number } };
}

/** `apim-mtls lint <args> --format <format>` in `cwd`. */
function lint(cwd: string, args: string[], format: string): { status: number | null; stdout: string } {
  return spawnSync(process.execPath, [CLI, 'lint', ...args, '--format', format], { cwd, encoding: 'utf8' });
}

test('apim-mtls lint --format gitlab on the examples: a Code Quality issue per finding of the JSON report, unique fingerprints', () => {
  const r = lint(repoRoot, ['examples'], 'gitlab');
  assert.equal(r.status, 1, 'the examples have errors: the exit code says so in every format');
  const issues = JSON.parse(r.stdout) as Issue[];
  // The fields GitLab reads, with its types and severities.
  for (const i of issues) {
    assert.deepEqual(Object.keys(i).sort(), ['check_name', 'description', 'fingerprint', 'location', 'severity', 'type']);
    assert.equal(i.type, 'issue');
    assert.match(i.fingerprint, /^[0-9a-f]{32}$/);
    assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(i.severity), i.severity);
    assert.ok(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1);
    assert.ok(!path.isAbsolute(i.location.path) && !i.location.path.includes('\\'), i.location.path);
  }
  // GitLab shows one issue per fingerprint: each must be its own.
  assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length);
  const json = JSON.parse(lint(repoRoot, ['examples'], 'json').stdout) as { filePath: string; messages: { ruleId: string | null; level: string; message: string; line: number }[] }[];
  const severity: Record<string, string> = { error: 'major', warning: 'minor', info: 'info', hint: 'info' };
  const want = json.flatMap((e) =>
    e.messages.map((m) => `${severity[m.level]} ${path.relative(repoRoot, e.filePath).split(path.sep).join('/')}:${m.line} ${m.ruleId ?? 'apim-mtls'} ${m.message}`),
  );
  assert.ok(want.length > 30);
  assert.deepEqual(
    issues.map((i) => `${i.severity} ${i.location.path}:${i.location.lines.begin} ${i.check_name} ${i.description}`),
    want,
  );
});

test('--format gitlab: a finding keeps its fingerprint when lines are added above it, and a new finding gets a new one', () => {
  const dir = makeTempDir('cli-gitlab');
  fs.cpSync(path.join(examplesDir, 'mistakes'), path.join(dir, 'mistakes'), { recursive: true });
  fs.cpSync(path.join(examplesDir, 'certs'), path.join(dir, 'certs'), { recursive: true });
  fs.cpSync(path.join(examplesDir, 'shared'), path.join(dir, 'shared'), { recursive: true });
  const run = () => JSON.parse(lint(dir, ['mistakes'], 'gitlab').stdout) as Issue[];
  const before = run();
  const policy = path.join(dir, 'mistakes', 'policies', 'utcnow-certificate-validity.operation.xml');
  const text = fs.readFileSync(policy, 'utf8');
  // Two comment lines at the top of the policy: every finding there moves down, none is new.
  fs.writeFileSync(policy, text.replace('<policies>', '<!-- a comment\n     on two lines -->\n<policies>'));
  const moved = run();
  assert.deepEqual(moved.map((i) => i.fingerprint).sort(), before.map((i) => i.fingerprint).sort());
  const inPolicy = (issues: Issue[]) => issues.filter((i) => i.location.path.endsWith('utcnow-certificate-validity.operation.xml'));
  assert.ok(inPolicy(before).length > 0);
  assert.deepEqual(inPolicy(moved).map((i) => i.location.lines.begin), inPolicy(before).map((i) => i.location.lines.begin + 2));
  // The same mistake once more in that policy (its <when> written twice): one more issue, with a fingerprint of its own.
  const from = text.indexOf('<when condition="@{');
  const when = text.slice(from, text.indexOf('</when>', from) + '</when>'.length);
  assert.match(when, /DateTime\.UtcNow/);
  fs.writeFileSync(policy, text.replace(when, `${when}\n${when}`));
  const doubled = run();
  assert.equal(doubled.length, before.length + 1);
  const fresh = doubled.filter((i) => !before.some((b) => b.fingerprint === i.fingerprint));
  assert.deepEqual(fresh.map((i) => i.check_name), ['utcnow-certificate-validity']);
});
