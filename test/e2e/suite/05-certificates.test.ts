// Certificates: generation through the command with an argument object (no prompts), the CLI reading what it wrote,
// hovers on pinned thumbprints and the code lens of a certificate file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { test } from '../harness';
import { extension, hoverText, LSP_WAIT_MS, open, positionOf, ready, waitFor, workspaceRoot, writeWorkspaceFile, wsUri } from '../util';

const PASSWORD_ENV = 'APIM_MTLS_E2E_PFX_PASSWORD';
const DEV_VALID_CLIENT = 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E'; // examples/certs/dev-valid-client.cer (THUMBPRINTS.md)

/** A policy whose one identity pins `thumbprint` (validate-trust off: any tier). */
const pinning = (thumbprint: string): string =>
  `<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false">\n      <identities>\n        <identity thumbprint="${thumbprint}" />\n      </identities>\n    </validate-client-certificate>\n  </inbound>\n</policies>\n`;

interface Generated {
  files: string[];
  thumbprint: string;
  subject: string;
  outDir: string;
}
let generated: Generated | undefined;

/** `node dist/cli.js certs inspect FILE --format json`, run from the extension host. */
function inspect(file: string, extraArgs: string[] = []): { thumbprint: string; subject: string }[] {
  const cli = path.join(extension().extensionPath, 'dist', 'cli.js');
  const r = spawnSync(process.execPath, [cli, 'certs', 'inspect', file, '--format', 'json', ...extraArgs], {
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `certs inspect ${path.basename(file)} exited ${r.status ?? r.signal}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { certificates: { thumbprint: string; subject: string }[] }[];
  return out.flatMap((f) => f.certificates);
}

async function generate(): Promise<Generated> {
  if (generated) return generated;
  await ready();
  process.env[PASSWORD_ENV] = 'e2e-Passw0rd!';
  generated = await vscode.commands.executeCommand<Generated>('apimMtls.generateClientCertificate', {
    subject: 'CN=E2E Client, O=apim-mtls e2e',
    issuer: 'self-signed',
    id: 'e2e-client',
    // The default outDir, <workspace>/certs: an existing folder. (Into a folder the command creates, the server
    // sometimes never hears of the new files: VS Code may report only the folder, which the *.cer watcher ignores.)
    validityDays: 30,
    passwordEnv: PASSWORD_ENV,
    overwrite: true,
  });
  return generated;
}

test('"Generate client certificate" with arguments writes .cer, .without-markers.cer, .pfx; the CLI reads the same thumbprint', async () => {
  const result = await generate();
  assert.match(result.thumbprint, /^[0-9A-F]{40}$/);
  const dir = path.join(workspaceRoot().fsPath, 'certs');
  assert.equal(path.resolve(result.outDir), dir);
  for (const name of ['e2e-client.cer', 'e2e-client.without-markers.cer', 'e2e-client.pfx']) {
    const file = path.join(dir, name);
    assert.ok(result.files.map((f) => path.resolve(f)).includes(file), `${name} not in the result's files: ${result.files.join(', ')}`);
    assert.ok(fs.statSync(file).size > 100, `${name} is missing or tiny`);
  }
  assert.match(fs.readFileSync(path.join(dir, 'e2e-client.cer'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'e2e-client.without-markers.cer'), 'utf8'), /-----BEGIN/);
  const cer = inspect(path.join(dir, 'e2e-client.cer'));
  assert.equal(cer.length, 1);
  assert.equal(cer[0]!.thumbprint, result.thumbprint);
  assert.match(cer[0]!.subject, /CN=E2E Client/);
  assert.equal(inspect(path.join(dir, 'e2e-client.without-markers.cer'))[0]?.thumbprint, result.thumbprint);
  // The .pfx opens with the password from the environment variable and holds the same certificate.
  const pfx = inspect(path.join(dir, 'e2e-client.pfx'), ['--password-env', PASSWORD_ENV]);
  assert.ok(pfx.some((c) => c.thumbprint === result.thumbprint), `pfx holds ${pfx.map((c) => c.thumbprint).join(', ')}`);
}, { timeout: 120_000 });

