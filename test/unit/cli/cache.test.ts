import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, fixturesDir, makeTempDir, repoRoot } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** One lint run in `cwd`: its JSON report, and how many files `--cache` reused (from the APIM_MTLS_TIMING summary). */
function lint(cwd: string, args: string[]): { report: string; reused: number | undefined; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args, '--format', 'json'], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, APIM_MTLS_TIMING: '1' } });
  assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
  const m = /^cache: (\d+) of \d+ files reused$/m.exec(r.stderr);
  return { report: r.stdout, reused: m ? Number(m[1]) : undefined, stderr: r.stderr };
}

/** Lints with and without the cache: the reports must be the same. Returns how many files the cache reused. */
function cachedMatchesFresh(cwd: string, args: string[] = ['.']): number {
  const cached = lint(cwd, [...args, '--cache']);
  const fresh = lint(cwd, args);
  assert.equal(fresh.reused, undefined, 'no cache without --cache');
  assert.equal(cached.report, fresh.report);
  return cached.reused!;
}

/** Policy and Bicep-kind files in a JSON report without a notice: what a run with nothing changed reuses. */
function cacheable(report: string): number {
  const entries = JSON.parse(report) as { filePath: string; messages: { ruleId: string | null }[] }[];
  return entries.filter((e) => !/\.(cer|crt|pem|der)$/.test(e.filePath) && e.messages.every((m) => m.ruleId !== null)).length;
}

describe('apim-mtls lint --cache', () => {
  let dir: string;
  let all: number;
  let bicepFiles: number;
  const edit = (rel: string, f: (text: string) => string) => {
    const file = path.join(dir, rel);
    const before = fs.readFileSync(file, 'utf8');
    const after = f(before);
    assert.notEqual(after, before, `${rel} was edited`);
    fs.writeFileSync(file, after);
  };

  before(() => {
    dir = makeTempDir('cli-cache');
    fs.cpSync(examplesDir, dir, { recursive: true });
    const first = lint(dir, ['.', '--cache']);
    assert.equal(first.reused, 0, 'nothing to reuse on the first run');
    assert.ok(fs.existsSync(path.join(dir, '.apim-mtls-cache')), 'the cache is written in the working folder');
    all = cacheable(first.report);
    bicepFiles = (JSON.parse(first.report) as { filePath: string }[]).filter((e) => /\.(bicep|bicepparam)$/.test(e.filePath)).length;
    assert.ok(all > 30 && bicepFiles > 10, `${all} files, ${bicepFiles} Bicep`);
  });

  it('reuses every report when nothing changed, and the report is the same as without the cache', () => {
    assert.equal(cachedMatchesFresh(dir), all);
  });

  it('a policy edit re-lints that policy and the Bicep files whose rules read it, no others', () => {
    const utcNow = (t: string) => t.replace('<base />', '<base />\n    <set-header name="X-Now" exists-action="override"><value>@(DateTime.UtcNow.ToString())</value></set-header>');
    // No Bicep rule reads this policy (its service enables client certificates; it is deployed as rawxml).
    edit('good/policies/validate-using-policy.operation.xml', utcNow);
    assert.equal(cachedMatchesFresh(dir), all - 1);
    // mistakes/main.bicep reads every policy its service deploys (client-certificate-not-enabled): it is linted again.
    edit('mistakes/policies/thumbprint-case.operation.xml', utcNow);
    assert.equal(cachedMatchesFresh(dir), all - 2);
    assert.equal(cachedMatchesFresh(dir), all);
  });

  it('a SKU set in a .bicepparam file re-lints everything (the tier of any policy may have changed)', () => {
    edit('environments/prod.bicepparam', (t) => t.replace("'StandardV2'", "'Premium'"));
    assert.equal(cachedMatchesFresh(dir), 0);
    assert.equal(cachedMatchesFresh(dir), all);
  });

  it('a certificate file removed or added re-lints everything', () => {
    const cert = path.join(dir, 'certs', 'dev-unregistered-client.cer');
    const text = fs.readFileSync(cert, 'utf8');
    fs.rmSync(cert);
    assert.equal(cachedMatchesFresh(dir), 0);
    fs.writeFileSync(cert, text);
    assert.equal(cachedMatchesFresh(dir), 0);
  });

  it('a configuration file re-lints the files it applies to', () => {
    const good = (JSON.parse(lint(dir, ['.']).report) as { filePath: string }[]).filter((e) => e.filePath.startsWith(path.join(dir, 'good') + path.sep)).length;
    fs.writeFileSync(path.join(dir, 'good', '.apim-mtls.json'), JSON.stringify({ rules: { 'utcnow-certificate-validity': 'off' } }));
    assert.equal(cachedMatchesFresh(dir), all - good);
  });

  it('--sku is part of each file’s configuration', () => {
    assert.equal(cachedMatchesFresh(dir, ['.', '--sku', 'StandardV2']), 0);
    assert.equal(cachedMatchesFresh(dir, ['.', '--sku', 'StandardV2']), all);
  });

  it('a Bicep file outside the linted paths (imported) is read again and its change noticed', () => {
    const mistakes = ['mistakes', '--cache-location', path.join(dir, 'mistakes.cache')];
    lint(dir, mistakes);
    const fresh = () => lint(dir, mistakes.slice(0, 1)).report;
    assert.ok(lint(dir, mistakes).reused! > 0);
    edit('shared/settings.bicep', (t) => t.replace("'StandardV2'", "'Standard'"));
    const after = lint(dir, mistakes);
    assert.equal(after.reused, 0, 'shared/settings.bicep is not linted but its change is seen');
    assert.equal(after.report, fresh());
  });

  it('reports judged against the clock are kept only until the judgement changes', () => {
    lint(dir, ['.', '--cache']);
    const file = path.join(dir, '.apim-mtls-cache');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { files: Record<string, { until?: number }> };
    const timed = Object.values(data.files).filter((f) => f.until !== undefined);
    assert.ok(timed.length > 0, 'the examples pin certificates that are expired or expiring');
    for (const f of timed) f.until = Date.now() - 1;
    fs.writeFileSync(file, JSON.stringify(data));
    assert.equal(cachedMatchesFresh(dir), all - timed.length);
  });

  it('a corrupt cache file is reported on stderr, ignored and rewritten', () => {
    const file = path.join(dir, '.apim-mtls-cache');
    fs.writeFileSync(file, '{"format": 1, "files": [truncated');
    const r = lint(dir, ['.', '--cache']);
    assert.match(r.stderr, /ignoring .*\.apim-mtls-cache: not a cache of this version, or damaged \(it will be rewritten\)/);
    assert.equal(r.reused, 0);
    assert.equal(r.report, lint(dir, ['.']).report);
    assert.equal(cachedMatchesFresh(dir), all);
  });

  it('a cache file too large to be ours is not read', () => {
    const file = path.join(dir, 'huge.cache');
    // It starts as a cache does (one that is not, too large, is left as it is: hostile-fs.test.ts).
    fs.writeFileSync(file, '{"format": 2, "files": {');
    fs.truncateSync(file, 300 * 1024 * 1024); // sparse: nothing is written
    const r = lint(dir, ['.', '--cache-location', file]);
    assert.match(r.stderr, /ignoring .*huge\.cache: 300\.0 MB is too large for an apim-mtls cache \(the limit is 256 MB\)/);
    assert.equal(r.reused, 0);
    assert.ok(fs.statSync(file).size < 10 * 1024 * 1024, 'rewritten');
  });

  it('a cache written by another build is not used', () => {
    const file = path.join(dir, '.apim-mtls-cache');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { tool: string };
    data.tool = '0.0.1 another build';
    fs.writeFileSync(file, JSON.stringify(data));
    assert.equal(cachedMatchesFresh(dir), 0);
  });

  it('--cache-location takes a folder (existing, or named with a trailing /), and an unwritable location is a message, not a failure', () => {
    const folder = path.join(dir, 'cache-folder');
    fs.mkdirSync(folder);
    lint(dir, ['.', '--cache-location', folder]);
    assert.ok(fs.existsSync(path.join(folder, '.apim-mtls-cache')));
    // A folder that isn't there yet: named with a trailing separator (as ESLint takes it), made for the cache.
    lint(dir, ['.', '--cache-location', 'new-cache-folder/']);
    assert.ok(fs.statSync(path.join(dir, 'new-cache-folder', '.apim-mtls-cache')).isFile());
    lint(dir, ['.', '--cache-location', 'nested/cache.json']);
    assert.ok(fs.statSync(path.join(dir, 'nested', 'cache.json')).isFile(), 'a file in a folder not there yet');
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    const r = lint(dir, ['.', '--cache-location', path.join(dir, 'a-file', 'cache')]);
    assert.match(r.stderr, /cannot write the cache/);
    assert.equal(r.report, lint(dir, ['.']).report);
  });
});

