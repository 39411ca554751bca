// Code actions as the lightbulb gets them: vscode.executeCodeActionProvider + workspace.applyEdit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codeActions, codes, extension, LSP_WAIT_MS, open, ready, revert, waitFor, waitForCode, waitForNoCode, writeWorkspaceFile, wsUri } from '../util';

const T = { timeout: 2 * LSP_WAIT_MS + 20_000 };

test('quick-fix "Rename to validate-revocation" removes policy-attributes', async () => {
  await ready();
  const uri = wsUri('mistakes/policies/policy-attributes.operation.xml');
  const editor = await open(uri);
  const d = await waitForCode(uri, 'policy-attributes');
  assert.equal(editor.document.getText(d.range), 'validate-revocaton');
  const actions = await codeActions(uri, d.range);
  const titles = actions.map((a) => a.title);
  const fix = actions.find((a) => a.title === 'Rename to validate-revocation');
  assert.ok(fix?.edit, `no "Rename to validate-revocation" with an edit among: ${titles.join(' | ')}`);
  assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
  assert.ok(titles.includes('Disable policy-attributes for this line'), titles.join(' | '));
  assert.ok(titles.includes('Disable policy-attributes for this file'), titles.join(' | '));
  assert.ok(titles.includes('Show documentation for policy-attributes'), titles.join(' | '));
  try {
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'applyEdit returned false');
    assert.match(editor.document.getText(), /<validate-client-certificate validate-revocation="false"/);
    await waitForNoCode(uri, 'policy-attributes');
  } finally {
    await revert(uri);
  }
  // Back to the file on disk: the finding returns (the server followed the revert too).
  await waitForCode(uri, 'policy-attributes');
}, T);

test('"Disable any-certificate-accepted for this line" inserts the suppression comment and the finding goes', async () => {
  await ready();
  const uri = wsUri('mistakes/policies/any-certificate-accepted.operation.xml');
  const editor = await open(uri);
  const d = await waitForCode(uri, 'any-certificate-accepted');
  const line = d.range.start.line;
  const indent = /^\s*/.exec(editor.document.lineAt(line).text)![0];
  const action = (await codeActions(uri, d.range)).find((a) => a.title === 'Disable any-certificate-accepted for this line');
  assert.ok(action?.edit, 'no "Disable any-certificate-accepted for this line" action with an edit');
  try {
    assert.ok(await vscode.workspace.applyEdit(action.edit), 'applyEdit returned false');
    assert.equal(editor.document.lineAt(line).text, `${indent}<!-- apim-mtls-disable-next-line any-certificate-accepted -->`);
    assert.match(editor.document.lineAt(line + 1).text, /<validate-client-certificate/);
    await waitForNoCode(uri, 'any-certificate-accepted');
    assert.ok(!codes(uri).includes('any-certificate-accepted'));
  } finally {
    await revert(uri);
  }
  await waitForCode(uri, 'any-certificate-accepted');
}, T);

test('with "editor.codeActionsOnSave": { "source.fixAll.apim-mtls": "explicit" }, saving writes the safe fixes', async () => {
  await ready();
  const lower = '0123456789abcdef0123456789abcdef01234567';
  const policy = (literal: string, access: string, thumbprint: string) => `<policies>
    <inbound>
        <choose>
            <when condition="@(context.Request.Certificate${access}Thumbprint != &quot;${literal}&quot;)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>
        <validate-client-certificate validate-revocation="false" validate-trust="false">
            <identities>
                <identity thumbprint="${thumbprint}" />
            </identities>
        </validate-client-certificate>
    </inbound>
</policies>
`;
  const upper = lower.toUpperCase();
  const uri = await writeWorkspaceFile('fix-on-save/thumbprints.policy.xml', policy(lower, '.', upper.replace(/(..)(?!$)/g, '$1:')));
  const editor = await open(uri);
  await waitForCode(uri, 'thumbprint-format');
  assert.deepEqual(codes(uri).filter((c) => c !== 'unknown-thumbprint').sort(), ['certificate-null-check', 'thumbprint-case', 'thumbprint-format']);
  const editorConfig = vscode.workspace.getConfiguration('editor', uri);
  await editorConfig.update('codeActionsOnSave', { 'source.fixAll.apim-mtls': 'explicit' }, vscode.ConfigurationTarget.Workspace);
  try {
    // A change to save, then Ctrl+S as a person would (an explicit save).
    assert.ok(await editor.edit((b) => b.insert(editor.document.positionAt(editor.document.getText().length), '\n')));
    await vscode.commands.executeCommand('workbench.action.files.save');
    const saved = await waitFor('the fixed file on disk', () => {
      const text = fs.readFileSync(uri.fsPath, 'utf8');
      return text.includes('?.Thumbprint') ? text : undefined;
    });
    assert.equal(saved, `${policy(upper, '?.', upper)}\n`);
    assert.equal(editor.document.isDirty, false);
    await waitForNoCode(uri, 'thumbprint-format');
    assert.deepEqual(codes(uri).filter((c) => c !== 'unknown-thumbprint'), []);
  } finally {
    await editorConfig.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace);
  }
}, T);

