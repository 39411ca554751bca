import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PolicyTierReport } from '../../../server/src/cli/tier';
import { apimServiceBicep, examplesDir, makeTempDir, removeTempDir, repoRoot, VALIDATING_POLICY } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const run = (args: string[], cwd = examplesDir) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

const json = (args: string[]) => {
  const r = run([...args, '--format', 'json']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as PolicyTierReport[];
};

describe('apim-mtls tier', () => {
  it('says a policy deployed per environment gets the union of the tiers its parameters files set, and where each comes from', () => {
    const [orders] = json(['tier', 'environments']);
    assert.equal(path.relative(examplesDir, orders!.file), path.join('environments', 'policies', 'orders.api.xml'));
    assert.deepEqual(orders!.skus, ['Developer', 'Premium', 'StandardV2']);
    assert.equal(orders!.unknown, true, 'azd\'s ${APIM_SKU=Premium}: Premium by default, or whatever the variable holds');
    assert.equal(orders!.deployments, 1);
    const where = orders!.origins.map((o) => `${path.relative(examplesDir, o.file)}:${o.line}`);
    for (const origin of ['environments/prod.bicepparam:4', 'environments/dev.bicepparam:3', 'environments/main.parameters.test.json:6', 'environments/modules/apim.bicep:9']) {
      assert.ok(where.includes(origin.split('/').join(path.sep)), `${origin} among ${where.join(', ')}`);
    }
  });

  it('reads what lint reads: a policy alone has no tier; with --context (or --sku) it has the one lint judges it by', () => {
    const policy = path.join('mistakes', 'policies', 'validate-trust-unsupported-tier.operation.xml');
    const [alone] = json(['tier', policy]);
    assert.deepEqual([alone!.skus, alone!.deployments], [[], 0]);
    assert.match(run(['tier', policy]).stdout, /unknown: no Bicep read deploys it .* the tier rules are silent/);
    const [withContext] = json(['tier', policy, '--context', 'mistakes', '--context', 'shared']);
    assert.deepEqual(withContext!.skus, ['BasicV2', 'StandardV2', 'PremiumV2']);
    const lint = JSON.parse(run(['lint', policy, '--context', 'mistakes', '--context', 'shared', '--format', 'json']).stdout) as { messages: { ruleId: string; level: string }[] }[];
    assert.deepEqual(lint[0]!.messages.map((m) => `${m.ruleId} ${m.level}`), ['validate-trust-unsupported-tier error'], 'every tier it has is v2: an error');
    const [set] = json(['tier', policy, '--sku', 'premium']);
    assert.deepEqual([set!.skus, set!.setBy, set!.origins], [['Premium'], '--sku', []]);
  });

  it('names only what the SKU comes from: not the parameters of the other properties of an object passed along', () => {
    // The shape of ronaldbosma/mtls-with-apim-and-agw: a settings object built from several azd parameters, passed to
    // the module that declares the service, which reads its .sku.
    const dir = makeTempDir('tier-origins');
    try {
      const files: Record<string, string> = {
        'infra/main.bicep': [
          "type apimSkuType = 'Developer' | 'BasicV2' | 'StandardV2'",
          'param environmentName string',
          'param location string',
          'param apiManagementSku apimSkuType',
          'var settings = {',
          "  serviceName: 'apim-${environmentName}-${location}'",
          '  sku: apiManagementSku',
          '}',
          "module apim 'modules/apim.bicep' = {",
          '  params: {',
          '    settings: settings',
          '  }',
          '}',
        ].join('\n'),
        'infra/main.parameters.json': JSON.stringify({ parameters: { environmentName: { value: '${AZURE_ENV_NAME}' }, location: { value: '${AZURE_LOCATION}' }, apiManagementSku: { value: '${APIM_SKU=BasicV2}' } } }),
        'infra/modules/apim.bicep': [
          'param settings object',
          "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
          '  name: settings.serviceName',
          "  location: 'westeurope'",
          '  sku: {',
          '    name: settings.sku',
          '    capacity: 1',
          '  }',
          "  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }",
          "  resource policy 'policies' = {",
          "    name: 'policy'",
          "    properties: { format: 'rawxml', value: loadTextContent('../../policy.xml') }",
          '  }',
          '}',
        ].join('\n'),
        'policy.xml': '<policies><inbound><base /></inbound></policies>',
      };
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      const [policy] = json(['tier', dir]);
      // BasicV2 by default, or whatever APIM_SKU holds: one of the values apimSkuType admits.
      assert.deepEqual([policy!.skus, policy!.unknown], [['Developer', 'BasicV2', 'StandardV2'], false]);
      assert.deepEqual(policy!.origins.map((o) => `${path.basename(o.file)}:${o.line} ${o.message}`), [
        'apim.bicep:6 The service’s sku.name',
        'main.parameters.json:1 SKU passed to parameter apiManagementSku by main.parameters.json',
        'main.bicep:1 SKU from the union type apimSkuType',
        'main.bicep:11 SKU passed to parameter settings by module apim in main.bicep',
      ]);
    } finally {
      removeTempDir(dir);
    }
  });

  it('follows a .bicepparam file to the base file it extends: lint judges the tier set there, tier says where', () => {
    const dir = makeTempDir('tier-extends');
    try {
      const files: Record<string, string> = {
        'main.bicep': apimServiceBicep('skuName', 'policy.xml'),
        'shared.bicepparam': "using none\n\nparam skuName = 'StandardV2'\n",
        'prod.bicepparam': "using './main.bicep'\nextends './shared.bicepparam'\n",
        'policy.xml': VALIDATING_POLICY,
      };
      for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, rel), text);
      const [policy] = JSON.parse(run(['tier', dir, '--format', 'json'], dir).stdout) as PolicyTierReport[];
      assert.deepEqual([policy!.skus, policy!.unknown], [['StandardV2'], false]);
      assert.ok(
        policy!.origins.some((o) => `${path.basename(o.file)}:${o.line} ${o.message}` === 'shared.bicepparam:3 SKU passed to parameter skuName by shared.bicepparam, which prod.bicepparam extends'),
        policy!.origins.map((o) => `${path.basename(o.file)}:${o.line} ${o.message}`).join(' | '),
      );
      const lint = JSON.parse(run(['lint', dir, '--format', 'json'], dir).stdout) as { filePath: string; messages: { ruleId: string; level: string }[] }[];
      const found = lint.find((r) => path.basename(r.filePath) === 'policy.xml')!.messages.map((m) => `${m.ruleId} ${m.level}`);
      assert.ok(found.includes('validate-trust-unsupported-tier error'), found.join(', '));
      // The base file outside the linted folder is read for what it tells, as a module or import outside it is.
      fs.mkdirSync(path.join(dir, 'infra'));
      for (const f of ['main.bicep', 'prod.bicepparam', 'policy.xml']) fs.renameSync(path.join(dir, f), path.join(dir, 'infra', f));
      fs.writeFileSync(path.join(dir, 'infra', 'prod.bicepparam'), "using './main.bicep'\nextends '../shared.bicepparam'\n");
      const sub = JSON.parse(run(['lint', 'infra', '--format', 'json'], dir).stdout) as { filePath: string; messages: { ruleId: string }[] }[];
      assert.deepEqual(sub.map((r) => path.basename(r.filePath)).sort(), ['main.bicep', 'policy.xml', 'prod.bicepparam'], 'the base file is not linted or reported');
      const inSub = sub.find((r) => path.basename(r.filePath) === 'policy.xml')!.messages.map((m) => m.ruleId);
      assert.ok(inSub.includes('validate-trust-unsupported-tier'), inSub.join(', '));
    } finally {
      removeTempDir(dir);
    }
  });

  it("a value that can't be read (an azd variable without a default) is still one that the parameter's @allowed admits", () => {
    const dir = makeTempDir('tier-closed');
    try {
      fs.writeFileSync(path.join(dir, 'main.bicep'), [
        "@allowed(['Developer', 'StandardV2'])",
        'param skuName string',
        "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
        "  name: 'apim'",
        "  location: 'westeurope'",
        '  sku: { name: skuName, capacity: 1 }',
        "  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }",
        "  resource policy 'policies' = {",
        "    name: 'policy'",
        "    properties: { format: 'rawxml', value: loadTextContent('api.policy.xml') }",
        '  }',
        '}',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'main.parameters.json'), JSON.stringify({ parameters: { skuName: { value: '${AZURE_APIM_SKU}' } } }));
      fs.writeFileSync(path.join(dir, 'api.policy.xml'), '<policies><inbound><base /><validate-client-certificate /></inbound></policies>');
      const [policy] = json(['tier', dir]);
      assert.deepEqual([policy!.skus, policy!.unknown], [['Developer', 'StandardV2'], false]);
      assert.ok(policy!.origins.some((o) => o.message === 'SKU from @allowed on parameter skuName'), JSON.stringify(policy!.origins));
      // So the tier rules judge it: StandardV2 is possible, Developer too: a warning.
      const lint = JSON.parse(run(['lint', dir, '--format', 'json']).stdout) as { filePath: string; messages: { ruleId: string; level: string }[] }[];
      const found = lint.find((e) => e.filePath.endsWith('api.policy.xml'))!.messages.map((m) => `${m.ruleId} ${m.level}`);
      assert.ok(found.includes('validate-trust-unsupported-tier warning'), found.join(', '));
    } finally {
      removeTempDir(dir);
    }
  });

  it("a layer deployed on its own (an existing service named by a parameter) takes the configured tier, which the Bicep can't tell", () => {
    // The shape of ronaldbosma/mtls-with-apim's application layer: the service comes from another deployment.
    const dir = makeTempDir('tier-layer');
    try {
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', 'api.bicep'), [
        'param apiManagementServiceName string',
        "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
        '  name: apiManagementServiceName',
        '}',
        "resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {",
        '  parent: apim',
        "  name: 'policy'",
        "  properties: { format: 'rawxml', value: loadTextContent('api.policy.xml') }",
        '}',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'app', 'api.policy.xml'), '<policies><inbound><base /><validate-client-certificate /></inbound></policies>');
      const [unknown] = json(['tier', dir]);
      assert.deepEqual([unknown!.skus, unknown!.deployments], [[], 1]);
      assert.match(run(['tier', dir]).stdout, /unknown: the Bicep that deploys it doesn't tell its service's tier/);
      assert.deepEqual(JSON.parse(run(['lint', dir, '--format', 'json']).stdout)[1].messages, [], 'silent without a tier');
      // From the command line: named in the messages.
      const [bySku] = json(['tier', dir, '--sku', 'StandardV2']);
      assert.deepEqual([bySku!.skus, bySku!.setBy, bySku!.deployments], [['StandardV2'], '--sku', 1]);
      const lint = JSON.parse(run(['lint', dir, '--sku', 'StandardV2', '--format', 'json']).stdout) as { messages: { ruleId: string; message: string }[] }[];
      const trust = lint[1]!.messages.find((m) => m.ruleId === 'validate-trust-unsupported-tier');
      assert.match(trust!.message, /StandardV2 \(from --sku\) can't validate/);
      // From .apim-mtls.json: that file is where it comes from.
      fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ sku: 'BasicV2' }));
      const [byFile] = json(['tier', dir]);
      assert.deepEqual([byFile!.skus, byFile!.setBy, byFile!.origins.map((o) => path.basename(o.file))], [['BasicV2'], undefined, ['.apim-mtls.json']]);
    } finally {
      removeTempDir(dir);
    }
  });

  it('prints a block per policy in text: the tiers, then where they come from', () => {
    const r = run(['tier', path.join('good', 'policies', 'validate-using-policy.operation.xml'), '--context', '.']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^good[/\\]policies[/\\]validate-using-policy\.operation\.xml {2}Consumption, Developer, .*, PremiumV2 \(1 deployment\)$/);
    assert.ok(lines.slice(1).every((l) => /^ {2}\S+:\d+:\d+ {2}\S/.test(l)), r.stdout);
    assert.ok(lines.some((l) => l.includes('SKU from the union type apimSkuType')), r.stdout);
  });

  it('lists a policy written in a Bicep string by its Bicep file and line, with its tier (text and JSON)', () => {
    const text = run(['tier', path.join('mistakes', 'inline-policy.bicep'), '--context', '.']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^mistakes[/\\]inline-policy\.bicep:\d+ \(a policy written in the string\) {2}BasicV2, StandardV2, PremiumV2 \(1 deployment\)$/m);
    const json = JSON.parse(run(['tier', path.join('mistakes', 'inline-policy.bicep'), '--context', '.', '--format', 'json']).stdout) as { file: string; line?: number; skus: string[] }[];
    const inline = json.find((r) => r.line !== undefined)!;
    assert.ok(inline.file.endsWith('inline-policy.bicep'));
    assert.deepEqual(inline.skus, ['BasicV2', 'StandardV2', 'PremiumV2']);
    const bicepLines = fs.readFileSync(path.join(examplesDir, 'mistakes', 'inline-policy.bicep'), 'utf8').split('\n');
    assert.match(bicepLines[inline.line! - 1]!, /'''|<policies>/, 'the line the policy starts on');
  });

  it('usage errors exit 2 with the usage; --help exits 0', () => {
    const bad = run(['tier', '--sku', 'StandardV3']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--sku: "StandardV3" is not an APIM SKU/);
    assert.equal(run(['tier', '--format', 'sarif']).status, 2);
    const help = run(['tier', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: apim-mtls tier/);
  });

  it('a file that is no policy, named as a path, is said on stderr and given no tier; a missing path is a usage error', () => {
    const dir = makeTempDir('tier-not-policy');
    try {
      fs.writeFileSync(path.join(dir, 'readme.txt'), 'hello\n');
      const r = spawnSync(process.execPath, [CLI, 'tier', 'readme.txt'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0);
      assert.equal(r.stdout, 'No policy files found.\n');
      assert.match(r.stderr, /^apim-mtls tier: readme\.txt: not linted: not a policy/);
      const missing = spawnSync(process.execPath, [CLI, 'tier', 'environments'], { cwd: dir, encoding: 'utf8' });
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /no such file or directory: environments/);
    } finally {
      removeTempDir(dir);
    }
  });
});
