import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRules, ruleCatalog } from '../../../server/src/rules';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';
import { API_MODULE, apiModuleCaller, ENV_TEMPLATE, ROOT_CA_BASE64, ROOT_CA_PEM } from '../rules/bicep-service.fixtures';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

interface JsonEntry {
  filePath: string;
  messages: {
    ruleId: string | null;
    severity: 1 | 2;
    level: string;
    message: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    fix?: { range: [number, number]; text: string };
    suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
  }[];
  errorCount: number;
  warningCount: number;
}

function cli(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpWorkspace(files: Record<string, string | Buffer>): string {
  const dir = makeTempDir('cli');
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

const TRUST_DEFAULT_POLICY = `<policies>
  <inbound>
    <base />
    <validate-client-certificate>
      <identities>
        <identity thumbprint="{{client-certificate-thumbprint}}" />
      </identities>
    </validate-client-certificate>
  </inbound>
</policies>
`;

/** A service of `sku` that requests client certificates, with its global policy loaded from `policyFile`, and `inside` it. */
function serviceWithPolicy(sku: string, policyFile: string, inside = ''): string {
  return `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: '${sku}', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
  resource policy 'policies' = {
    name: 'policy'
    properties: { format: 'rawxml', value: loadTextContent('${policyFile}') }
  }
${inside}}
`;
}

describe('apim-mtls lint on the bundled examples', () => {
  let entries: JsonEntry[];
  let code: number | null;

  before(() => {
    const r = cli(['lint', 'examples', '--format', 'json']);
    code = r.code;
    entries = JSON.parse(r.stdout) as JsonEntry[];
  });

  it('exits 1 (the mistakes have errors) and lists every policy and Bicep file, clean ones included', () => {
    assert.equal(code, 1);
    const listed = new Set(entries.map((e) => path.relative(examplesDir, e.filePath)));
    const expected = fs
      .readdirSync(examplesDir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.bicep') || f.endsWith('.xml'));
    for (const f of expected) assert.ok(listed.has(f), `${f} is in the report`);
  });

  it('reports nothing on the correct setup (tier-guarded CA certificates, named-value validate-trust)', () => {
    const good = entries.filter((e) => e.filePath.includes(`${path.sep}good${path.sep}`));
    assert.ok(good.length >= 4);
    for (const e of good) assert.deepEqual(e.messages, [], e.filePath);
  });

  it('a file linted on its own with --context examples gets exactly the findings it gets in the whole run', async () => {
    // What pre-commit hooks and CI diffs do: lint only the changed files. Without the context, 8 of these files lose
    // findings (their tier, the certificates they pin, the policies deployed to a service); with it, none does.
    const withFindings = entries.filter((e) => e.messages.length > 0);
    assert.ok(withFindings.length > 20);
    const alone = (file: string, extra: string[]) =>
      new Promise<JsonEntry>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, 'lint', file, '--format', 'json', ...extra], { cwd: repoRoot });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('close', () => resolve((JSON.parse(out) as JsonEntry[])[0]!));
      });
    const messages = (e: JsonEntry) => e.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    const queue = [...withFindings];
    const lost: string[] = [];
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          const [withContext, without] = await Promise.all([alone(e.filePath, ['--context', 'examples']), alone(e.filePath, [])]);
          assert.deepEqual(messages(withContext), messages(e), e.filePath);
          if (messages(without).length < messages(e).length) lost.push(e.filePath);
        }
      }),
    );
    assert.ok(lost.length >= 5, `the test needs files that lose findings without the context (${lost.length})`);
  });

  it('shows every rule somewhere in the examples', () => {
    const seen = new Set(entries.flatMap((e) => e.messages.map((m) => m.ruleId)));
    for (const rule of allRules) assert.ok(seen.has(rule.id), `examples trigger ${rule.id}`);
  });

  it('each mistakes/policies/<rule-id>.*.xml example shows its own rule', () => {
    for (const e of entries) {
      const m = /mistakes[\\/]policies[\\/]([a-z-]+)\.[a-z]+\.xml$/.exec(e.filePath);
      // Rules reported in Bicep (policy-format-mismatch…) show in the Bicep that loads the example instead.
      if (!m || !allRules.some((r) => r.id === m[1] && r.target === 'policy')) continue;
      assert.ok(e.messages.some((x) => x.ruleId === m[1]), `${path.basename(e.filePath)} shows ${m[1]}: ${JSON.stringify(e.messages.map((x) => x.ruleId))}`);
    }
  });

  it('the layered example takes its tier from its .apim-mtls.json also when the whole examples folder is linted', () => {
    // Its service is named by a parameter: any service, and the other examples' services disagree on the tier.
    const layered = entries.find((e) => e.filePath.endsWith(path.join('layered', 'app', 'orders-api.xml')))!;
    const finding = layered.messages.find((m) => m.ruleId === 'validate-trust-unsupported-tier')!;
    assert.equal(finding.severity, 2);
    assert.match(finding.message, /StandardV2 \(from \.apim-mtls\.json\)/);
  });

  it('shows each rule exactly where examples/README.md says', () => {
    const table = fs.readFileSync(path.join(examplesDir, 'README.md'), 'utf8');
    const found = new Set(entries.flatMap((e) => e.messages.map((m) => `${m.ruleId} ${path.relative(examplesDir, e.filePath)}:${m.line}`)));
    let rows = 0;
    for (const [, id, level, places] of table.matchAll(/^\| `([a-z0-9-]+)` \| (\w+)[^|]* \| (.+) \|$/gm)) {
      rows++;
      // The column is the default level (a rule that is off by default says where it is turned on).
      assert.equal(level, ruleCatalog.find((r) => r.id === id)?.defaultLevel, `${id}: default level`);
      for (const [, place] of places!.matchAll(/`([^`]+)`/g)) assert.ok(found.has(`${id} ${place}`), `${id} at ${place}`);
    }
    assert.equal(rows, ruleCatalog.length);
  });

  it('uses ESLint-style fields with 1-based positions', () => {
    const withMessages = entries.find((e) => e.messages.length > 0)!;
    const m = withMessages.messages[0]!;
    assert.ok(m.line >= 1 && m.column >= 1 && m.endLine >= m.line);
    assert.equal(withMessages.errorCount, withMessages.messages.filter((x) => x.severity === 2).length);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(m.level));
  });

  it('prints text as file:line:col  level  message  rule-id with a summary line', () => {
    const r = cli(['lint', 'examples/mistakes/policies/validate-trust-unsupported-tier.operation.xml', 'examples/mistakes', 'examples/shared']);
    const line = r.stdout.split('\n').find((l) => l.includes('validate-trust-unsupported-tier.operation.xml:'))!;
    assert.match(line, /^examples\/mistakes\/policies\/validate-trust-unsupported-tier\.operation\.xml:\d+:\d+ {2}error {3}.+ {2}validate-trust-unsupported-tier$/);
    assert.match(
      r.stdout,
      /\n\d+ problems \(\d+ errors, \d+ warnings(, \d+ info)?\) in \d+ files of \d+ linted\.\nA rule's page: apim-mtls rules <rule-id>, or https:\/\/\S+\/docs\/rules\/<rule-id>\.md\n$/,
    );
  });

  it('text: a newline in a file name is written escaped, so no name can forge a report line (or a CI log command)', () => {
    const dir = tmpWorkspace({ 'a\n::error file=x,line=1::forged.policy.xml': '<policies><inbound><set-body>a & b</set-body></inbound></policies>' });
    const r = cli(['lint', '.'], dir);
    const lines = r.stdout.split('\n');
    assert.ok(lines.some((l) => l.startsWith('a\\n::error file=x,line=1::forged.policy.xml:1:')), r.stdout);
    assert.ok(!lines.some((l) => l.startsWith('::error')), r.stdout);
  });

  it('a policy that validates client certificates linted without the Bicep that deploys it: "No problems", and stderr says the tier checks were silent', () => {
    const dir = tmpWorkspace({ 'main.bicep': serviceWithPolicy('StandardV2', 'policy.xml'), 'policy.xml': TRUST_DEFAULT_POLICY, 'other.xml': TRUST_DEFAULT_POLICY, 'plain.xml': '<policies><inbound><base /></inbound></policies>\n' });
    const alone = cli(['lint', 'policy.xml'], dir);
    assert.equal(alone.code, 0);
    assert.match(alone.stdout, /^No problems in 1 file\./);
    assert.match(alone.stderr, /^apim-mtls: policy\.xml validates client certificates with no known tier: no Bicep this run read deploys it, so the checks that depend on the tier \(validate-trust, Verify\(\)\) were silent\. .*--context.*--sku/m);
    assert.match(cli(['lint', 'policy.xml', 'other.xml', 'plain.xml'], dir).stderr, /apim-mtls: 2 policies validate client certificates with no known tier/);
    // With the Bicep, or a tier given, nothing to say of it (and the error is found); the whole folder: of other.xml,
    // which no Bicep deploys.
    for (const args of [['lint', 'policy.xml', '--context', 'main.bicep'], ['lint', 'policy.xml', '--sku', 'StandardV2']]) {
      const r = cli(args, dir);
      assert.equal(r.stderr, '', args.join(' '));
      assert.equal(r.code, 1, args.join(' '));
    }
    const all = cli(['lint', '.'], dir);
    assert.equal(all.code, 1);
    assert.match(all.stderr, /^apim-mtls: other\.xml validates client certificates with no known tier: [^\n]*\n$/);
    // A policy with nothing that depends on the tier: nothing to say either.
    assert.equal(cli(['lint', 'plain.xml'], dir).stderr, '');
  });

  it('text: a folder with nothing to lint (templates only) says so, and how templates are linted', () => {
    const dir = tmpWorkspace({ 'api-policy.xml.tpl': '<policies><inbound><base /></inbound></policies>', 'README.md': '# x' });
    const r = cli(['lint', '.'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No files to lint: nothing under the paths is a policy, Bicep, Bicep parameters or certificate file (a template such as orders.xml.tpl is linted when named as a path).\n');
    assert.equal(cli(['lint', 'api-policy.xml.tpl'], dir).stdout, 'No problems in 1 file.\n');
  });

  it('text: files that could not be linted are counted apart from the linted ones; no page hint without a rule finding', () => {
    const dir = tmpWorkspace({
      '.apim-mtls.json': JSON.stringify({ ignore: ['*.sample.xml'] }),
      'a.policy.xml': '<policies><inbound><base /></inbound></policies>',
      'b.sample.xml': '<policies><inbound><base /></inbound></policies>',
      'c.policy.xml': Buffer.from([0x3c, 0x00, 0x01, 0x02]),
    });
    const r = cli(['lint', '.', 'b.sample.xml'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'b.sample.xml:1:1  warning  not linted: an "ignore" pattern of .apim-mtls.json matches it',
        'c.policy.xml:1:1  warning  binary content (NUL bytes); not linted',
        '',
        '2 problems (0 errors, 2 warnings) in 2 files of 3: 1 linted, 2 not linted.',
        '',
      ].join('\n'),
    );
  });

  it('--format github writes a workflow command per finding (an annotation on its file and line), then the summary', () => {
    const r = cli(['lint', 'examples', '--format', 'github']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split('\n');
    const commands = lines.filter((l) => l.startsWith('::'));
    const all = entries.flatMap((e) => e.messages.map((m) => ({ file: path.relative(repoRoot, e.filePath).split(path.sep).join('/'), m })));
    assert.equal(commands.length, all.length);
    for (const { file, m } of all) {
      const command = m.level === 'error' || m.level === 'warning' ? m.level : 'notice';
      const line = `::${command} file=${file},line=${m.line},col=${m.column},endLine=${m.endLine},endColumn=${m.endColumn},title=apim-mtls ${m.ruleId}::${m.message}`;
      assert.ok(commands.includes(line), line);
    }
    assert.match(lines[lines.length - 1]!, /^\d+ problems \(\d+ errors, \d+ warnings, \d+ info\) in \d+ files of \d+ linted\.$/);
  });

  it('-o and --output-file are one option: the report goes to the last one given, and only there', () => {
    const dir = makeTempDir('output-file-');
    const [a, b, c] = ['a.json', 'b.json', 'c.json'].map((n) => path.join(dir, n));
    const r = cli(['lint', 'examples', '--format', 'json', '-o', a!, '--output-file', b!, '-o', c!]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(fs.readdirSync(dir), ['c.json']);
    assert.ok((JSON.parse(fs.readFileSync(c!, 'utf8')) as unknown[]).length > 0);
  });

  it('-o naming a file the run read (a policy, a Bicep file; or a link to one) is refused: the report would replace it', () => {
    const dir = tmpWorkspace({ 'policies/api.policy.xml': TRUST_DEFAULT_POLICY, 'infra/main.bicep': serviceWithPolicy('StandardV2', '../policies/api.policy.xml') });
    fs.symlinkSync(path.join(dir, 'infra', 'main.bicep'), path.join(dir, 'link.out'));
    for (const target of [path.join('policies', 'api.policy.xml'), path.join('infra', 'main.bicep'), 'link.out']) {
      const before = fs.readFileSync(path.join(dir, target), 'utf8');
      const r = cli(['lint', '.', '-o', target], dir);
      assert.equal(r.code, 2, target);
      assert.match(r.stderr, /: is a (policy|bicep) file this run read; the report is not written over it\n$/);
      assert.equal(fs.readFileSync(path.join(dir, target), 'utf8'), before, `${target} kept`);
    }
    const ok = cli(['lint', '.', '-o', 'report.txt'], dir);
    assert.equal(ok.code, 1, ok.stderr);
    assert.match(fs.readFileSync(path.join(dir, 'report.txt'), 'utf8'), /validate-trust-unsupported-tier/);
  });

  it('writes SARIF 2.1.0 that Microsoft’s SARIF validator accepts, with rule metadata and help links', (t) => {
    // Into folders that aren't there yet, as ESLint's --output-file does (`-o reports/apim-mtls.sarif` in a fresh checkout).
    const out = path.join(makeTempDir('sarif'), 'reports', 'ci', 'out.sarif');
    const r = cli(['lint', 'examples', '--format', 'sarif', '-o', out]);
    assert.equal(r.code, 1);
    const sarif = JSON.parse(fs.readFileSync(out, 'utf8'));
    const run = sarif.runs[0];
    assert.equal(sarif.version, '2.1.0');
    assert.equal(run.tool.driver.rules.length, ruleCatalog.length);
    for (const result of run.results) {
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      assert.ok(['error', 'warning', 'note'].includes(result.level));
    }
    assert.ok(run.tool.driver.rules.every((rule: { helpUri: string }) => /docs\/rules\/[a-z0-9-]+\.md$/.test(rule.helpUri)));
    // A folder outside the working directory: absolute file URIs, without %SRCROOT% (SARIF1004 otherwise).
    const outside = path.join(tmpWorkspace({ 'orders.policy.xml': TRUST_DEFAULT_POLICY }), 'orders.policy.xml');
    const outsideSarif = `${out}.outside.sarif`;
    assert.equal(cli(['lint', outside, '--sku', 'StandardV2', '--format', 'sarif', '-o', outsideSarif]).code, 1);
    const located = JSON.parse(fs.readFileSync(outsideSarif, 'utf8')).runs[0].results[0].locations[0].physicalLocation.artifactLocation;
    assert.deepEqual(located, { uri: pathToFileURL(outside).href });

    const multitool = path.join(repoRoot, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');
    if (!fs.existsSync(multitool)) return t.skip('@microsoft/sarif-multitool-linux is not installed');
    fs.chmodSync(multitool, 0o755);
    const validate = (file: string) =>
      spawnSync(multitool, ['validate', file, '--output', `${file}.report`], {
        encoding: 'utf8',
        env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' },
        timeout: 60_000,
      }).stdout;
    for (const file of [out, outsideSarif]) {
      const report = validate(file);
      assert.match(report, /Analysis completed successfully/);
      assert.deepEqual(report.split('\n').filter((l) => /: (error|warning) /.test(l)), [], `no errors or warnings in ${path.basename(file)}`);
    }
    // The validator does find problems (a control, so the check above can fail).
    const broken = `${out}.broken.sarif`;
    fs.writeFileSync(broken, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [{ level: 'fatal' }] }] }));
    assert.match(validate(broken), /error JSON1002/);
  });
});

describe('apim-mtls lint on hostile and edge-case input', () => {
  it('reports unreadable, binary, UTF-16 and oversized files as lines, and still lints the rest', () => {
    const dir = tmpWorkspace({
      'ok.policy.xml': TRUST_DEFAULT_POLICY,
      'binary.policy.xml': Buffer.from([0x3c, 0x70, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]),
      'utf16.policy.xml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<policies><inbound><base /></inbound></policies>', 'utf16le')]),
      'huge.policy.xml': '<policies>' + ' '.repeat(5 * 1024 * 1024) + '</policies>',
      'broken.bicep': "resource x 'Microsoft.ApiManagement/service@2024-05-01' = {\n  sku: {\n",
      'garbage.cer': 'not a certificate',
    });
    fs.symlinkSync(path.join(dir, 'missing-target.xml'), path.join(dir, 'dangling.policy.xml'));
    const r = cli(['lint', '.', '--format', 'json', '--sku', 'StandardV2'], dir);
    assert.equal(r.code, 1, r.stderr);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    const byName = new Map(entries.map((e) => [path.basename(e.filePath), e]));
    assert.ok(byName.get('ok.policy.xml')!.messages.some((m) => m.ruleId === 'validate-trust-unsupported-tier'));
    assert.match(byName.get('binary.policy.xml')!.messages[0]!.message, /not linted/);
    assert.match(byName.get('huge.policy.xml')!.messages[0]!.message, /too large/);
    assert.match(byName.get('dangling.policy.xml')!.messages[0]!.message, /cannot read/);
    assert.deepEqual(byName.get('utf16.policy.xml')!.messages, [], 'UTF-16 with a BOM is read');
    assert.ok(byName.has('broken.bicep'), 'a broken Bicep file is linted, not fatal');
    for (const name of ['binary.policy.xml', 'huge.policy.xml', 'dangling.policy.xml']) {
      assert.equal(byName.get(name)!.messages[0]!.ruleId, null);
    }
  });

  it('a file over its time budget keeps a notice naming the skipped rules; the other files are linted in full', () => {
    // 8,000 expressions (≈ 1 MB) take far longer than 1 ms to parse: every rule is skipped there. `normal/` keeps the
    // default budget (3 s) and all its findings.
    const expression = '<set-header name="x" exists-action="override"><value>@(context.Request.Certificate.Thumbprint)</value></set-header>';
    const dir = tmpWorkspace({
      'slow/.apim-mtls.json': JSON.stringify({ fileTimeBudgetMs: 1, sku: 'StandardV2' }),
      'slow/big.policy.xml': `<policies><inbound>${expression.repeat(8000)}</inbound></policies>`,
      'normal/api.policy.xml': TRUST_DEFAULT_POLICY,
    });
    const r = cli(['lint', '.', '--format', 'json', '--sku', 'StandardV2'], dir);
    assert.equal(r.code, 1, r.stderr);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    const big = entries.find((e) => e.filePath.endsWith('big.policy.xml'))!;
    const notice = big.messages.find((m) => m.ruleId === null);
    assert.ok(notice, JSON.stringify(big.messages.slice(0, 3)));
    assert.match(notice.message, /time budget \(1 ms; \d+ ms so far\), so \d+ rules were not run on it: .*certificate-null-check/);
    assert.match(notice.message, /fileTimeBudgetMs/);
    assert.equal(big.messages.filter((m) => m.ruleId === 'certificate-null-check').length, 0, 'skipped rules report nothing');
    const normal = entries.find((e) => e.filePath.endsWith('api.policy.xml'))!;
    assert.ok(normal.messages.some((m) => m.ruleId === 'validate-trust-unsupported-tier'), JSON.stringify(normal.messages));
    assert.ok(normal.messages.every((m) => m.ruleId !== null), 'no budget notice on a normal file');
  });

  it('APIM_MTLS_TIMING=1 prints where the time went on stderr and leaves the report alone', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': TRUST_DEFAULT_POLICY });
    const plain = spawnSync(process.execPath, [CLI, 'lint', '.', '--format', 'json', '--sku', 'StandardV2'], { cwd: dir, encoding: 'utf8' });
    const timed = spawnSync(process.execPath, [CLI, 'lint', '.', '--format', 'json', '--sku', 'StandardV2'], { cwd: dir, encoding: 'utf8', env: { ...process.env, APIM_MTLS_TIMING: '1' } });
    assert.equal(timed.stdout, plain.stdout);
    assert.equal(plain.stderr, '');
    for (const row of ['phase:start-up', 'phase:discover+read', 'phase:lint', 'phase:output', 'parse:policy', 'validate-trust-unsupported-tier']) {
      assert.match(timed.stderr, new RegExp(`^${row.replace(/[+:]/g, '\\$&')}\\s+\\d+\\.\\d ms$`, 'm'), timed.stderr);
    }
  });

  it('rejects a fileTimeBudgetMs that is not a positive number, with a clear message', () => {
    const dir = tmpWorkspace({ '.apim-mtls.json': JSON.stringify({ fileTimeBudgetMs: -5 }), 'api.policy.xml': TRUST_DEFAULT_POLICY });
    const entries = JSON.parse(cli(['lint', '.', '--format', 'json'], dir).stdout) as JsonEntry[];
    const messages = entries.flatMap((e) => e.messages.map((m) => m.message));
    assert.ok(messages.some((m) => /"fileTimeBudgetMs" must be a number of milliseconds > 0/.test(m)), messages.join('\n'));
  });

  it('--sku sets the tier of policies that no Bicep deploys; without it the tier rules stay silent', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': TRUST_DEFAULT_POLICY });
    const unknown = cli(['lint', dir, '--format', 'json']);
    assert.equal(unknown.code, 0);
    assert.deepEqual((JSON.parse(unknown.stdout) as JsonEntry[])[0]!.messages, []);
    const v2 = cli(['lint', dir, '--format', 'json', '--sku', 'standardv2']);
    assert.equal(v2.code, 1);
    const messages = (JSON.parse(v2.stdout) as JsonEntry[])[0]!.messages;
    assert.deepEqual(
      messages.map((m) => [m.ruleId, m.level, m.line]),
      [['validate-trust-unsupported-tier', 'error', 4]],
    );
    const mixed = cli(['lint', dir, '--format', 'json', '--sku', 'Premium,StandardV2']);
    assert.equal((JSON.parse(mixed.stdout) as JsonEntry[])[0]!.messages[0]!.level, 'warning', 'some SKUs wrong: a warning');
  });

  it('takes the tier from JSON parameters files next to the template (azd and az deployment layouts)', () => {
    const template = `param skuName string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-orders'
  location: 'westeurope'
  sku: {
    name: skuName
    capacity: 1
  }
  properties: {
    publisherName: 'Contoso'
    publisherEmail: 'api@contoso.example'
    enableClientCertificate: true
  }
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('../policies/api.policy.xml')
  }
}
`;
    const parameters = (sku: string) => JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { skuName: { value: sku } } }, null, 2);
    const dir = tmpWorkspace({ 'infra/main.bicep': template, 'policies/api.policy.xml': TRUST_DEFAULT_POLICY });
    const ruleIds = () => (JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => `${path.basename(e.filePath)} ${m.ruleId} ${m.level}`));
    assert.deepEqual(ruleIds(), [], 'without parameters the tier is unknown: silent');
    fs.writeFileSync(path.join(dir, 'infra', 'main.parameters.prod.json'), parameters('StandardV2'));
    assert.deepEqual(ruleIds(), ['api.policy.xml validate-trust-unsupported-tier error']);
    fs.writeFileSync(path.join(dir, 'infra', 'main.parameters.dev.json'), parameters('Developer'));
    assert.deepEqual(ruleIds(), ['api.policy.xml validate-trust-unsupported-tier warning'], 'prod v2, dev classic: a warning');
    const text = cli(['lint', dir], dir).stdout;
    assert.match(text, /StandardV2/);
  });

  it('reads .apim-mtls.json: rule levels and the SKU', () => {
    const dir = tmpWorkspace({
      'api.policy.xml': TRUST_DEFAULT_POLICY,
      '.apim-mtls.json': JSON.stringify({ sku: 'BasicV2', rules: { 'validate-trust-unsupported-tier': 'warning' } }),
    });
    const r = cli(['lint', dir, '--format', 'json']);
    assert.equal(r.code, 0, 'a warning only');
    assert.deepEqual((JSON.parse(r.stdout) as JsonEntry[])[0]!.messages.map((m) => [m.ruleId, m.level]), [['validate-trust-unsupported-tier', 'warning']]);
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ sku: 'BasicV2', rules: { 'validate-trust-unsupported-tier': 'off' } }));
    assert.match(cli(['lint', dir]).stdout, /^No problems in 1 file\.$/m);
  });

  it('reports a mistake in .apim-mtls.json once, on that file, at the setting it names; a mistyped rule id is one', () => {
    const config = '{\n  "sku": "BasicV2",\n  "rules": {\n    "validate-trust-unsuported-tier": "off"\n  },\n  "certificateExpiryWarningDay": 10\n}\n';
    const dir = tmpWorkspace({ 'a.policy.xml': TRUST_DEFAULT_POLICY, 'b.policy.xml': TRUST_DEFAULT_POLICY, '.apim-mtls.json': config });
    const r = cli(['lint', dir, '--format', 'json']);
    assert.equal(r.code, 1, 'the mistyped "off" turned nothing off');
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    assert.deepEqual(
      entries.map((e) => [path.basename(e.filePath), e.messages.map((m) => `${m.line}:${m.column} ${m.ruleId ?? m.message}`)]),
      [
        ['.apim-mtls.json', [
          '4:5 no rule "validate-trust-unsuported-tier" (did you mean validate-trust-unsupported-tier?); `apim-mtls rules` lists them',
          '6:3 unknown setting "certificateExpiryWarningDay" (did you mean "certificateExpiryWarningDays"?)',
        ]],
        ['a.policy.xml', ['4:6 validate-trust-unsupported-tier']],
        ['b.policy.xml', ['4:6 validate-trust-unsupported-tier']],
      ],
    );
    const text = cli(['lint', dir]).stdout;
    assert.equal(text.match(/no rule "validate-trust-unsuported-tier"/g)?.length, 1, text);
    // Broken JSON: placed where it breaks; the defaults apply to the rest of the workspace.
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), '{\n  "sku": "BasicV2",\n}\n');
    const broken = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[];
    assert.deepEqual(broken.map((e) => [path.basename(e.filePath), e.messages.map((m) => `${m.line}:${m.column}`)]), [['.apim-mtls.json', ['3:1']], ['a.policy.xml', []], ['b.policy.xml', []]]);
    assert.match(broken[0]!.messages[0]!.message, /^not valid JSON .*; the defaults apply$/);
    // One that can't be read (here a folder of that name) is said too, rather than skipped for the parent's.
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ sku: 'BasicV2' }));
    fs.mkdirSync(path.join(dir, 'sub', '.apim-mtls.json'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'sub', 'c.policy.xml'), TRUST_DEFAULT_POLICY);
    const unreadable = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[];
    assert.deepEqual(
      unreadable.map((e) => [path.relative(dir, e.filePath), e.messages.map((m) => m.ruleId ?? m.message)]),
      [
        ['a.policy.xml', ['validate-trust-unsupported-tier']],
        ['b.policy.xml', ['validate-trust-unsupported-tier']],
        [path.join('sub', '.apim-mtls.json'), ['cannot read: is a directory; the defaults apply']],
        [path.join('sub', 'c.policy.xml'), []],
      ],
    );
  });

  it('suppresses a finding with <!-- apim-mtls-disable-next-line id -->', () => {
    const dir = tmpWorkspace({
      'api.policy.xml': TRUST_DEFAULT_POLICY.replace('    <validate-client-certificate>', '    <!-- apim-mtls-disable-next-line validate-trust-unsupported-tier -->\n    <validate-client-certificate>'),
    });
    assert.equal(cli(['lint', dir, '--sku', 'StandardV2']).code, 0);
  });

  it('suppresses a rule from <!-- apim-mtls-disable id --> on, until <!-- apim-mtls-enable id -->', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': `<!-- apim-mtls-disable validate-trust-unsupported-tier -->\n${TRUST_DEFAULT_POLICY}` });
    assert.equal(cli(['lint', dir, '--sku', 'StandardV2']).code, 0);
    fs.writeFileSync(path.join(dir, 'api.policy.xml'), `<!-- apim-mtls-disable validate-trust-unsupported-tier -->\n${TRUST_DEFAULT_POLICY.replace('<base />', '<base /><!-- apim-mtls-enable validate-trust-unsupported-tier -->')}`);
    assert.equal(cli(['lint', dir, '--sku', 'StandardV2']).code, 1, 'enabled again before the policy');
  });

  it('--report-unused-suppressions reports the comments that suppress nothing, also in a policy written in Bicep; off without it', () => {
    const suppressTrust = '    <!-- apim-mtls-disable-next-line validate-trust-unsupported-tier -->\n    <validate-client-certificate>';
    const inline = TRUST_DEFAULT_POLICY.replace('    <validate-client-certificate>', suppressTrust).replace(/'/g, "\\'").replace(/\n/g, '\\n');
    const service = (sku: string) =>
      serviceWithPolicy(
        sku,
        'api.policy.xml',
        `  resource inline 'apis' = {
    name: 'inline'
    properties: { displayName: 'inline', path: 'inline', protocols: [ 'https' ] }
    resource p 'policies' = {
      name: 'policy'
      properties: { format: 'rawxml', value: '${inline}' }
    }
  }
`,
      );
    const dir = tmpWorkspace({ 'main.bicep': service('Premium'), 'api.policy.xml': TRUST_DEFAULT_POLICY.replace('    <validate-client-certificate>', suppressTrust) });
    const unused = (args: string[]) =>
      (JSON.parse(cli(['lint', dir, '--format', 'json', ...args]).stdout) as JsonEntry[]).flatMap((e) =>
        e.messages.filter((m) => m.ruleId === 'unused-suppression').map((m) => `${path.relative(dir, e.filePath)}:${m.line}`),
      );
    // On Premium, validate-trust is supported: both comments (the file's, and the one in the Bicep string) are unused.
    assert.deepEqual(unused(['--report-unused-suppressions']), ['api.policy.xml:4', 'main.bicep:15']);
    assert.deepEqual(unused([]), [], 'off unless asked for');
    // On StandardV2 both suppress the finding they were written for.
    fs.writeFileSync(path.join(dir, 'main.bicep'), service('StandardV2'));
    assert.deepEqual(unused(['--report-unused-suppressions']), []);
    // The level in .apim-mtls.json turns it on as well.
    fs.writeFileSync(path.join(dir, 'main.bicep'), service('Premium'));
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ rules: { 'unused-suppression': 'error' } }));
    const run = cli(['lint', dir]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /api\.policy\.xml:4:\d+ +error +Unused suppression: no 'validate-trust-unsupported-tier' problem is reported on the next line\. +unused-suppression/);
  });

  it('--report-unused-suppressions says when a policy is not judged (no tier: a file linted alone), and how to fix it', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': TRUST_DEFAULT_POLICY });
    const alone = cli(['lint', 'api.policy.xml', '--report-unused-suppressions'], dir);
    assert.match(alone.stderr, /^apim-mtls: --report-unused-suppressions: not judged in 1 policy that no Bicep read deploys .*--sku\n/);
    assert.equal(cli(['lint', 'api.policy.xml', '--report-unused-suppressions', '--sku', 'Premium'], dir).stderr, '');
    assert.doesNotMatch(cli(['lint', 'api.policy.xml'], dir).stderr, /report-unused-suppressions/, 'not asked: nothing said of it');
  });

  it('lints a policy written as .cshtml (for C# highlighting) that the Bicep deploys; a Razor view is not a policy', () => {
    const bicep = serviceWithPolicy('StandardV2', 'validate.operation.cshtml');
    const dir = tmpWorkspace({ 'main.bicep': bicep, 'validate.operation.cshtml': TRUST_DEFAULT_POLICY, 'Views/Index.cshtml': '@model Foo\n<policies>not this</policies>\n' });
    const entries = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => [path.relative(dir, e.filePath), e.messages.map((m) => m.ruleId)]), [
      ['main.bicep', []],
      ['validate.operation.cshtml', ['validate-trust-unsupported-tier']],
    ]);
  });

  it('a file named on the command line is a policy by its content whatever its name; one of no kind is said, not dropped', () => {
    const dir = tmpWorkspace({ 'orders.xml.tpl': TRUST_DEFAULT_POLICY, 'pom.xml': '<project><modelVersion>4.0.0</modelVersion></project>\n', 'notes.txt': 'hello\n' });
    const named = (...files: string[]) => cli(['lint', ...files.map((f) => path.join(dir, f)), '--sku', 'StandardV2', '--format', 'json']);
    const r = named('orders.xml.tpl', 'pom.xml', 'notes.txt');
    assert.equal(r.code, 1);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => [path.relative(dir, e.filePath), e.messages.map((m) => m.ruleId ?? m.message.split(':')[0])]), [
      ['notes.txt', ['not linted']],
      ['orders.xml.tpl', ['validate-trust-unsupported-tier']],
      ['pom.xml', ['not linted']],
    ]);
    assert.ok(entries.filter((e) => e.messages[0]?.ruleId === null).every((e) => e.warningCount === 1 && e.messages[0]!.message.includes('<policies>')));
    // Found in a folder, files are read by their names: the template and the others are not linted there, and not listed.
    const folder = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[];
    assert.deepEqual(folder, []);
  });

  it("a certificate file named as a path gets its own findings; found in a folder, it gives the policies and Bicep theirs", () => {
    const named = cli(['lint', 'examples/certs/dev-expired-client.cer', 'examples/certs/root-ca.cer', '--format', 'json']);
    assert.equal(named.code, 1);
    const entries = JSON.parse(named.stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => [path.basename(e.filePath), e.messages.map((m) => m.ruleId)]), [
      ['dev-expired-client.cer', ['certificate-expired']],
      ['root-ca.cer', []],
    ]);
    const folder = cli(['lint', 'examples/certs', '--format', 'json']);
    assert.equal(folder.code, 0);
    assert.deepEqual(JSON.parse(folder.stdout), []);
  });

  it('a certificate file named as a path that is not one says so (it was "No problems")', () => {
    const dir = tmpWorkspace({
      'hello.cer': 'hello',
      'with-key.pem': `${fs.readFileSync(path.join(repoRoot, 'examples/certs/root-ca.cer'), 'utf8')}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`,
    });
    const r = cli(['lint', 'hello.cer', 'with-key.pem', '--format', 'json'], dir);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => [path.basename(e.filePath), e.messages.map((m) => [m.ruleId, m.level, m.message])]), [
      ['hello.cer', [[null, 'warning', 'certificate file: not a certificate: neither PEM, base64 nor DER']]],
      [
        'with-key.pem',
        [
          [null, 'warning', 'certificate file: the file also holds PRIVATE KEY block(s)'],
          [null, 'warning', 'certificate file: the file holds a private key: keep it out of source control'],
        ],
      ],
    ]);
    // Found in a folder, it stays the editor's and the policies' business, as before.
    assert.deepEqual(JSON.parse(cli(['lint', '.', '--format', 'json'], dir).stdout), []);
  });

  it('linting one folder reads the local modules its Bicep deploys from outside it (the tier of a policy they deploy)', () => {
    const module = `param sku string
param policyXml string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: sku, capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
  resource policy 'policies' = {
    name: 'policy'
    properties: { format: 'rawxml', value: policyXml }
  }
}
`;
    const main = "module api '../modules/api.bicep' = {\n  name: 'api'\n  params: { sku: 'StandardV2', policyXml: loadTextContent('policy.xml') }\n}\n";
    const dir = tmpWorkspace({ 'modules/api.bicep': module, 'app/main.bicep': main, 'app/policy.xml': TRUST_DEFAULT_POLICY });
    const entries = JSON.parse(cli(['lint', path.join(dir, 'app'), '--format', 'json']).stdout) as JsonEntry[];
    const policy = entries.find((e) => e.filePath.endsWith('policy.xml'))!;
    assert.deepEqual(policy.messages.map((m) => [m.ruleId, m.severity]), [['validate-trust-unsupported-tier', 2]]);
    assert.ok(!entries.some((e) => e.filePath.includes('modules')), 'the module is read, not linted');
  });

  it('--max-warnings turns too many warnings into exit 1', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': TRUST_DEFAULT_POLICY });
    assert.equal(cli(['lint', dir, '--sku', 'Premium,StandardV2']).code, 0);
    const r = cli(['lint', dir, '--sku', 'Premium,StandardV2', '--max-warnings', '0']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^apim-mtls: 1 warning exceeds --max-warnings 0\n$/);
  });

  it('exits 2 with a clear message on usage errors', () => {
    for (const [args, message] of [
      [['lint', '--format', 'xml'], /--format must be one of text, json, sarif, github, azure-devops, gitlab, not "xml"/],
      [['lint', '--sku', 'Gold'], /"Gold" is not an APIM SKU/],
      [['lint', '--frobnicate'], /unknown option --frobnicate/],
      [['lint', '--max-warnings', 'many'], /whole number/],
      [['deploy'], /unknown command "deploy"/],
    ] as const) {
      const r = cli([...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });

  /** A policy validating the chain in policies/, and in infra/ the Bicep that deploys it on a service of tier `sku`. */
  const contextWorkspace = (sku: string): Record<string, string> => ({
    'policies/api.policy.xml': TRUST_DEFAULT_POLICY.replace('<validate-client-certificate>', '<validate-client-certificate validate-trust="true">'),
    'infra/main.bicep': `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-ctx'
  sku: {
    name: '${sku}'
    capacity: 1
  }
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    value: loadTextContent('../policies/api.policy.xml')
  }
}
`,
  });

  it('--context: a changed context Bicep file is seen through --cache; a missing context path is a usage error', () => {
    const dir = tmpWorkspace(contextWorkspace('Premium'));
    const lint = (...extra: string[]) => cli(['lint', 'policies', '--format', 'json', '--context', '.', ...extra], dir);
    const rules = (r: { stdout: string }) => (JSON.parse(r.stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => m.ruleId));
    // A mistyped context path would turn the tier rules off and pass: the run stops, exit 2.
    const missing = lint('--context', 'no-such-folder');
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^apim-mtls lint: no such file or directory: --context no-such-folder\nRun "apim-mtls lint --help" for the options\.\n$/);
    const premium = lint('--cache');
    assert.deepEqual(rules(premium), [], 'Premium validates chains');
    const bicep = path.join(dir, 'infra', 'main.bicep');
    fs.writeFileSync(bicep, fs.readFileSync(bicep, 'utf8').replace("'Premium'", "'StandardV2'"));
    assert.deepEqual(rules(lint('--cache')), ['validate-trust-unsupported-tier'], 'the cached report was not reused');
    assert.deepEqual(rules(cli(['lint', 'policies', '--format', 'json'], dir)), [], 'without the context the tier is unknown');
  });

  it('--context / or the home folder is refused with a message (it would be read in full on every run); the rest still works', () => {
    const dir = tmpWorkspace(contextWorkspace('StandardV2'));
    const r = cli(['lint', 'policies', '--format', 'json', '--context', path.parse(dir).root, '--context', os.homedir(), '--context', 'infra'], dir);
    assert.match(r.stderr, /apim-mtls: --context \/: is the root of the file system, which would be read in full on every run/);
    assert.match(r.stderr, /apim-mtls: --context .*: is the home folder, which would be read in full on every run/);
    // The other context path still gives the policy its tier.
    assert.deepEqual((JSON.parse(r.stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => m.ruleId)), ['validate-trust-unsupported-tier']);
  });

  it('"context" in .apim-mtls.json: a policy linted on its own (a pre-commit hook) gets its tier without --context', () => {
    const dir = tmpWorkspace({ ...contextWorkspace('BasicV2'), '.apim-mtls.json': JSON.stringify({ context: ['infra', 'gone'] }) });
    const rules = (r: { stdout: string }) => (JSON.parse(r.stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => m.ruleId));
    const alone = cli(['lint', path.join('policies', 'api.policy.xml'), '--format', 'json'], dir);
    assert.deepEqual(rules(alone), ['validate-trust-unsupported-tier'], alone.stderr);
    assert.equal((JSON.parse(alone.stdout) as JsonEntry[]).length, 1, 'the context Bicep is not linted');
    assert.match(alone.stderr, /apim-mtls: "context" in \.apim-mtls\.json: .*gone: no such file or directory/);
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ context: 7 }));
    const bad = cli(['lint', path.join('policies', 'api.policy.xml'), '--format', 'json'], dir);
    assert.deepEqual(rules(bad), [null], 'without a context the tier is unknown; the notice says why');
    assert.match((JSON.parse(bad.stdout) as JsonEntry[])[0]!.messages[0]!.message, /"context" must be a path or a list of paths/);
  });

  it('20,000 missing "context" paths are 20 lines and a count, not 20,000 lines; the tier still comes from the one there', () => {
    const context = ['infra', ...Array.from({ length: 20_000 }, (_, i) => `gone-${i}`)];
    const dir = tmpWorkspace({ ...contextWorkspace('BasicV2'), '.apim-mtls.json': JSON.stringify({ context }) });
    const r = cli(['lint', path.join('policies', 'api.policy.xml'), '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(r.stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => m.ruleId)), ['validate-trust-unsupported-tier'], r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.filter((l) => /"context" in \.apim-mtls\.json: .*gone-\d+: no such file or directory$/.test(l)).length, 20);
    assert.ok(lines.includes('apim-mtls: "context" in .apim-mtls.json: 19980 more problems, not listed'), r.stderr.slice(-300));
    assert.ok(lines.length < 30, `${lines.length} lines`);
  });

  it('"ignore" in .apim-mtls.json: ignored folders and files are not read; one named as a path is a "not linted" line', () => {
    const dir = tmpWorkspace({
      '.apim-mtls.json': JSON.stringify({ ignore: ['generated/', '*.sample.xml'] }),
      'policies/orders.policy.xml': TRUST_DEFAULT_POLICY,
      'generated/apis/orders/policy.xml': TRUST_DEFAULT_POLICY,
      'policies/orders.sample.xml': TRUST_DEFAULT_POLICY,
    });
    const files = (args: string[]) => (JSON.parse(cli(['lint', ...args, '--sku', 'StandardV2', '--format', 'json'], dir).stdout) as JsonEntry[]).map((e) => path.relative(dir, e.filePath)).sort();
    assert.deepEqual(files(['.']), ['policies/orders.policy.xml']);
    const named = cli(['lint', 'generated/apis/orders/policy.xml', '--sku', 'StandardV2', '--format', 'json'], dir);
    const entries = JSON.parse(named.stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => e.messages.map((m) => m.message)), [['not linted: an "ignore" pattern of .apim-mtls.json matches it']]);
    // A named folder that a pattern matches: one line for the folder, nothing under it read.
    const folder = JSON.parse(cli(['lint', 'generated', '--format', 'json'], dir).stdout) as JsonEntry[];
    assert.deepEqual(folder.map((e) => [path.relative(dir, e.filePath), e.messages.map((m) => m.message)]), [['generated', ['not linted: an "ignore" pattern of .apim-mtls.json matches it']]]);
    // Without the setting, all three are linted.
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), '{}');
    assert.deepEqual(files(['.']), ['generated/apis/orders/policy.xml', 'policies/orders.policy.xml', 'policies/orders.sample.xml']);
  });

  it('a path that does not exist is a usage error (exit 2), not an empty lint that passes', () => {
    const r = cli(['lint', 'no/such/folder', 'examples', '--format', 'json']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'apim-mtls lint: no such file or directory: no/such/folder\nRun "apim-mtls lint --help" for the options.\n');
    // Each missing path once, and the first ten (20,000 repeats made a line of 300 KB).
    const many = cli(['lint', ...Array(5000).fill('gone'), ...'abcdefghijkl'.split('').map((c) => `no-${c}`), '--context', 'gone']);
    assert.equal(many.code, 2);
    assert.equal(many.stderr.split('\n')[0], 'apim-mtls lint: no such file or directory: gone, no-a, no-b, no-c, no-d, no-e, no-f, no-g, no-h, no-i and 3 more');
  });

  it('--skip-missing: paths that are not there are skipped with a line on stderr, and the rest is linted (git diff --name-only with a deleted file)', () => {
    const r = cli(['lint', '--skip-missing', 'no/such/policy.xml', 'examples/mistakes/policies/thumbprint-case.operation.xml', '--context', 'no/such/infra', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    assert.deepEqual(entries.map((e) => [path.relative(repoRoot, e.filePath), e.messages.map((m) => m.ruleId)]), [['examples/mistakes/policies/thumbprint-case.operation.xml', ['thumbprint-case']]]);
    assert.equal(r.stderr, 'apim-mtls: no/such/policy.xml: no such file or directory; skipped (--skip-missing)\napim-mtls: no/such/infra: no such file or directory; skipped (--skip-missing)\n');
    // Every path gone: nothing to lint, which passes.
    const none = cli(['lint', '--skip-missing', 'no/such/policy.xml', '--format', 'json']);
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  it('a mistyped option, command or SKU gets the one meant', () => {
    assert.match(cli(['lint', '--fromat', 'json']).stderr, /unknown option --fromat \(did you mean --format\?\)/);
    assert.match(cli(['lnit']).stderr, /unknown command "lnit" \(did you mean lint\?\)/);
    assert.match(cli(['lint', '--sku', 'StandrdV2']).stderr, /"StandrdV2" is not an APIM SKU \(did you mean StandardV2\?\)/);
    const far = cli(['lint', '--sku', 'Foo']);
    assert.equal(far.code, 2);
    assert.match(far.stderr, /"Foo" is not an APIM SKU \(the SKUs are Consumption, Developer, Basic, Standard, Premium, Isolated, BasicV2, StandardV2, PremiumV2\)/);
  });

  it('lsp without a transport says how to start it, instead of a stack trace', () => {
    const bare = cli(['lsp']);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^apim-mtls lsp: say how the editor talks to the server\n\nUsage: apim-mtls lsp --stdio\n/);
    assert.doesNotMatch(bare.stderr, /internal error|at /);
    const help = cli(['lsp', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: apim-mtls lsp --stdio/);
  });
});

describe('apim-mtls lint --fix', () => {
  /** A Premium service with a PEM literal, deploying a policy by its path (not its content). */
  const bicep = (certificate: string, value: string, format = ''): string => `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-fix'
  location: 'westeurope'
  sku: {
    name: 'Premium'
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@example.com'
    publisherName: 'Contoso'
    certificates: [
      {
        encodedCertificate: '${certificate}'
        storeName: 'Root'
      }
    ]
  }
}

resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
${format}    value: ${value}
  }
}
`;
  /** rawxml (raw quotes in an attribute), a lower-case literal, no null check, a thumbprint with colons, validate-trust unset. */
  const policy = (literal: string, access: string, thumbprint: string): string => `<policies>
  <inbound>
    <choose>
      <when condition="@(context.Request.Certificate${access}Thumbprint != "${literal}")">
        <return-response><set-status code="403" /></return-response>
      </when>
    </choose>
    <validate-client-certificate validate-revocation="false" validate-trust="true">
      <identities>
        <identity thumbprint="${thumbprint}" />
      </identities>
    </validate-client-certificate>
  </inbound>
</policies>
`;
  const LOWER = '0123456789abcdef0123456789abcdef01234567';
  const UPPER = LOWER.toUpperCase();
  const COLONS = UPPER.replace(/(..)(?!$)/g, '$1:');

  it('writes the safe fixes, again until none is left (a fix can reveal another), and reports what remains', () => {
    const dir = tmpWorkspace({
      'main.bicep': bicep(ROOT_CA_PEM.replace(/\n/g, '\\n'), "'./global.policy.xml'"),
      'global.policy.xml': policy(LOWER, '.', COLONS),
      'other.policy.xml': '<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n',
    });
    const before = fs.statSync(path.join(dir, 'other.policy.xml')).mtimeMs;
    const plain = JSON.parse(cli(['lint', dir, '--format', 'json']).stdout) as JsonEntry[];
    const rules = (entries: JsonEntry[]) => entries.flatMap((e) => e.messages.map((m) => m.ruleId)).sort();
    assert.deepEqual(rules(plain), ['certificate-null-check', 'pem-markers-in-certificate', 'policy-value-not-loaded', 'thumbprint-case', 'thumbprint-format']);

    const r = cli(['lint', dir, '--format', 'json', '--fix']);
    // The first pass loads the policy; only then is it seen to be rawxml, deployed as xml: the second pass sets the format.
    assert.match(r.stderr, /^apim-mtls: --fix applied 6 fixes in 2 files$/m);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(cli(['lint', dir, '--format', 'json']).stdout), 'the report is the files as they are now');
    assert.deepEqual(rules(JSON.parse(r.stdout) as JsonEntry[]), [], 'nothing left on Premium');
    assert.equal(r.code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8'), bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')", "    format: 'rawxml'\n"));
    assert.equal(fs.readFileSync(path.join(dir, 'global.policy.xml'), 'utf8'), policy(UPPER, '?.', UPPER));
    assert.equal(fs.statSync(path.join(dir, 'other.policy.xml')).mtimeMs, before, 'a file without fixes is not written');
  });

  it("a path deployed with format: 'xml-link' (a URL): the fix loads the file and drops -link, so nothing broken is left", () => {
    const dir = tmpWorkspace({
      'main.bicep': bicep(ROOT_CA_BASE64, "'./global.policy.xml'", "    format: 'xml-link'\n"),
      'global.policy.xml': policy(UPPER, '?.', UPPER),
    });
    const r = cli(['lint', dir, '--fix']);
    assert.match(r.stderr, /--fix applied 1 fix in 1 file/);
    // The policy keeps raw quotes: rawxml, in one fix.
    assert.equal(fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8'), bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')", "    format: 'rawxml'\n"));
    assert.equal(r.code, 0, r.stdout);
    // What an earlier --fix left (the file loaded, the format still -link) is reported and fixed too.
    fs.writeFileSync(path.join(dir, 'main.bicep'), bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')", "    format: 'xml-link'\n"));
    assert.match(cli(['lint', dir]).stdout, /format is 'xml-link', so APIM fetches value as a URL.*policy-format-mismatch/);
    assert.equal(cli(['lint', dir, '--fix']).code, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8'), bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')", "    format: 'rawxml'\n"));
  });

  it('keeps a CRLF file CRLF: the lines a fix adds end in \\r\\n too', () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const dir = tmpWorkspace({
      'main.bicep': crlf(bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')")),
      'global.policy.xml': crlf(policy(UPPER, '?.', UPPER)),
    });
    const r = cli(['lint', dir, '--fix']);
    assert.match(r.stderr, /--fix applied 1 fix in 1 file/);
    const fixed = fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8');
    assert.equal(fixed, crlf(bicep(ROOT_CA_BASE64, "loadTextContent('./global.policy.xml')", "    format: 'rawxml'\n")));
    assert.ok(!/[^\r]\n/.test(fixed), 'no bare LF');
  });

  it('--format json carries the same automatic fixes in ESLint’s shape (fix: { range, text }), the others as suggestions', () => {
    const text = policy(LOWER, '.', COLONS);
    const dir = tmpWorkspace({ 'api.policy.xml': text });
    const [entry] = JSON.parse(cli(['lint', dir, '--format', 'json', '--sku', 'Premium']).stdout) as JsonEntry[];
    const fixes = entry!.messages.flatMap((m) => (m.fix ? [m.fix] : [])).sort((a, b) => b.range[0] - a.range[0]);
    assert.equal(fixes.length, 3, 'thumbprint-format, thumbprint-case and certificate-null-check');
    let applied = text;
    for (const f of fixes) applied = applied.slice(0, f.range[0]) + f.text + applied.slice(f.range[1]);
    cli(['lint', dir, '--sku', 'Premium', '--fix']);
    assert.equal(applied, fs.readFileSync(path.join(dir, 'api.policy.xml'), 'utf8'), 'the JSON fixes are what --fix writes');
    assert.ok(entry!.messages.some((m) => m.suggestions?.some((x) => x.desc === 'Compare with StringComparison.OrdinalIgnoreCase')));
  });

  it('writes a fixed file in its own encoding: UTF-16 and a UTF-8 BOM are kept', () => {
    const before = policy(UPPER, '?.', COLONS);
    const after = policy(UPPER, '?.', UPPER);
    const utf16be = Buffer.from(before, 'utf16le').swap16();
    const dir = tmpWorkspace({
      'le.policy.xml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(before, 'utf16le')]),
      'be.policy.xml': Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be]),
      'bom.policy.xml': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(before, 'utf8')]),
    });
    const r = cli(['lint', dir, '--sku', 'Premium', '--fix']);
    assert.match(r.stderr, /--fix applied 3 fixes in 3 files/);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'le.policy.xml')), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(after, 'utf16le')]));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'be.policy.xml')), Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(after, 'utf16le').swap16()]));
    assert.deepEqual(fs.readFileSync(path.join(dir, 'bom.policy.xml')), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(after, 'utf8')]));
  });

  it('leaves the fixes that change who is accepted to the user, and says nothing when nothing was fixed', () => {
    const dir = tmpWorkspace({ 'api.policy.xml': TRUST_DEFAULT_POLICY });
    const r = cli(['lint', dir, '--sku', 'StandardV2', '--fix']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /validate-trust-unsupported-tier/);
    assert.equal(r.stderr, '');
    assert.equal(fs.readFileSync(path.join(dir, 'api.policy.xml'), 'utf8'), TRUST_DEFAULT_POLICY);
  });
});

describe('apim-mtls lint on policies that reach their service through module parameters', () => {
  const messages = (dir: string, file: string) => {
    const r = cli(['lint', '.', '--format', 'json'], dir);
    const entry = (JSON.parse(r.stdout) as JsonEntry[]).find((e) => e.filePath === path.join(dir, file));
    assert.ok(entry, `${file} is in the report (${r.stderr})`);
    return entry.messages;
  };

  it('a policy written as a parameter’s default (an Azure quickstart’s log2EHPolicyXml) is linted there, on the service’s tier', () => {
    const policy = `<policies><inbound><base /><validate-client-certificate validate-trust="true"><identities><identity thumbprint="{{client-certificate-thumbprint}}" /></identities></validate-client-certificate></inbound><backend><base /></backend><outbound><base /></outbound></policies>`;
    const main = `@description('The policy of all APIs')