test('hover on a pinned thumbprint from examples/certs shows that certificate', async () => {
  await ready();
  const uri = await writeWorkspaceFile(
    'e2e-hover/pinned.policy.xml',
    pinning(DEV_VALID_CLIENT),
  );
  const editor = await open(uri);
  const at = positionOf(editor.document, DEV_VALID_CLIENT, 10);
  const text = await waitFor('a certificate hover', async () => {
    const t = await hoverText(uri, at);
    return t.includes('DEV Valid Client') ? t : undefined;
  }, LSP_WAIT_MS);
  assert.ok(text.includes(DEV_VALID_CLIENT), text);
  assert.match(text, /dev-valid-client\.cer/);
  assert.match(text, /client certificate/);
}, { timeout: LSP_WAIT_MS + 15_000 });

test('go to definition on a pinned thumbprint gives the certificate files that have it', async () => {
  await ready();
  const uri = await writeWorkspaceFile(
    'e2e-definition/pinned.policy.xml',
    pinning(DEV_VALID_CLIENT),
  );
  const editor = await open(uri);
  const at = positionOf(editor.document, DEV_VALID_CLIENT, 10);
  type Found = vscode.Location | vscode.LocationLink;
  const targets = await waitFor('definitions from the language server', async () => {
    const found = (await vscode.commands.executeCommand<Found[]>('vscode.executeDefinitionProvider', uri, at)) ?? [];
    const files = found.map((l) => vscode.workspace.asRelativePath('uri' in l ? l.uri : l.targetUri)).sort();
    return files.length > 0 ? files : undefined;
  }, LSP_WAIT_MS);
  assert.deepEqual(targets, ['certs/dev-valid-client.cer', 'certs/dev-valid-client.without-markers.cer']);
}, { timeout: LSP_WAIT_MS + 30_000 });

test('find all references in a certificate file lists the policies that pin it', async () => {
  await ready();
  const uri = wsUri('certs/dev-valid-client.cer');
  await open(uri);
  const found = await waitFor('references from the language server', async () => {
    const l = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, new vscode.Position(0, 0))) ?? [];
    return l.length > 0 ? l : undefined;
  }, LSP_WAIT_MS);
  const places = found.map((l) => `${vscode.workspace.asRelativePath(l.uri)}:${l.range.start.line + 1}`);
  // The examples' pins (and those the tests before wrote into the workspace): each line holds the thumbprint.
  for (const pin of ['good/policies/validate-using-policy.operation.xml:9', 'mistakes/policies/thumbprint-case.operation.xml:6', 'mistakes/policies/thumbprint-format.operation.xml:7']) {
    assert.ok(places.includes(pin), `${pin} not in ${places.join(', ')}`);
  }
  for (const l of found) {
    const line = (await vscode.workspace.openTextDocument(l.uri)).lineAt(l.range.start.line).text;
    assert.ok(line.toUpperCase().includes(DEV_VALID_CLIENT), `${vscode.workspace.asRelativePath(l.uri)}:${l.range.start.line + 1}: ${line}`);
  }
}, { timeout: LSP_WAIT_MS + 15_000 });

test('completion in <identity thumbprint="…"> lists the workspace certificates, and inserts the chosen thumbprint', async () => {
  await ready();
  const uri = await writeWorkspaceFile(
    'e2e-complete/identity.policy.xml',
    pinning(''),
  );
  const editor = await open(uri);
  const at = positionOf(editor.document, 'thumbprint=""', 'thumbprint="'.length);
  const list = await waitFor('completion items from the language server', async () => {
    const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at, '"');
    return l.items.some((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'DEV Valid Client') ? l : undefined;
  }, LSP_WAIT_MS);
  const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'DEV Valid Client')!;
  assert.equal(typeof item.label === 'string' ? undefined : item.label.description, DEV_VALID_CLIENT);
  const edit = item.textEdit as vscode.TextEdit;
  assert.equal(edit.newText, DEV_VALID_CLIENT);
  assert.ok(await editor.edit((b) => b.replace(edit.range, edit.newText)));
  assert.match(editor.document.getText(), new RegExp(`<identity thumbprint="${DEV_VALID_CLIENT}" />`));
}, { timeout: LSP_WAIT_MS + 15_000 });

