// Settings take effect without a reload: rule levels from apimMtls.rules.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codeOf, LSP_WAIT_MS, ours, ready, setSetting, waitFor, waitForCode, waitForNoCode, wsUri } from '../util';

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