param log2EHPolicyXml string = '${policy}'

resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-moesif'
  location: resourceGroup().location
  sku: {
    name: 'StandardV2'
    capacity: 1
  }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'p'
    enableClientCertificate: true
  }
}

resource allApisPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apiManagementService
  name: 'policy'
  properties: {
    value: log2EHPolicyXml
    format: 'rawxml'
  }
}
`;
    const dir = tmpWorkspace({ 'main.bicep': main });
    const found = messages(dir, 'main.bicep').filter((m) => m.ruleId === 'validate-trust-unsupported-tier');
    assert.equal(found.length, 1);
    assert.equal(found[0]!.level, 'error');
    assert.deepEqual([found[0]!.line, found[0]!.column], [2, "param log2EHPolicyXml string = '".length + policy.indexOf('validate-trust="true"') + 1], 'on the default string');
    // `apim-mtls tier` gives the policy written there the service's tier.
    const tier = JSON.parse(cli(['tier', '.', '--format', 'json'], dir).stdout) as { file: string; line?: number; skus: string[]; deployments: number }[];
    assert.deepEqual(tier.map((t) => [path.basename(t.file), t.line, t.skus, t.deployments]), [['main.bicep', 2, ['StandardV2'], 1]]);
  });

  it('a policy file in apis[].policies[] of a local copy of the Azure Verified Module gets its service’s tier', () => {
    // main.bicep → modules/apim (a module per API over `apis ?? []`) → api (a module per policy over `policies ?? []`) → policy.
    const dir = tmpWorkspace({
      'policies/orders.xml': TRUST_DEFAULT_POLICY,
      'main.bicep': `module apim './modules/apim/main.bicep' = {
  name: 'apim'
  params: {
    name: 'apim-orders'
    sku: 'StandardV2'
    apis: [
      {
        name: 'orders'
        path: 'orders'
        policies: [
          {
            format: 'rawxml'
            value: loadTextContent('policies/orders.xml')
          }
        ]
      }
    ]
  }
}
`,
      'modules/apim/main.bicep': `param name string
