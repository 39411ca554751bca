// A SKU change in Bicep (unsaved, in an editor) re-lints the policies the service deploys.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from '../harness';
import { LSP_WAIT_MS, open, ready, revert, waitFor, waitForCode, waitForNoCode, wsUri } from '../util';

/** What the tier status bar item says for the active editor (the command's quiet form returns it). */
async function tierShown(): Promise<string | undefined> {
  const shown = await vscode.commands.executeCommand<{ text: string } | undefined>('apimMtls.showPolicyTier', { quiet: true });
  return shown?.text;
}

test('making the imported SKU type classic removes the tier finding; undo brings it back', async () => {
  await ready();
  const policy = wsUri('mistakes/policies/validate-trust-unsupported-tier.operation.xml');
  const settings = wsUri('shared/settings.bicep');
  await waitForCode(policy, 'validate-trust-unsupported-tier');
  // The status bar names the tiers of the policy in the active editor: the v2 ones of the imported type.
  await open(policy);
  assert.equal(await tierShown(), 'APIM: BasicV2, StandardV2, PremiumV2');
  const editor = await open(settings);
  const original = editor.document.getText();
  const v2Union = "type apimV2SkuType = 'BasicV2' | 'StandardV2' | 'PremiumV2'";
  const at = original.indexOf(v2Union);
  assert.ok(at >= 0, `shared/settings.bicep no longer declares: ${v2Union}`);
  const unionStart = at + v2Union.indexOf("'BasicV2'");
  const range = new vscode.Range(editor.document.positionAt(unionStart), editor.document.positionAt(at + v2Union.length));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(settings, range, "'Developer' | 'Premium'");
  try {
    assert.ok(await vscode.workspace.applyEdit(edit), 'applyEdit returned false');
    assert.ok(editor.document.isDirty);
    await waitForNoCode(policy, 'validate-trust-unsupported-tier');
    await open(policy);
    assert.equal(await tierShown(), 'APIM: Developer, Premium');
    // Undo in the editor, as a person would.
    await open(settings);
    await vscode.commands.executeCommand('undo');
    await waitFor('settings.bicep back to its saved text', () => editor.document.getText() === original, 10_000);
    await waitForCode(policy, 'validate-trust-unsupported-tier');
    assert.equal(editor.document.isDirty, false, 'undo left settings.bicep dirty');
  } finally {
    if (editor.document.getText() !== original) await revert(settings);
  }
}, { timeout: 2 * LSP_WAIT_MS + 20_000 });