describe('a bicepconfig.json alias for the Azure Verified Module, above the linted paths', () => {
  /** test/fixtures/avm-alias's configuration, its alias `avm` pointing at `modulePath`. */
  const config = (modulePath: string) => fs.readFileSync(path.join(fixturesDir, 'avm-alias', 'bicepconfig.json'), 'utf8').replace('bicep/avm', modulePath);
  const rules = (report: string) => (JSON.parse(report) as { messages: { ruleId: string | null }[] }[]).flatMap((e) => e.messages.map((m) => m.ruleId));

  it('tells the linter the module deploys a StandardV2 service, read again and its change noticed by --cache', () => {
    const dir = makeTempDir('cli-bicepconfig');
    fs.cpSync(path.join(fixturesDir, 'avm-alias'), dir, { recursive: true });
    // The configuration lies above the linted paths: it is read, not linted.
    const args = ['infra', 'policies'];
    const first = lint(dir, [...args, '--cache']);
    // On StandardV2, validate-trust fails every request, and identities without a thumbprint can't be trusted.
    assert.deepEqual(rules(first.report), ['validate-trust-unsupported-tier', 'identity-without-thumbprint']);
    assert.ok(!first.report.includes('bicepconfig.json'), 'the configuration is not reported');
    assert.equal(cachedMatchesFresh(dir, args), 2);
    // The alias now points at another module: the policy's tier is unknown, and the cache sees the change.
    fs.writeFileSync(path.join(dir, 'bicepconfig.json'), config('bicep/platform'));
    assert.equal(cachedMatchesFresh(dir, args), 0);
    assert.deepEqual(rules(lint(dir, args).report), [], 'the tier is unknown: nothing is certain');
    // A nearer configuration, created later, is looked for too.
    fs.writeFileSync(path.join(dir, 'infra', 'bicepconfig.json'), config('bicep/avm'));
    assert.equal(cachedMatchesFresh(dir, args), 0);
    assert.deepEqual(rules(lint(dir, args).report), ['validate-trust-unsupported-tier', 'identity-without-thumbprint']);
  });
});