test('"APIM mTLS: Fix all safe problems in this file" applies the safe fixes to the open document', async () => {
  await ready();
  const text = `<policies>
    <inbound>
        <validate-client-certificate validate-revocation="false" validate-trust="false">
            <identities>
                <identity thumbprint="01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67" />
                <identity thumbprint="76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10" />
            </identities>
        </validate-client-certificate>
    </inbound>
</policies>
`;
  const uri = await writeWorkspaceFile('fix-all/identities.policy.xml', text);
  const editor = await open(uri);
  await waitForCode(uri, 'thumbprint-format');
  const palette = (extension().packageJSON.contributes.commands as { command: string; title: string }[]).find((c) => c.command === 'apimMtls.fixAll');
  assert.equal(palette?.title, 'Fix all safe problems in this file');
  try {
    await vscode.commands.executeCommand('apimMtls.fixAll');
    await waitFor('both thumbprints fixed', () => !editor.document.getText().includes(':AB:') && !editor.document.getText().includes(':FE:'));
    assert.equal(
      editor.document.getText(),
      text.replace('01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67', '0123456789ABCDEF0123456789ABCDEF01234567').replace('76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10', '76543210FEDCBA9876543210FEDCBA9876543210'),
    );
    assert.equal(editor.document.isDirty, true, 'applied to the document, for the user to save');
    await waitForNoCode(uri, 'thumbprint-format');
  } finally {
    await revert(uri);
  }
}, T);

test('a policy named plain .xml (layered/app/orders-api.xml) opens as an APIM policy, so its quick fixes are offered', async () => {
  await ready();
  const uri = wsUri('layered/app/orders-api.xml');
  const editor = await open(uri);
  // VS Code's XML language claims .xml before the manifest's firstLine is read; the extension moves it by its root.
  await waitFor('the apim-policy language', () => (vscode.window.activeTextEditor?.document.uri.toString() === uri.toString() && vscode.window.activeTextEditor.document.languageId === 'apim-policy') || undefined);
  const d = await waitForCode(uri, 'validate-trust-unsupported-tier');
  const titles = (await codeActions(uri, d.range)).map((a) => a.title);
  assert.ok(titles.some((t) => t.startsWith('Set validate-trust="false"')), titles.join(' | '));
  // An XML file that is no policy stays XML.
  const other = await writeWorkspaceFile('layered/app/not-a-policy.xml', '<?xml version="1.0"?>\n<project><name>x</name></project>\n');
  try {
    const plain = await open(other);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(plain.document.languageId, 'xml');
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(other.fsPath, { force: true });
  }
  void editor;
}, T);

test('an empty .xml a policy is typed into becomes an APIM policy, without reopening it', async () => {
  await ready();
  const uri = await writeWorkspaceFile('layered/app/typed-policy.xml', '');
  try {
    const editor = await open(uri);
    assert.equal(editor.document.languageId, 'xml', 'empty: nothing tells it is a policy yet');
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '<policies>\n  <inbound>\n    <base />\n    <validate-client-certificate validate-revocaton="false" validate-trust="false">\n      <identities>\n        <identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" />\n      </identities>\n    </validate-client-certificate>\n  </inbound>\n</policies>\n'));
    await waitFor('the apim-policy language', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.languageId === 'apim-policy'));
    const d = await waitForCode(uri, 'policy-attributes');
    const titles = (await codeActions(uri, d.range)).map((a) => a.title);
    assert.ok(titles.includes('Rename to validate-revocation'), titles.join(' | '));
  } finally {
    await revert(uri);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(uri.fsPath, { force: true });
  }
}, T);
