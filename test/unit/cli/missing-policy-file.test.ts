import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { apimServiceBicep, makeTempDir, removeTempDir, repoRoot } from '../../helpers';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

interface Entry {
  filePath: string;
  messages: { ruleId: string; level: string; line: number; message: string }[];
}

function lint(dir: string, args: string[] = []): Entry[] {
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args, '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as Entry[];
}

const missing = (entries: Entry[]) =>
  entries.flatMap((e) => e.messages.filter((m) => m.ruleId === 'policy-value-not-loaded').map((m) => `${path.basename(e.filePath)}:${m.line} ${m.level}`));

const POLICY = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n';

test('a loadTextContent of a policy file that is not there is an error where the call is written, in the file or in a module caller', () => {
  const dir = makeTempDir('missing-policy');
  try {
    fs.mkdirSync(path.join(dir, 'infra', 'modules'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'infra', 'main.bicep'),
      [apimServiceBicep("'Developer'", '../policies/global.xml'), "module api 'modules/api.bicep' = {", "  name: 'api'", '  params: {', "    policyXml: loadTextContent('../policies/api.xml')", '  }', '}'].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'infra', 'modules', 'api.bicep'), [
      'param policyXml string',
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
      "  name: 'apim'",
      '}',
      "resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {",
      '  parent: apim',
      "  name: 'orders'",
      "  properties: { displayName: 'Orders', path: 'orders', protocols: ['https'] }",
      '}',
      "resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
      '  parent: api',
      "  name: 'policy'",
      "  properties: { format: 'rawxml', value: policyXml }",
      '}',
    ].join('\n'));
    // Linting infra/ only: the policies folder is outside the linted paths, and still looked for.
    assert.deepEqual(missing(lint(dir, ['infra'])), ['main.bicep:8 error', 'main.bicep:14 error']);
    const entries = lint(dir, ['infra']);
    const call = entries.flatMap((e) => e.messages).find((m) => m.line === 14)!;
    assert.match(call.message, /loadTextContent\('\.\.\/policies\/api\.xml'\) names a file that doesn't exist/);
    // With --cache too: the files appear, and the reports follow.
    fs.mkdirSync(path.join(dir, 'policies'));
    fs.writeFileSync(path.join(dir, 'policies', 'global.xml'), POLICY);
    assert.deepEqual(missing(lint(dir, ['infra', '--cache'])), ['main.bicep:14 error']);
    fs.writeFileSync(path.join(dir, 'policies', 'api.xml'), POLICY);
    assert.deepEqual(missing(lint(dir, ['infra', '--cache'])), []);
    fs.rmSync(path.join(dir, 'policies', 'api.xml'));
    assert.deepEqual(missing(lint(dir, ['infra', '--cache'])), ['main.bicep:14 error'], 'and back, through the cache');
  } finally {
    removeTempDir(dir);
  }
});

test('a file that loadTextContent reads but that is no policy by its name (.txt) is not judged: it is never looked for', () => {
  const dir = makeTempDir('missing-policy-txt');
  try {
    fs.writeFileSync(path.join(dir, 'main.bicep'), apimServiceBicep("'Developer'", 'policy.txt'));
    fs.writeFileSync(path.join(dir, 'policy.txt'), POLICY);
    assert.deepEqual(missing(lint(dir, ['.'])), []);
  } finally {
    removeTempDir(dir);
  }
});
