// Diagnostics on the copy of examples/: codes, source, severity, the Bicep-derived tier rule with its related
// information, and parity with the CLI (`dist/cli.js lint --format json`) on the same folder.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codeOf, codes, extension, LSP_WAIT_MS, ours, ready, waitFor, waitForCode, workspaceRoot, wsUri } from '../util';

/** Findings that exist in examples/mistakes now, one per file, by rule id. */
const EXPECTED: [string, string][] = [
  ['mistakes/policies/validate-trust-unsupported-tier.operation.xml', 'validate-trust-unsupported-tier'],
  ['mistakes/policies/identity-without-thumbprint.operation.xml', 'identity-without-thumbprint'],
  ['mistakes/policies/any-certificate-accepted.operation.xml', 'any-certificate-accepted'],
  ['mistakes/policies/policy-attributes.operation.xml', 'policy-attributes'],
  ['mistakes/policies/utcnow-certificate-validity.operation.xml', 'utcnow-certificate-validity'],
  ['mistakes/service.bicep', 'pem-markers-in-certificate'],
  ['mistakes/main.bicep', 'client-certificate-not-enabled'],
];

for (const [file, code] of EXPECTED) {
  test(`${file} shows ${code} (source apim-mtls)`, async () => {
    await ready();
    const d = await waitForCode(wsUri(file), code);
    assert.equal(d.source, 'apim-mtls');
    assert.ok(d.message.length > 20, `message too short: ${d.message}`);
  }, { timeout: LSP_WAIT_MS + 15_000 });
}

test('validate-trust-unsupported-tier comes from the SKU in main.bicep + shared/settings.bicep (related information)', async () => {
  await ready();
  const uri = wsUri('mistakes/policies/validate-trust-unsupported-tier.operation.xml');
  const d = await waitForCode(uri, 'validate-trust-unsupported-tier');
  assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
  assert.match(d.message, /BasicV2, StandardV2, PremiumV2/);
  const doc = await vscode.workspace.openTextDocument(uri);
  assert.equal(doc.getText(d.range), 'validate-client-certificate', 'the squiggle is not on the element name');
  const related = (d.relatedInformation ?? []).map((r) => vscode.workspace.asRelativePath(r.location.uri));
  assert.ok(related.includes('mistakes/main.bicep'), `related: ${related.join(', ') || 'none'}`);
  assert.ok(related.includes('shared/settings.bicep'), `related: ${related.join(', ') || 'none'}`);
  const settings = d.relatedInformation!.find((r) => r.location.uri.path.endsWith('/shared/settings.bicep'))!;
  const settingsDoc = await vscode.workspace.openTextDocument(settings.location.uri);
  const span = settingsDoc.getText(settings.location.range);
  assert.match(span, /type apimV2SkuType = 'BasicV2' \| 'StandardV2' \| 'PremiumV2'/, `related location is not the SKU union type: ${JSON.stringify(span)}`);
  assert.match(settings.message, /apimV2SkuType/);
}, { timeout: LSP_WAIT_MS + 15_000 });

interface CliFile {
  filePath: string;
  messages: { ruleId: string; line: number; column: number }[];
}

test('VS Code shows exactly the CLI findings on examples/mistakes, service-mistakes, environments and layered', async () => {
  await ready();
  const root = workspaceRoot().fsPath;
  const cli = path.join(extension().extensionPath, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'lint', root, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 60_000 });
  assert.ok(r.stdout, `the CLI printed nothing (exit ${r.status}): ${r.stderr}`);
  const inScope = (f: string) => /^(mistakes|service-mistakes|environments|layered)\//.test(f) && /\.(xml|bicep)$/.test(f);
  const expected = new Map<string, string[]>(); // relative file -> ["rule@line:col", …]
  for (const f of JSON.parse(r.stdout) as CliFile[]) {
    const rel = path.relative(root, f.filePath).split(path.sep).join('/');
    if (!inScope(rel) || f.messages.length === 0) continue;
    expected.set(rel, f.messages.map((m) => `${m.ruleId}@${m.line}:${m.column}`).sort());
  }
  assert.ok(expected.size >= 5, `the CLI found too little: ${[...expected.keys()].join(', ')}`);
  const shown = (rel: string) => ours(wsUri(rel)).filter((d) => codeOf(d)).map((d) => `${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`).sort();
  // Every CLI finding appears in VS Code…
  await waitFor('every CLI finding in VS Code', () => [...expected].every(([rel, want]) => want.every((w) => shown(rel).includes(w))), LSP_WAIT_MS).catch((e) => {
    const missing = [...expected].flatMap(([rel, want]) => want.filter((w) => !shown(rel).includes(w)).map((w) => `${rel} ${w}`));
    throw new Error(`${(e as Error).message}; missing: ${missing.join('; ')}`);
  });
  // …and VS Code shows nothing more on any policy or Bicep file there.
  const files = await vscode.workspace.findFiles('{mistakes,service-mistakes,environments,layered}/**/*.{xml,bicep}');
  assert.ok(files.length >= 10, `only ${files.length} files found`);
  const extra = files.flatMap((u) => {
    const rel = vscode.workspace.asRelativePath(u);
    const want = expected.get(rel) ?? [];
    return shown(rel).filter((s) => !want.includes(s)).map((s) => `${rel} ${s}`);
  });
  assert.deepEqual(extra, [], 'VS Code shows findings the CLI does not');
  assert.deepEqual(codes(wsUri('mistakes/policies/policy-attributes.operation.xml')), expected.get('mistakes/policies/policy-attributes.operation.xml')!.map((s) => s.split('@')[0]).sort());
  // The tier that reaches a module through params from .bicepparam files (prod StandardV2, dev Developer): a warning.
  const env = ours(wsUri('environments/policies/orders.api.xml')).find((d) => codeOf(d) === 'validate-trust-unsupported-tier');
  assert.ok(env, 'the environments example shows its tier finding in VS Code');
  assert.equal(env.severity, vscode.DiagnosticSeverity.Warning);
  // An application layer whose service is named by a parameter: its tier comes from the folder's .apim-mtls.json.
  const layered = ours(wsUri('layered/app/orders-api.xml')).find((d) => codeOf(d) === 'validate-trust-unsupported-tier');
  assert.ok(layered, 'the layered example shows its tier finding in VS Code');
  assert.equal(layered.severity, vscode.DiagnosticSeverity.Error);
  assert.match(layered.message, /StandardV2 \(from \.apim-mtls\.json\)/);
}, { timeout: LSP_WAIT_MS + 90_000 });

test('a policy has an outline: <policies>, its sections, the policies in them (breadcrumbs and the Outline view)', async () => {
  await ready();
  const uri = wsUri('mistakes/policies/policy-attributes.operation.xml');
  await vscode.workspace.openTextDocument(uri);
  const symbols = await waitFor('document symbols from the language server', async () => {
    const s = (await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri)) ?? [];
    return s.length > 0 ? s : undefined;
  }, LSP_WAIT_MS);
  assert.deepEqual(symbols.map((s) => s.name), ['policies']);
  const sections = symbols[0]!.children;
  assert.deepEqual(sections.map((s) => s.name), ['inbound', 'backend', 'outbound', 'on-error']);
  assert.deepEqual(sections[0]!.children.map((s) => s.name), ['base', 'validate-client-certificate', 'return-response']);
}, { timeout: LSP_WAIT_MS + 15_000 });