param sku string = 'Premium'
param apis array?
resource service 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: name
  location: resourceGroup().location
  sku: { name: sku, capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'p', enableClientCertificate: true }
}
module service_apis 'api/main.bicep' = [
  for (api, index) in (apis ?? []): {
    name: 'api-\${index}'
    params: {
      apiManagementServiceName: service.name
      name: api.name
      path: api.path
      policies: api.?policies
    }
  }
]
`,
      'modules/apim/api/main.bicep': `param apiManagementServiceName string
param name string
param path string
param policies array?
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: name
  parent: service
  properties: { displayName: name, path: path }
}
module policy 'policy/main.bicep' = [
  for (policy, index) in policies ?? []: {
    name: 'policy-\${index}'
    params: {
      apiManagementServiceName: apiManagementServiceName
      apiName: api.name
      format: contains(policy, 'format') ? policy.format : 'xml'
      value: policy.value
    }
  }
]
`,
      'modules/apim/api/policy/main.bicep': `param apiManagementServiceName string
param apiName string
param format string = 'rawxml'
param value string
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
  resource api 'apis@2024-05-01' existing = {
    name: apiName
  }
}
resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  name: 'policy'
  parent: service::api
  properties: { format: format, value: value }
}
`,
    });
    const found = messages(dir, path.join('policies', 'orders.xml')).filter((m) => m.ruleId === 'validate-trust-unsupported-tier');
    assert.equal(found.length, 1, 'the tier (StandardV2) reaches the policy');
    assert.equal(found[0]!.level, 'error');
  });

  it('a policy file in an array built with lambdas (filter(flatten(map(apis, api => api.policies)), …)) gets its service’s tier', () => {
    const dir = tmpWorkspace({
      'policies/orders.xml': TRUST_DEFAULT_POLICY,
      'main.bicep': `var apis = [
  {
    name: 'orders'
    policies: [
      {
        enabled: true
        value: loadTextContent('policies/orders.xml')
      }
    ]
  }
]
var allPolicies = filter(flatten(map(apis, api => api.policies)), p => p.enabled)
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'StandardV2', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
}
resource policies 'Microsoft.ApiManagement/service/policies@2024-05-01' = [for p in allPolicies: {
  parent: apim
  name: 'policy'
  properties: { format: 'rawxml', value: p.value }
}]
`,
    });
    const found = messages(dir, path.join('policies', 'orders.xml')).filter((m) => m.ruleId === 'validate-trust-unsupported-tier');
    assert.equal(found.length, 1, 'the tier (StandardV2) reaches the policy');
    assert.equal(found[0]!.level, 'error');
  });

  it('a policy value `x ?? loadTextContent(…)` deploys the default file on the service’s tier (and x’s, when a caller passes one)', () => {
    const dir = tmpWorkspace({
      'policies/default.xml': TRUST_DEFAULT_POLICY,
      'policies/custom.xml': TRUST_DEFAULT_POLICY,
      'main.bicep': `module apim './modules/apim.bicep' = {
  name: 'apim'
  params: {
    policyXml: loadTextContent('policies/custom.xml')
  }
}
`,
      'modules/apim.bicep': `param policyXml string?
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'StandardV2', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }
  resource policy 'policies' = {
    name: 'policy'
    properties: { format: 'rawxml', value: policyXml ?? loadTextContent('../policies/default.xml') }
  }
}
`,
    });
    for (const file of ['default.xml', 'custom.xml']) {
      const found = messages(dir, path.join('policies', file)).filter((m) => m.ruleId === 'validate-trust-unsupported-tier');
      assert.equal(found.length, 1, `${file}: the tier (StandardV2) reaches the policy`);
      assert.equal(found[0]!.level, 'error');
    }
  });
});

describe('apim-mtls start-up', () => {
  // pkijs, asn1js and xmldom (≈ 1 MB in dist/vendor/) are for generation, .pfx files and broken XML. Compiling them on
  // every start cost each `apim-mtls lint` ≈ 45 ms; a top-level import in one module was enough to bring that back.
  it('lints well-formed policies, Bicep and certificate files, and starts the language server, without loading the vendored libraries', () => {
    const dir = makeTempDir('cli-startup');
    const hook = path.join(dir, 'hook.cjs');
    fs.writeFileSync(
      hook,
      `const M = require('module'); const orig = M.prototype.require; const seen = [];
