import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { fixturesDir, makeTempDir, removeTempDir } from '../helpers';
import { TestClient } from './client';

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

// A client that doesn't watch files for the server (no dynamic registration of workspace/didChangeWatchedFiles, like
// Neovim 0.7): the server watches the workspace folder itself, and changes made outside the editor still show.
describe('language server: changes on disk without a file-watching client', () => {
  let dir: string;
  let client: TestClient;
  let policyFile: string;
  let bicepFile: string;

  before(async () => {
    dir = makeTempDir('lsp-watch');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    policyFile = path.join(dir, 'policies', 'get-order.operation.xml');
    bicepFile = path.join(dir, 'infra', 'main.bicep');
    client = await TestClient.start(dir, { watchFiles: false });
    // Indexing lints every file: the policy's tier comes from main.bicep (StandardV2).
    await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('says in its log that it watches the folder itself', () => {
    assert.ok(client.logs.some((l) => l.includes("the client doesn't watch files: watching") && l.includes(dir)), client.logs.join('\n'));
  });

  it('a SKU edited on disk re-lints the policy deployed to that service', async () => {
    fs.writeFileSync(bicepFile, fs.readFileSync(bicepFile, 'utf8').replace("name: 'StandardV2'", "name: 'Premium'"));
    const diags = await client.waitFor(policyFile, (d) => !codes(d).includes('validate-trust-unsupported-tier'), 10_000);
    assert.deepEqual(codes(diags), ['utcnow-certificate-validity'], 'Premium validates chains: only the tier-independent finding is left');
  });

  it('a policy created on disk gets diagnostics; deleted, they are cleared', async () => {
    const added = path.join(dir, 'policies', 'added.policy.xml');
    // <inbound> is never closed: a syntax error whatever the tier (no Bicep deploys this policy).
    fs.writeFileSync(added, '<policies>\n  <inbound>\n    <base />\n</policies>\n');
    const diags = await client.waitFor(added, (d) => codes(d).includes('policy-xml-syntax'), 10_000);
    assert.ok(diags.length > 0);
    fs.rmSync(added);
    await client.waitFor(added, (d) => d.length === 0, 10_000);
  });
});