test('completion after a blank in <validate-client-certificate> offers the attributes not written, and inserts a boolean as a choice', async () => {
  await ready();
  const uri = await writeWorkspaceFile(
    'e2e-complete/attributes.policy.xml',
    '<policies>\n  <inbound>\n    <validate-client-certificate validate-revocation="true" >\n    </validate-client-certificate>\n  </inbound>\n</policies>\n',
  );
  const editor = await open(uri);
  const at = positionOf(editor.document, '" >', 2);
  const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
  const list = await waitFor('attribute completion from the language server', async () => {
    const l = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, at, ' ');
    return l.items.some((i) => label(i) === 'validate-trust') ? l : undefined;
  }, LSP_WAIT_MS);
  const offered = list.items.map(label);
  for (const name of ['validate-not-before', 'validate-not-after', 'ignore-error', 'id']) assert.ok(offered.includes(name), `${name} not in ${offered.join(', ')}`);
  assert.ok(!offered.includes('validate-revocation'), 'an attribute already written is not offered again');
  const trust = list.items.find((i) => label(i) === 'validate-trust')!;
  assert.match(typeof trust.documentation === 'string' ? trust.documentation : trust.documentation?.value ?? '', /Consumption and v2 tiers/);
  // VS Code takes snippets: the item is one, its first choice the default.
  assert.ok(trust.insertText instanceof vscode.SnippetString, `insertText: ${JSON.stringify(trust.insertText)}`);
  const range = trust.range instanceof vscode.Range ? trust.range : trust.range!.replacing;
  assert.ok(await editor.insertSnippet(trust.insertText, range));
  assert.match(editor.document.getText(), /<validate-client-certificate validate-revocation="true" validate-trust="true">/);
}, { timeout: LSP_WAIT_MS + 15_000 });

test('hover on the thumbprint of a certificate generated during the run shows it (the server saw the new files)', async () => {
  const result = await generate();
  const uri = await writeWorkspaceFile(
    'e2e-hover/generated.policy.xml',
    pinning(result.thumbprint),
  );
  const editor = await open(uri);
  const at = positionOf(editor.document, result.thumbprint, 5);
  const text = await waitFor('a hover naming E2E Client', async () => {
    const t = await hoverText(uri, at);
    return t.includes('E2E Client') ? t : undefined;
  }, LSP_WAIT_MS);
  assert.match(text, /e2e-client(\.without-markers)?\.cer/);
}, { timeout: LSP_WAIT_MS + 90_000 });

test('a certificate file shows a code lens with subject, issuer and thumbprint that copies the thumbprint', async () => {
  await ready();
  const uri = wsUri('certs/dev-valid-client.cer');
  const editor = await open(uri);
  assert.equal(editor.document.languageId, 'apim-certificate');
  const lenses = await waitFor('a code lens on dev-valid-client.cer', async () => {
    const l = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    return l.some((x) => x.command?.title.includes('DEV Valid Client')) ? l : undefined;
  }, LSP_WAIT_MS);
  const lens = lenses.find((x) => x.command?.title.includes('DEV Valid Client'))!;
  assert.match(lens.command!.title, /^Subject: CN=DEV Valid Client.*Issuer: CN=APIM Sample DEV Intermediate CA.*SHA-1 F01C8E24….*client certificate$/);
  assert.equal(lens.command!.command, 'apimMtls.copyCertificateThumbprint');
  assert.deepEqual(lens.command!.arguments, [DEV_VALID_CLIENT]);
  await vscode.commands.executeCommand(lens.command!.command, ...lens.command!.arguments!);
  assert.equal(await vscode.env.clipboard.readText(), DEV_VALID_CLIENT);
  // Beside it, where the workspace's policies pin it: as many places as Find All References gives, shown in the
  // references view when clicked.
  const pins = lenses.find((x) => x.command?.command === 'apimMtls.showCertificatePins' && x.range.start.line === lens.range.start.line);
  assert.ok(pins, lenses.map((x) => x.command?.title).join(' | '));
  const references = (await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', uri, new vscode.Position(0, 0))) ?? [];
  const inPolicies = references.filter((r) => r.uri.path.endsWith('.xml'));
  const policies = new Set(inPolicies.map((r) => r.uri.toString())).size;
  const bicepFiles = new Set(references.filter((r) => !r.uri.path.endsWith('.xml')).map((r) => r.uri.toString())).size;
  assert.ok(policies >= 3, `${policies} policies`);
  assert.equal(bicepFiles, 1, 'good/main.bicep holds it in a named value');
  assert.equal(pins.command!.title, `${inPolicies.length === policies ? `Pinned in ${policies} policies` : `Pinned ${inPolicies.length} times in ${policies} policies`}, and in 1 Bicep file`);
  await vscode.commands.executeCommand(pins.command!.command, ...pins.command!.arguments!);
}, { timeout: LSP_WAIT_MS + 15_000 });
