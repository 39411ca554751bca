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

  it('a folder made on disk with a policy in it (a checkout) is watched, and a policy edited there re-linted', async () => {
    const folder = path.join(dir, 'policies', 'checked-out', 'deeper');
    fs.mkdirSync(folder, { recursive: true });
    const policy = path.join(folder, 'new.policy.xml');
    fs.writeFileSync(policy, '<policies>\n  <inbound>\n    <base />\n</policies>\n');
    await client.waitFor(policy, (d) => codes(d).includes('policy-xml-syntax'), 10_000);
    fs.writeFileSync(policy, '<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n');
    await client.waitFor(policy, (d) => d.length === 0, 10_000);
    // Removed and made again (a branch switch): the new folder is watched, not the old one's stale watcher.
    fs.rmSync(path.join(dir, 'policies', 'checked-out'), { recursive: true });
    await client.waitFor(policy, (d) => d.length === 0, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(policy, '<policies>\n  <inbound>\n    <base />\n</policies>\n');
    await client.waitFor(policy, (d) => codes(d).includes('policy-xml-syntax'), 10_000);
    fs.writeFileSync(policy, '<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n');
    await client.waitFor(policy, (d) => d.length === 0, 10_000);
  });
});

// Node's recursive watch on Linux follows links to folders and stops without a word at a link loop: one `loop -> loop`
// in the repository, and edits on disk were never seen again.
describe('language server: watching a folder that holds link loops and links to elsewhere', { skip: process.platform === 'win32' }, () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-watch-links');
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'z'));
    fs.symlinkSync('loop', path.join(dir, 'a', 'loop'));
    fs.symlinkSync('/', path.join(dir, 'a', 'everything'));
    fs.writeFileSync(path.join(dir, 'z', 'p.policy.xml'), policyWith('aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd'));
    client = await TestClient.start(dir, { watchFiles: false });
    await client.waitFor(path.join(dir, 'z', 'p.policy.xml'), (d) => codes(d).includes('thumbprint-format'), 20_000);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('an edit on disk is still seen', async () => {
    const file = path.join(dir, 'z', 'p.policy.xml');
    fs.writeFileSync(file, policyWith('AABBCCDDEEFF00112233445566778899AABBCCDD'));
    await client.waitFor(file, (d) => d.length === 0, 10_000);
  });
});

function policyWith(thumbprint: string): string {
  return (
    '<policies><inbound><base /><validate-client-certificate validate-trust="false"><identities>' +
    `<identity thumbprint="${thumbprint}" /></identities></validate-client-certificate></inbound>` +
    '<backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n'
  );
}
