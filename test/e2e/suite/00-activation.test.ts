// Activation: runs first (00-activation sorts before 00-smoke), while no editor has been opened yet, so it can see the
// extension start because a policy was opened, not because a test called activate().
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from '../harness';
import { clientBuilt, extension, open, wsUri } from '../util';

// Read when the suite files are loaded, before any test opens a document.
const activeAtLoad = vscode.extensions.getExtension('apim-mtls.apim-mtls')?.isActive;

test('activation events are by language only (no "*", no onStartupFinished)', () => {
  const events: string[] = extension().packageJSON.activationEvents ?? [];
  assert.ok(events.includes('onLanguage:apim-policy'), `activationEvents: ${events.join(', ')}`);
  const eager = events.filter((e) => e === '*' || e === 'onStartupFinished' || e.startsWith('workspaceContains'));
  assert.deepEqual(eager, []);
});

test('opening a policy activates the extension; its language id is apim-policy', async () => {
  assert.ok(clientBuilt(), 'client not built (dist/client.js missing)');
  assert.equal(activeAtLoad, false, 'the extension was already active before any document was opened');
  assert.equal(extension().isActive, false, 'the extension became active before a policy was opened');
  const editor = await open(wsUri('mistakes/policies/policy-attributes.operation.xml'));
  assert.equal(editor.document.languageId, 'apim-policy');
  // No activate() call: VS Code must start it for onLanguage:apim-policy.
  const end = Date.now() + 30_000;
  while (!extension().isActive && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  assert.ok(extension().isActive, 'opening a policy did not activate the extension within 30 s');
}, { timeout: 45_000 });
