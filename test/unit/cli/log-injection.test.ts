import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';

// A pull request controls what the linter quotes (file names, attribute values, certificate subjects, Bicep strings,
// .apim-mtls.json): none of it may print a line that a CI runner takes for a command of its own. Azure Pipelines
// runs `##vso[…]` anywhere in a line of stdout or stderr; GitHub Actions runs `::command::` at a line's start (after
// blanks) and its legacy `##[command]` anywhere.

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CLIENT = path.join(examplesDir, 'certs', 'dev-valid-client.cer');
/** dev-valid-client.cer's thumbprint is F01C…C98E: one digit off, `unknown-thumbprint` (an info finding) names it. */
const NEAR_MISS = 'F01C8E2463256F9B5450FDDC900CE33B8F43C98F';

function lint(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd, encoding: 'utf8' });
}

const policy = (identity: string, trust = false): string =>
  `<policies><inbound><base />\n<validate-client-certificate validate-revocation="false" validate-trust="${trust}"><identities>\n${identity}\n` +
  '</identities></validate-client-certificate></inbound>\n<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n';

/** The lines a runner would act on, and raw control characters (ESC sequences, C1, bidirectional overrides). */
function commandsIn(output: string, ours: RegExp = /^$/): string[] {
  const found: string[] = [];
  for (const line of output.split('\n')) {
    if (ours.test(line)) continue;
    if (/##vso\[|##\[/.test(line) || /^\s*::/.test(line)) found.push(line);
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(line)) found.push(`control character in: ${JSON.stringify(line)}`);
  }
  return found;
}

/** A policy whose subject holds a line break, commands for both runners and terminal escapes, and a file named with one. */
function hostileRepo(): string {
  const dir = makeTempDir('log-injection-');
  const subject = '/CN=a&#10;::set-output name=x::y&#10;##vso[task.setvariable variable=PWNED]1&#13;&#x1b;[2J&#x1b;]0;owned&#x7;&#x202e;';
  fs.writeFileSync(path.join(dir, 'subject.policy.xml'), policy(`<identity subject="${subject}" />`, true));
  fs.copyFileSync(CLIENT, path.join(dir, 'client.cer'));
  fs.writeFileSync(path.join(dir, 'x ##vso[task.setvariable variable=PWNED]yes ##[error]z.policy.xml'), policy(`<identity thumbprint="${NEAR_MISS}" />`));
  fs.writeFileSync(path.join(dir, '::error::named.policy.xml'), policy(`<identity thumbprint="${NEAR_MISS}" />`));
  return dir;
}

test('lint: what a repository holds never reaches a CI log as a runner command, in the text, JSON, SARIF and GitLab reports', () => {
  const dir = hostileRepo();
  const text = lint(dir, ['.']);
  assert.equal(text.status, 0, text.stderr);
  const findings = text.stdout.split('\n').filter((l) => /  (warning|info)  /.test(l));
  assert.equal(findings.length, 3, text.stdout);
  assert.deepEqual(commandsIn(text.stdout), []);
  // One finding a line: the subject's line breaks are shown as \n, and the defused markers are still readable.
  const dn = findings.find((l) => l.includes('identity-dn-format'))!;
  assert.ok(dn.includes('/CN=a\\n::set-output name=x::y\\n#\\u0023vso[task.setvariable variable=PWNED]1\\r\\u001b[2J'), dn);
  assert.ok(findings.some((l) => l.startsWith('\\u003a:error::named.policy.xml:')), text.stdout);

  for (const format of ['json', 'sarif', 'gitlab']) {
    const r = lint(dir, ['.', '--format', format]);
    assert.deepEqual(commandsIn(r.stdout), [], format);
    // Still valid JSON, and it decodes to what the repository holds.
    const decoded = JSON.stringify(JSON.parse(r.stdout));
    assert.ok(decoded.includes('##vso[task.setvariable variable=PWNED]1'), format);
  }
});

test('lint --format azure-devops: only its own ##vso[task.logissue] lines are commands; info findings quoting ##vso[ are defused', () => {
  const dir = hostileRepo();
  const r = lint(dir, ['.', '--format', 'azure-devops']);
  const ours = /^##vso\[task\.logissue [^\]]*\][^\n]*$/;
  assert.deepEqual(commandsIn(r.stdout, ours), []);
  // The logissue line's data holds no raw line break or control either.
  const issue = r.stdout.split('\n').find((l) => ours.test(l) && l.includes('identity-dn-format'))!;
  assert.ok(issue.includes('%0A::set-output'), issue);
  assert.ok(!/[\u001b\u202e]/.test(issue));
  assert.equal(r.stdout.split('\n').filter((l) => l.includes('unknown-thumbprint')).length, 2, r.stdout);
});

test('lint --format github: only its own ::warning/::notice lines are commands', () => {
  const dir = hostileRepo();
  const r = lint(dir, ['.', '--format', 'github']);
  assert.deepEqual(commandsIn(r.stdout, /^::(error|warning|notice) file=[^:]*::/), []);
  assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('::')).length, 3, r.stdout);
});

test('lint: a path from .apim-mtls.json echoed on stderr holds no runner command', () => {
  const dir = makeTempDir('log-injection-config-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), policy(`<identity thumbprint="${NEAR_MISS}" />`));
  fs.writeFileSync(
    path.join(dir, '.apim-mtls.json'),
    JSON.stringify({ context: ['missing\n::error file=README.md,line=1::forged\n##vso[task.setvariable variable=PWNED]1\u001b[2J'] }),
  );
  const r = lint(dir, ['.', '--format', 'github']);
  const line = r.stderr.split('\n').find((l) => l.includes('"context"'));
  assert.ok(line?.includes('missing\\n::error file=README.md,line=1::forged\\n#\\u0023vso['), r.stderr);
  assert.deepEqual(commandsIn(r.stderr), []);
});

test('lint --format sarif and .apim-mtls.json ignore: a file named ..dots.policy.xml lies inside the folder', () => {
  const dir = makeTempDir('dots-');
  fs.copyFileSync(path.join(examplesDir, 'mistakes', 'policies', 'validity-check-disabled.operation.xml'), path.join(dir, '..dots.policy.xml'));
  const sarif = JSON.parse(lint(dir, ['.', '--format', 'sarif']).stdout) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
  };
  const locations = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation);
  assert.ok(locations.length > 0);
  for (const l of locations) assert.deepEqual(l, { uri: '..dots.policy.xml', uriBaseId: '%SRCROOT%' });
  fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ ignore: ['..dots.policy.xml'] }));
  const r = lint(dir, ['.', '--format', 'json']);
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test('lint --format gitlab: fingerprints leave out the numbers of a message (a certificate file added elsewhere keeps them)', () => {
  const dir = makeTempDir('gitlab-stable-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), policy(`<identity thumbprint="${NEAR_MISS}" />`));
  fs.copyFileSync(CLIENT, path.join(dir, 'client.cer'));
  type Issue = { description: string; fingerprint: string };
  const before = JSON.parse(lint(dir, ['.', '--format', 'gitlab']).stdout) as Issue[];
  fs.copyFileSync(path.join(examplesDir, 'certs', 'root-ca.cer'), path.join(dir, 'another.cer'));
  const after = JSON.parse(lint(dir, ['.', '--format', 'gitlab']).stdout) as Issue[];
  assert.equal(before.length, 1);
  // The message counts the certificate files: it changed, the fingerprint did not.
  assert.notEqual(after[0]!.description, before[0]!.description);
  assert.equal(after[0]!.fingerprint, before[0]!.fingerprint);
});