M.prototype.require = function (id) { if (/vendor/.test(id)) seen.push(id); return orig.apply(this, arguments); };
process.on('exit', () => process.stderr.write('vendor modules: ' + JSON.stringify(seen) + '\\n'));`,
    );
    const lint = (paths: string[]) =>
      spawnSync(process.execPath, ['-r', hook, CLI, 'lint', ...paths, '--format', 'json'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    const r = lint(['examples/good', 'examples/certs', 'examples/environments']);
    const entries = JSON.parse(r.stdout) as JsonEntry[];
    assert.ok(entries.length > 5, 'the examples were linted');
    assert.match(r.stderr, /vendor modules: \[\]/);
    // The language server's start (stdin closed at once: it starts, then exits) loads none either.
    const server = spawnSync(process.execPath, ['-r', hook, path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { input: '', encoding: 'utf8', timeout: 30_000 });
    assert.match(server.stderr, /vendor modules: \[\]/);
    // The hook does see them when they are needed: the quick check leaves a policy with an XML declaration to xmldom.
    fs.writeFileSync(path.join(dir, 'declared.policy.xml'), '<?xml version="1.0"?><policies><inbound><base /></inbound></policies>');
    assert.match(lint([dir]).stderr, /vendor modules: \[".*xmldom/);
  });
});

describe('apim-mtls lint on policies a caller writes in a string and passes to a module or a template', () => {
  const CASE_POLICY = TRUST_DEFAULT_POLICY.replace('  </inbound>', '    <choose><when condition="@(context.Request.Certificate.Thumbprint != &quot;f01c8e2463256f9b5450fddc900ce33b8f43c98e&quot;)"><return-response><set-status code="403" /></return-response></when></choose>\n  </inbound>');
  const MAIN = apiModuleCaller(CASE_POLICY);
  const lines = (dir: string, args: string[] = []) =>
    (JSON.parse(cli(['lint', '.', '--format', 'json', ...args], dir).stdout) as JsonEntry[]).flatMap((e) => e.messages.map((m) => `${path.relative(dir, e.filePath)}:${m.line}:${m.column} ${m.ruleId}`));

  it('a module’s caller: the findings are in the caller’s string, on the tier the module deploys to; --fix fixes them there', () => {
    const dir = tmpWorkspace({ 'main.bicep': MAIN, 'modules/api.bicep': API_MODULE });
    const at = (needle: string) => {
      const before = MAIN.slice(0, MAIN.indexOf(needle));
      return `${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
    };
    assert.deepEqual(lines(dir), [`main.bicep:${at('validate-client-certificate>')} validate-trust-unsupported-tier`, `main.bicep:${at('&quot;f01c8e')} thumbprint-case`]);
    const tier = JSON.parse(cli(['tier', '.', '--format', 'json'], dir).stdout) as { file: string; line?: number; skus: string[] }[];
    assert.deepEqual(tier.map((t) => [t.file, t.line, t.skus]), [[path.join(dir, 'main.bicep'), MAIN.split('\n').findIndex((l) => l.includes("policyXml: '''")) + 2, ['StandardV2']]]);
    // The fix (the thumbprint in capitals, as APIM gives it) is written into the caller's string; the module is untouched.
    cli(['lint', '.', '--fix'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8'), MAIN.replace('f01c8e2463256f9b5450fddc900ce33b8f43c98e', 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E'));
    assert.equal(fs.readFileSync(path.join(dir, 'modules/api.bicep'), 'utf8'), API_MODULE);
  });

  it('a .bicepparam file that sets the template’s policy parameter: the findings are in it; a rewritten string is not linted', () => {
    const template = API_MODULE.replace(
      /resource service [^}]*}/,
      "resource service 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: serviceName\n  location: 'westeurope'\n  sku: { name: 'BasicV2', capacity: 1 }\n  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }\n}",
    );
    const oneLine = TRUST_DEFAULT_POLICY.replace(/\n\s*/g, '');
    const params = `using 'main.bicep'\nparam serviceName = 'apim-test'\nparam policyXml = '${oneLine}'\n`;
    const dir = tmpWorkspace({ 'main.bicep': template, 'test.bicepparam': params });
    assert.deepEqual(lines(dir), [`test.bicepparam:3:${"param policyXml = '".length + oneLine.indexOf('validate-client-certificate>') + 1} validate-trust-unsupported-tier`]);
    // Deployed rewritten (`replace(policyXml, …)`), the text is not the string's: nothing is said of it.
    fs.writeFileSync(path.join(dir, 'main.bicep'), template.replace('value: policyXml', "value: replace(policyXml, '{{x}}', 'y')"));
    assert.deepEqual(lines(dir), []);
  });
});

