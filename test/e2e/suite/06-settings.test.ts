// Settings take effect without a reload: rule levels from apimMtls.rules.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codeOf, LSP_WAIT_MS, open, ours, ready, setSetting, SOURCE, waitFor, waitForCode, waitForNoCode, writeWorkspaceFile, wsUri } from '../util';

const RULE = 'identity-without-thumbprint';

test(`apimMtls.rules { ${RULE}: off } removes the finding live; "error" raises it; restoring brings the warning back`, async () => {
  await ready();
  const uri = wsUri('mistakes/policies/identity-without-thumbprint.operation.xml');
  const withSeverity = (severity: vscode.DiagnosticSeverity) =>
    waitFor(`${RULE} as ${vscode.DiagnosticSeverity[severity]}`, () => ours(uri).some((d) => codeOf(d) === RULE && d.severity === severity), LSP_WAIT_MS);
  const before = await waitForCode(uri, RULE);
  assert.equal(before.severity, vscode.DiagnosticSeverity.Warning);
  try {
    await setSetting('rules', { [RULE]: 'off' });
    await waitForNoCode(uri, RULE);
    await setSetting('rules', { [RULE]: 'error' });
    await withSeverity(vscode.DiagnosticSeverity.Error);
  } finally {
    await setSetting('rules', undefined);
  }
  await withSeverity(vscode.DiagnosticSeverity.Warning);
}, { timeout: 4 * LSP_WAIT_MS });

test('.apim-mtls.json: VS Code checks it against the schema, and the language server puts its own finding on it', async () => {
  await ready();
  const uri = await writeWorkspaceFile('.apim-mtls.json', '{\n  "rules": {\n    "identity-without-thumbprnt": "off"\n  }\n}\n');
  try {
    await open(uri);
    // The JSON language (contributes.jsonValidation → schemas/apim-mtls.schema.json): the id is not a rule.
    const fromSchema = await waitFor('the schema diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.source !== SOURCE && /identity-without-thumbprnt/.test(d.message)), LSP_WAIT_MS);
    assert.match(fromSchema.message, /not allowed/i);
    // The linter itself (as on the command line), with the rule meant.
    const fromLinter = await waitFor('the linter diagnostic', () => ours(uri).find((d) => /no rule "identity-without-thumbprnt" \(did you mean identity-without-thumbprint\?\)/.test(d.message)), LSP_WAIT_MS);
    assert.equal(fromLinter.range.start.line, 2);
    // The mistyped "off" turned nothing off.
    await waitForCode(wsUri('mistakes/policies/identity-without-thumbprint.operation.xml'), RULE);
  } finally {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
  }
  await waitFor('the finding gone with the file', () => ours(uri).length === 0, LSP_WAIT_MS);
}, { timeout: 4 * LSP_WAIT_MS });
