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

test('a policy written as .cshtml (for C# highlighting) gets its findings in VS Code, while the file stays Razor', async () => {
  await ready();
  // Deployed by a Bicep file of its own to a StandardV2 service: validate-trust (true by default) fails there.
  const bicep = await writeWorkspaceFile('cshtml/main.bicep', [
    "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
    "  name: 'apim-cshtml'",
    "  location: 'westeurope'",
    "  sku: { name: 'StandardV2', capacity: 1 }",
    "  properties: { publisherEmail: 'a@b.c', publisherName: 'x', enableClientCertificate: true }",
    "  resource policy 'policies' = {",
    "    name: 'policy'",
    "    properties: { format: 'rawxml', value: loadTextContent('validate.operation.cshtml') }",
    '  }',
    '}',
    '',
  ].join('\n'));
  const policy = await writeWorkspaceFile('cshtml/validate.operation.cshtml', '<policies>\n  <inbound>\n    <base />\n    <validate-client-certificate>\n      <identities>\n        <identity thumbprint="F01C8E2463256F9B5450FDDC900CE33B8F43C98E" />\n      </identities>\n    </validate-client-certificate>\n  </inbound>\n</policies>\n');
  try {
    const editor = await open(policy);
    assert.notEqual(editor.document.languageId, 'apim-policy', 'VS Code keeps its own language for .cshtml');
    const d = await waitForCode(policy, 'validate-trust-unsupported-tier');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
    // Live, unsaved: the client sends the .cshtml document to the server as it is typed.
    const at = editor.document.getText().indexOf('<validate-client-certificate') + '<validate-client-certificate'.length;
    assert.ok(await editor.edit((b) => b.insert(editor.document.positionAt(at), ' validate-trust="false"')));
    await waitForNoCode(policy, 'validate-trust-unsupported-tier');
  } finally {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(policy);
    await vscode.workspace.fs.delete(bicep);
  }
}, { timeout: 2 * LSP_WAIT_MS });
