// Each validation snippet, inserted by name as the snippet picker does, turns a fresh policy lint-clean. The policies
// live in a folder no Bicep file deploys, so their tier is the `apimMtls.sku` setting.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { test } from '../harness';
import { codes, extension, hoverText, LSP_WAIT_MS, open, ours, positionOf, ready, setSetting, waitFor, waitForCode, writeWorkspaceFile } from '../util';

interface Snippet {
  prefix: string;
  body: string[];
}

function snippets(): Record<string, Snippet> {
  return JSON.parse(fs.readFileSync(path.join(extension().extensionPath, 'snippets', 'apim-policy.code-snippets'), 'utf8'));
}

/** The snippet's first line as inserted: first choice, placeholder defaults, no tab stops. */
function firstLine(s: Snippet): string {
  return s.body[0]!.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '').trim();
}

// A mistake on every tier (no identity, no chain validation): the snippet replaces it.
const MISTAKE = '<validate-client-certificate validate-trust="false" />';
const skeleton = (inner: string) => `<policies>\n\t<inbound>\n\t\t<base />\n\t\t${inner}\n\t</inbound>\n\t<backend>\n\t\t<base />\n\t</backend>\n\t<outbound>\n\t\t<base />\n\t</outbound>\n\t<on-error>\n\t\t<base />\n\t</on-error>\n</policies>\n`;

/** Sets apimMtls.sku and waits until the language server lints with it (the tier hover of an unbound policy says so). */
async function useSku(sku: string): Promise<void> {
  await setSetting('sku', sku);
  const probe = await writeWorkspaceFile('e2e-snippets/probe.policy.xml', skeleton('<validate-client-certificate validate-trust="false"><identities><identity thumbprint="{{probe}}" /></identities></validate-client-certificate>'));
  const doc = await vscode.workspace.openTextDocument(probe);
  const at = positionOf(doc, 'validate-client-certificate', 3);
  await waitFor(`the server to use apimMtls.sku = ${sku}`, async () => (await hoverText(probe, at)).includes(`**Possible APIM tiers:** ${sku}`) || undefined, LSP_WAIT_MS);
}

/** Writes a fresh policy holding MISTAKE, selects it and inserts the snippet `name` in its place; returns the URI. */
async function insertInFreshPolicy(file: string, name: string): Promise<{ uri: vscode.Uri; editor: vscode.TextEditor }> {
  const uri = await writeWorkspaceFile(`e2e-snippets/${file}`, skeleton(MISTAKE));
  const editor = await open(uri);
  assert.equal(editor.document.languageId, 'apim-policy');
  await waitForCode(uri, 'any-certificate-accepted');
  const start = positionOf(editor.document, MISTAKE);
  editor.selection = new vscode.Selection(start, start.translate(0, MISTAKE.length));
  await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'apim-policy', name });
  await vscode.commands.executeCommand('leaveSnippet');
  return { uri, editor };
}

const CASES: [name: string, sku: string][] = [
  ['Validate client certificate (Consumption / v2 tiers)', 'StandardV2'],
  ['Check client certificate in a policy expression (all tiers)', 'StandardV2'],
  ['Validate client certificate with chain validation (classic tiers)', 'Premium'],
  ['Check client certificate and its chain in a policy expression (classic tiers)', 'Premium'],
];

test('the snippet file holds the four validation snippets tested here', () => {
  const names = Object.keys(snippets());
  for (const [name] of CASES) assert.ok(names.includes(name), `snippet "${name}" is gone (have: ${names.join(' | ')})`);
});

for (const [name, sku] of CASES) {
  test(`snippet "${name}" on ${sku} is lint-clean`, async () => {
    await ready();
    const snippet = snippets()[name];
    assert.ok(snippet, `no snippet "${name}"`);
    try {
      await useSku(sku);
      const { uri, editor } = await insertInFreshPolicy(`${snippet.prefix}.policy.xml`, name);
      assert.ok(editor.document.getText().includes(firstLine(snippet)), `the snippet was not inserted:\n${editor.document.getText()}`);
      assert.ok(!editor.document.getText().includes(MISTAKE));
      await waitFor(`no apim-mtls diagnostics on ${snippet.prefix}.policy.xml (has: ${codes(uri).join(', ')})`, () => ours(uri).length === 0, LSP_WAIT_MS);
      await editor.document.save();
    } finally {
      await setSetting('sku', undefined);
    }
  }, { timeout: 3 * LSP_WAIT_MS + 20_000 });
}

test('control: the classic chain-validation snippet on StandardV2 is flagged (the tier setting is live)', async () => {
  await ready();
  const name = 'Validate client certificate with chain validation (classic tiers)';
  try {
    await useSku('StandardV2');
    const { uri } = await insertInFreshPolicy('classic-on-v2.policy.xml', name);
    const d = await waitForCode(uri, 'validate-trust-unsupported-tier');
    assert.match(d.message, /StandardV2/);
  } finally {
    await setSetting('sku', undefined);
  }
}, { timeout: 3 * LSP_WAIT_MS + 20_000 });
