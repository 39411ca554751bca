// Code actions as the lightbulb gets them: vscode.executeCodeActionProvider + workspace.applyEdit.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codeActions, codes, LSP_WAIT_MS, open, ready, revert, waitForCode, waitForNoCode, wsUri } from '../util';

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