describe('apim-mtls lint on one template deployed per environment, each parameter set passing its SKU and its policy', () => {
  it('each policy is judged on its environment’s tier: validate-trust is fine on Developer, an error on StandardV2', () => {
    const template = ENV_TEMPLATE;
    const params = (sku: string, env: string) => `using 'main.bicep'\nparam skuName = '${sku}'\nparam policyXml = loadTextContent('policies/${env}.xml')\n`;
    const dir = tmpWorkspace({ 'main.bicep': template, 'dev.bicepparam': params('Developer', 'dev'), 'prod.bicepparam': params('StandardV2', 'prod'), 'policies/dev.xml': TRUST_DEFAULT_POLICY, 'policies/prod.xml': TRUST_DEFAULT_POLICY });
    const entries = JSON.parse(cli(['lint', '.', '--format', 'json'], dir).stdout) as JsonEntry[];
    const found = entries.flatMap((e) => e.messages.map((m) => [path.relative(dir, e.filePath), m.ruleId, m.level]));
    assert.deepEqual(found, [[path.join('policies', 'prod.xml'), 'validate-trust-unsupported-tier', 'error']], 'not dev.xml: Developer validates chains');
    const tier = JSON.parse(cli(['tier', '.', '--format', 'json'], dir).stdout) as { file: string; skus: string[] }[];
    assert.deepEqual(tier.map((t) => [path.relative(dir, t.file), t.skus]), [[path.join('policies', 'dev.xml'), ['Developer']], [path.join('policies', 'prod.xml'), ['StandardV2']]]);
  });
});
