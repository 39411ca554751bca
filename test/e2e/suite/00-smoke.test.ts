// Smoke tests: the real VS Code (code-server) loads this extension from the repository.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { skip, test } from '../harness';
import { clientBuilt, extension, open, workspaceRoot, writeWorkspaceFile } from '../util';

const POLICY = `<policies>
  <inbound>
    <base />
    <validate-client-certificate validate-revocation="true" validate-trust="true" validate-not-before="true" validate-not-after="true" ignore-error="false">
      <identities>
        <identity thumbprint="0000000000000000000000000000000000000000" />
      </identities>
    </validate-client-certificate>
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>
`;

test('VS Code is 1.100.x', () => {
  assert.match(vscode.version, /^1\.100\./);
});

test('extension apim-mtls.apim-mtls is present (loaded from the repository)', () => {
  const ext = extension();
  assert.equal(ext.packageJSON.name, 'apim-mtls');
  assert.equal(ext.packageJSON.publisher, 'apim-mtls');
});

test('a workspace folder is open', () => {
  assert.equal(vscode.workspace.workspaceFolders?.length, 1);
  assert.equal(workspaceRoot().scheme, 'file');
});

test('x.policy.xml opens with language id apim-policy', async () => {
  const uri = await writeWorkspaceFile('x.policy.xml', POLICY);
  const editor = await open(uri);
  assert.equal(editor.document.languageId, 'apim-policy');
});

test('main.bicep opens with language id bicep', async () => {
  const uri = await writeWorkspaceFile('main.bicep', "param location string = resourceGroup().location\n");
  const editor = await open(uri);
  assert.equal(editor.document.languageId, 'bicep');
});

test('the extension activates', async () => {
  if (!clientBuilt()) skip('client not built (dist/client.js missing)');
  const ext = extension();
  await ext.activate();
  assert.ok(ext.isActive, 'extension is not active after activate()');
});

test('every command in package.json contributes.commands is registered', async () => {
  if (!clientBuilt()) skip('client not built (dist/client.js missing)');
  await extension().activate();
  const contributed: string[] = (extension().packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.filter((c) => !registered.has(c));
  assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
});
