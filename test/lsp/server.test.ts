import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiagnosticSeverity, type CodeAction, type CompletionItem, type Diagnostic, type Hover, type TextEdit, type TextDocumentEdit } from 'vscode-languageserver-protocol';
import { generateCertificate } from '../../server/src/certificates/generate';
import { spawnSync } from 'node:child_process';
import { apimServiceBicep, examplesDir, fixturesDir, makeTempDir, removeTempDir, repoRoot, VALIDATING_POLICY } from '../helpers';
import { API_MODULE, apiModuleCaller, ENV_TEMPLATE, INLINE_POLICY, inlinePolicyBicep } from '../unit/rules/bicep-service.fixtures';
import { POLICY_TIER_REQUEST, type PolicyTier } from '../../server/src/lsp/protocol';
import { TestClient } from './client';

/** Applies LSP text edits to a text (edits don't overlap; applied from the end). */
function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

describe('language server over stdio', () => {
  let dir: string;
  let client: TestClient;
  let policyFile: string;
  let bicepFile: string;

  before(async () => {
    dir = makeTempDir('lsp');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    policyFile = path.join(dir, 'policies', 'get-order.operation.xml');
    bicepFile = path.join(dir, 'infra', 'main.bicep');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('publishes diagnostics for a policy whose SKU comes from a Bicep file on disk', async () => {
    client.open(policyFile, fs.readFileSync(policyFile, 'utf8'));
    const diags = await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    assert.deepEqual(codes(diags), ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
    const trust = diags.find((d) => d.code === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.source, 'apim-mtls');
    assert.equal(trust.severity, 1, 'an error: StandardV2 is certain');
    assert.match(trust.codeDescription!.href, /docs\/rules\/validate-trust-unsupported-tier\.md$/);
    assert.ok(
      trust.relatedInformation?.some((r) => r.location.uri === client.uri(bicepFile)),
      'related information points at the Bicep that sets the SKU',
    );
  });

  it('gives a policy an outline: its sections and policies, nested, each told apart by its name or condition', async () => {
    type Symbol = { name: string; detail?: string; kind: number; range: { start: { line: number } }; children?: Symbol[] };
    const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri(policyFile) } });
    const lines = fs.readFileSync(policyFile, 'utf8').split('\n');
    // Depth-first, as "name [detail] @line", compared with the file's own tags.
    const flat: string[] = [];
    const walk = (list: Symbol[], depth: number) => {
      for (const s of list) {
        flat.push(`${'  '.repeat(depth)}${s.name}${s.detail ? ` [${s.detail}]` : ''}`);
        assert.ok(lines[s.range.start.line]!.includes(`<${s.name}`), `${s.name} starts on its line`);
        walk(s.children ?? [], depth + 1);
      }
    };
    walk(symbols, 0);
    const tags = lines.flatMap((l) => [...l.matchAll(/<([a-z][\w-]*)/g)].map((m) => m[1]));
    assert.deepEqual(flat.map((f) => f.trim().split(' ')[0]), tags, 'every element, in document order');
    assert.equal(flat[0], 'policies');
    assert.deepEqual(flat.filter((f) => /^  \S/.test(f)).map((f) => f.trim()), ['inbound', 'backend', 'outbound', 'on-error']);
    assert.equal(symbols[0]!.kind, 2, 'Module');
    assert.equal(symbols[0]!.children![0]!.kind, 3, 'Namespace');
    // A Bicep file has no outline of ours.
    assert.equal(await client.request('textDocument/documentSymbol', { textDocument: { uri: client.uri(bicepFile) } }), null);
  });

  it('answers apim-mtls/policyTier: the SKUs of the Bicep that deploys a policy and where they come from', async () => {
    const tier = await client.request<PolicyTier | null>(POLICY_TIER_REQUEST, { uri: client.uri(policyFile) });
    assert.ok(tier);
    assert.deepEqual(tier.skus, ['StandardV2']);
    assert.equal(tier.unknown, false);
    assert.equal(tier.deployments, 1);
    const skuLine = fs.readFileSync(bicepFile, 'utf8').split('\n').findIndex((l) => l.includes("name: 'StandardV2'"));
    assert.deepEqual(tier.origins.map((o) => [o.uri, o.line]), [[client.uri(bicepFile), skuLine]]);
    // A policy nothing deploys: no tier; a Bicep file is not a policy.
    const lone = path.join(dir, 'policies', 'lone.policy.xml');
    client.open(lone, '<policies><inbound><base /></inbound></policies>');
    assert.deepEqual(await client.request(POLICY_TIER_REQUEST, { uri: client.uri(lone) }), { skus: [], unknown: true, deployments: 0, origins: [] });
    assert.equal(await client.request(POLICY_TIER_REQUEST, { uri: client.uri(bicepFile) }), null);
  });

  it('offers the UtcNow quick-fix, disable and docs actions; applying the fix removes only that finding', async () => {
    const text = fs.readFileSync(policyFile, 'utf8');
    const diags = client.diagnostics.get(client.uri(policyFile))!;
    const utc = diags.find((d) => d.code === 'utcnow-certificate-validity')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(policyFile) },
      range: utc.range,
      context: { diagnostics: [utc] },
    });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Disable utcnow-certificate-validity for this line'), titles.join(' | '));
    assert.ok(titles.includes('Show documentation for utcnow-certificate-validity'), titles.join(' | '));
    const fix = actions.find((a) => a.isPreferred && a.diagnostics?.[0]?.code === 'utcnow-certificate-validity');
    assert.ok(fix?.edit?.documentChanges, `a preferred fix among: ${titles.join(' | ')}`);
    const edits = (fix.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]);
    const fixed = applyEdits(text, edits);
    assert.ok(fixed.includes('DateTime.Now') && !fixed.includes('UtcNow'));
    client.change(policyFile, fixed);
    const after = await client.waitFor(policyFile, (d) => !codes(d).includes('utcnow-certificate-validity'));
    assert.deepEqual(codes(after), ['validate-trust-unsupported-tier']);
  });

  it('re-lints the policy when the SKU changes in the open Bicep document', async () => {
    const bicep = fs.readFileSync(bicepFile, 'utf8');
    client.open(bicepFile, bicep);
    client.change(bicepFile, bicep.replace("name: 'StandardV2'", "name: 'Premium'"));
    const classic = await client.waitFor(policyFile, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    assert.deepEqual(codes(classic), []);
    client.change(bicepFile, bicep);
    await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
  });

  it('hovers the tier of validate-client-certificate', async () => {
    const text = fs.readFileSync(policyFile, 'utf8');
    const line = text.split('\n').findIndex((l) => l.includes('<validate-client-certificate'));
    const character = text.split('\n')[line]!.indexOf('validate-client-certificate') + 3;
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position: { line, character } });
    assert.ok(hover, 'a hover');
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /StandardV2/);
    // Each origin is a link that opens its line (VS Code reads #L<line>).
    const skuLine = fs.readFileSync(bicepFile, 'utf8').split('\n').findIndex((l) => l.includes("name: 'StandardV2'")) + 1;
    assert.ok(value.includes(`(<${client.uri(bicepFile)}#L${skuLine}>)`), value);
    assert.match(value, /\(\[\.\.\/infra\/main\.bicep:\d+\]\(</, 'the link text is the relative path and line');
  });

  it('reads a folder of certificates created on disk and hovers a pinned thumbprint with its certificate', async () => {
    const cert = await generateCertificate({ id: 'partner', kind: 'root', subject: 'CN=Partner Root, O=Contoso', keyType: 'ecdsa-p256' });
    const folder = path.join(dir, 'new-certs');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'partner.cer'), `-----BEGIN CERTIFICATE-----\n${cert.info.base64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`);
    // A folder created with its files in one go is reported as the folder alone.
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(folder), type: 1 }] });
    const pinned = path.join(dir, 'policies', 'pinned.policy.xml');
    const text = `<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false">\n      <identities>\n        <identity thumbprint="${cert.info.thumbprint}" />\n      </identities>\n    </validate-client-certificate>\n  </inbound>\n</policies>\n`;
    client.open(pinned, text);
    const position = { line: 4, character: text.split('\n')[4]!.indexOf(cert.info.thumbprint) + 5 };
    let value = '';
    for (let i = 0; i < 50 && !value.includes('Partner Root'); i++) {
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(pinned) }, position });
      value = hover ? (hover.contents as { value: string }).value : '';
      if (!value.includes('Partner Root')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(value, /CN=Partner Root, O=Contoso/);
    assert.match(value, new RegExp(cert.info.thumbprint));
    assert.match(value, /new-certs\/partner\.cer/);
  });

  it('a certificate file open in the editor that is not one says so; fixed, the diagnostic goes', async () => {
    const file = path.join(dir, 'certs', 'pasted.cer');
    client.open(file, 'MIIB pasted without the rest');
    const diags = await client.waitFor(file, (d) => d.length > 0);
    // Base64 (blanks allowed between characters) that is no DER certificate.
    assert.deepEqual(diags.map((d) => d.severity), [DiagnosticSeverity.Warning]);
    assert.match(String(diags[0]!.message), /^certificate file: not a valid X\.509 certificate/);
    const cert = await generateCertificate({ id: 'pasted', kind: 'root', subject: 'CN=Pasted Root', keyType: 'ecdsa-p256' });
    client.change(file, `-----BEGIN CERTIFICATE-----\n${cert.info.base64}\n-----END CERTIFICATE-----\n`);
    assert.deepEqual(await client.waitFor(file, (d) => d.length === 0), []);
  });

  it('offers the safe fixes as one source.fixAll.apim-mtls action (code actions on save), and in a finding’s lightbulb', async () => {
    const file = path.join(dir, 'policies', 'fix-all.policy.xml');
    const text = `<policies>
  <inbound>
    <set-header name="x-client" exists-action="override">
      <value>@(context.Request.Certificate.Thumbprint == "0123456789abcdef0123456789abcdef01234567" ? "known" : "other")</value>
    </set-header>
    <validate-client-certificate validate-trust="false">
      <identities>
        <identity thumbprint="01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67" />
      </identities>
    </validate-client-certificate>
  </inbound>
</policies>
`;
    assert.deepEqual(client.initializeResult?.capabilities?.codeActionProvider?.codeActionKinds, ['quickfix', 'source.fixAll.apim-mtls']);
    client.open(file, text);
    const diags = await client.waitFor(file, (d) => codes(d).includes('thumbprint-format'));
    // unknown-thumbprint (no workspace certificate has them) has no automatic fix: it stays.
    assert.deepEqual(codes(diags), ['certificate-null-check', 'thumbprint-case', 'thumbprint-format', 'unknown-thumbprint', 'unknown-thumbprint']);
    const whole = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const ask = (only?: string[]) =>
      client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(file) }, range: whole, context: { diagnostics: [], ...(only ? { only } : {}) } });
    // What VS Code asks on save with "editor.codeActionsOnSave": { "source.fixAll": "explicit" }.
    for (const only of [['source.fixAll'], ['source'], ['source.fixAll.apim-mtls']]) {
      const actions = await ask(only);
      assert.deepEqual(actions.map((a) => [a.kind, a.title]), [['source.fixAll.apim-mtls', 'Fix all safe apim-mtls problems (3)']], only.join());
    }
    assert.deepEqual(await ask(['source.organizeImports']), []);
    assert.ok(!(await ask()).some((a) => a.title.startsWith('Fix all')), 'not on a range without a finding that has a safe fix');
    // In the lightbulb of a finding with a safe fix: "Fix all" too, as a quick-fix, since the file has three.
    const format = diags.find((d) => d.code === 'thumbprint-format')!;
    const bulb = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(file) }, range: format.range, context: { diagnostics: [format] } });
    assert.deepEqual(bulb.filter((a) => a.title.startsWith('Fix all')).map((a) => [a.kind, a.title]), [['quickfix', 'Fix all safe apim-mtls problems (3)']]);
    const [fixAll] = await ask(['source.fixAll']);
    const edits = (fixAll!.edit!.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]);
    const fixed = applyEdits(text, edits);
    assert.match(fixed, /<identity thumbprint="0123456789ABCDEF0123456789ABCDEF01234567" \/>/);
    assert.match(fixed, /Certificate\?\.Thumbprint == "0123456789ABCDEF0123456789ABCDEF01234567"/);
    client.change(file, fixed);
    const after = await client.waitFor(file, (d) => !codes(d).includes('thumbprint-format'));
    assert.deepEqual(codes(after), ['unknown-thumbprint', 'unknown-thumbprint']);
    assert.deepEqual(await ask(['source.fixAll']), [], 'nothing left to fix');
  });

  it('survives a garbage document and keeps answering', async () => {
    const garbage = path.join(dir, 'policies', 'garbage.policy.xml');
    const noise = '<policies><inbound><validate-client-certificate validate-trust="@(\u0000<<<>>>"' + '\u{1F4A5}'.repeat(50) + '<</'.repeat(2000);
    client.open(garbage, noise);
    const diags = await client.waitFor(garbage, (d) => d.length > 0);
    assert.ok(codes(diags).includes('policy-xml-syntax'));
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(garbage) }, position: { line: 0, character: 5 } });
    assert.ok(hover === null || typeof hover === 'object');
    // Still alive: the original policy still answers code actions.
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(policyFile) },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(actions));
  });
});

describe('language server: the "context" of .apim-mtls.json, outside the workspace folder', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-context');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    // The Bicep outside the opened folder also has a finding of its own (no enableClientCertificate): never published.
    const bicep = path.join(dir, 'infra', 'main.bicep');
    fs.writeFileSync(bicep, fs.readFileSync(bicep, 'utf8').replace('    enableClientCertificate: true\n', ''));
    fs.writeFileSync(path.join(dir, 'policies', '.apim-mtls.json'), JSON.stringify({ context: ['../infra', '../missing'] }));
    client = await TestClient.start(path.join(dir, 'policies'));
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('gives a policy the tier of the Bicep it names, reports nothing in that Bicep, and says which path is missing', async () => {
    const policy = path.join(dir, 'policies', 'get-order.operation.xml');
    client.open(policy, fs.readFileSync(policy, 'utf8'));
    const diags = await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    assert.ok(diags.find((d) => d.code === 'validate-trust-unsupported-tier')!.relatedInformation?.some((r) => r.location.uri.endsWith('/infra/main.bicep')));
    assert.equal(client.diagnostics.get(client.uri(path.join(dir, 'infra', 'main.bicep'))), undefined, 'context files are not linted');
    assert.ok(client.logs.some((m) => /"context" in \.apim-mtls\.json: .*missing: no such file or directory/.test(m)), client.logs.join('\n'));
  });

  it('watches the context path itself: a SKU changed there on disk re-lints the policy', async () => {
    const policy = path.join(dir, 'policies', 'get-order.operation.xml');
    const bicep = path.join(dir, 'infra', 'main.bicep');
    fs.writeFileSync(bicep, fs.readFileSync(bicep, 'utf8').replace("name: 'StandardV2'", "name: 'Premium'"));
    await client.waitFor(policy, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    assert.equal(client.diagnostics.get(client.uri(bicep)), undefined, 'still not linted');
  });

  it('a folder moved into the context path with its Bicep is read at once; removed, it is forgotten', async () => {
    const policy = path.join(dir, 'policies', 'get-order.operation.xml');
    // infra/v2/main.bicep deploys the same policy again, on a StandardV2 service: written elsewhere, then moved in.
    const staged = path.join(dir, 'staging', 'v2');
    fs.mkdirSync(staged, { recursive: true });
    const bicep = fs.readFileSync(path.join(dir, 'infra', 'main.bicep'), 'utf8');
    fs.writeFileSync(path.join(staged, 'main.bicep'), bicep.replace("name: 'Premium'", "name: 'StandardV2'").replace("'../policies/", "'../../policies/"));
    const moved = path.join(dir, 'infra', 'v2');
    fs.renameSync(staged, moved);
    await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    assert.equal(client.diagnostics.get(client.uri(path.join(moved, 'main.bicep'))), undefined, 'context files are not linted');
    fs.rmSync(moved, { recursive: true });
    await client.waitFor(policy, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
  });
});

describe('language server: mistakes in .apim-mtls.json and in the settings', () => {
  it("shows a configuration file's problems on that file, at the setting; fixed on disk, they go", async () => {
    const dir = makeTempDir('lsp-config');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    const configFile = path.join(dir, '.apim-mtls.json');
    fs.writeFileSync(configFile, '{\n  "rules": { "utcnow-certificate-validty": "off" }\n}\n');
    const client = await TestClient.start(dir);
    try {
      const policy = path.join(dir, 'policies', 'get-order.operation.xml');
      client.open(policy, fs.readFileSync(policy, 'utf8'));
      const diags = await client.waitFor(configFile, (d) => d.length > 0);
      assert.deepEqual(
        diags.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character, d.severity, d.message]),
        [[1, 13, 41, 2, 'no rule "utcnow-certificate-validty" (did you mean utcnow-certificate-validity?); `apim-mtls rules` lists them']],
      );
      const policyDiags = await client.waitFor(policy, (d) => codes(d).includes('utcnow-certificate-validity'));
      assert.ok(policyDiags.every((d) => d.code !== undefined), 'nothing about the configuration on the policy');
      fs.writeFileSync(configFile, '{\n  "rules": { "utcnow-certificate-validity": "off" }\n}\n');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(configFile), type: 2 }] });
      await client.waitFor(configFile, (d) => d.length === 0);
      await client.waitFor(policy, (d) => !codes(d).includes('utcnow-certificate-validity'));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('"ignore" in .apim-mtls.json: an ignored file gets no diagnostics, open or not; taken out of "ignore" on disk, it is linted', async () => {
    const dir = makeTempDir('lsp-ignore');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    const configFile = path.join(dir, '.apim-mtls.json');
    const policy = path.join(dir, 'policies', 'get-order.operation.xml');
    const generated = path.join(dir, 'generated', 'get-order.operation.xml');
    fs.mkdirSync(path.dirname(generated), { recursive: true });
    fs.copyFileSync(policy, generated);
    fs.writeFileSync(configFile, JSON.stringify({ ignore: ['generated/'] }));
    const client = await TestClient.start(dir);
    try {
      client.open(policy, fs.readFileSync(policy, 'utf8'));
      await client.waitFor(policy, (d) => codes(d).includes('utcnow-certificate-validity'));
      client.open(generated, fs.readFileSync(generated, 'utf8'));
      client.change(generated, fs.readFileSync(generated, 'utf8') + '\n');
      // Past the start-up lint and the edit's: nothing was ever published for the ignored file.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(client.diagnostics.get(client.uri(generated)), undefined);
      fs.writeFileSync(configFile, '{}');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(configFile), type: 2 }] });
      await client.waitFor(generated, (d) => codes(d).includes('utcnow-certificate-validity'));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('the documentation command, when the client cannot show a document, says where the page is; the server keeps answering', async () => {
    const dir = makeTempDir('lsp-docs');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    // This client answers window/showDocument (and window/showMessageRequest) with "unhandled method".
    const client = await TestClient.start(dir);
    try {
      await client.request('workspace/executeCommand', { command: 'apim-mtls.openRuleDocs', arguments: ['identity-without-thumbprint'] });
      const policy = path.join(dir, 'policies', 'get-order.operation.xml');
      client.open(policy, fs.readFileSync(policy, 'utf8'));
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
      assert.deepEqual(client.messages.map((m) => m.replace(/: \S+$/, '')), ['Documentation for identity-without-thumbprint']);
      assert.match(client.messages[0]!, /docs\/rules\/identity-without-thumbprint\.md$/);
      assert.equal(client.ended, false);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a tier from apimMtls.sku is named as such: in the messages and in apim-mtls/policyTier', async () => {
    const dir = makeTempDir('lsp-sku-setting');
    const client = await TestClient.start(dir, { settings: { sku: 'StandardV2' } });
    try {
      const policy = path.join(dir, 'lone.policy.xml');
      client.open(policy, '<policies><inbound><base /><validate-client-certificate /></inbound></policies>');
      const diags = await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
      assert.match(String(diags.find((d) => d.code === 'validate-trust-unsupported-tier')!.message), /StandardV2 \(from apimMtls\.sku\) can't validate/);
      assert.deepEqual(await client.request(POLICY_TIER_REQUEST, { uri: client.uri(policy) }), { skus: ['StandardV2'], unknown: false, deployments: 0, origins: [], setBy: 'apimMtls.sku' });
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('unused-suppression, when turned on: a faded diagnostic on the comment, whose quick fix removes it', async () => {
    const dir = makeTempDir('lsp-unused');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    const client = await TestClient.start(dir, { settings: { rules: { 'unused-suppression': 'warning' } } });
    try {
      const policy = path.join(dir, 'policies', 'get-order.operation.xml');
      const original = fs.readFileSync(policy, 'utf8');
      // The first comment suppresses the tier finding on its line; the second suppresses nothing.
      const text = original
        .replace('        <validate-client-certificate ', '        <!-- apim-mtls-disable-next-line validate-trust-unsupported-tier -->\n        <validate-client-certificate ')
        .replace('        <choose>', '        <!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n        <choose>');
      client.open(policy, text, 'apim-policy');
      const diags = await client.waitFor(policy, (d) => codes(d).includes('unused-suppression'));
      assert.deepEqual(codes(diags), ['unused-suppression', 'utcnow-certificate-validity']);
      const unused = diags.find((d) => d.code === 'unused-suppression')!;
      assert.deepEqual(unused.tags, [1], 'DiagnosticTag.Unnecessary: shown faded');
      assert.equal(unused.range.start.line, text.split('\n').findIndex((l) => l.includes('identity-without-thumbprint')));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(policy) }, range: unused.range, context: { diagnostics: [unused] } });
      const remove = actions.find((a) => a.title === 'Remove the unused suppression comment');
      assert.ok(remove?.edit, actions.map((a) => a.title).join(' | '));
      // A comment about a comment is no way out: the rule is set in the configuration (it is off by default).
      assert.deepEqual(actions.filter((a) => a.title.startsWith('Disable unused-suppression')).map((a) => a.title), []);
      assert.ok(actions.some((a) => a.title === 'Show documentation for unused-suppression'));
      const changed = applyEdits(text, (remove.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]));
      assert.ok(!changed.includes('identity-without-thumbprint') && changed.includes('validate-trust-unsupported-tier -->'), changed);
      client.change(policy, changed);
      const after = await client.waitFor(policy, (d) => !codes(d).includes('unused-suppression'));
      assert.deepEqual(codes(after), ['utcnow-certificate-validity']);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('reads an included policy fragment in place; editing the fragment re-lints the policy that includes it', async () => {
    const dir = makeTempDir('lsp-fragment');
    const policy = path.join(dir, 'apimartifacts', 'apis', 'orders', 'policy.xml');
    const fragment = path.join(dir, 'apimartifacts', 'policyFragments', 'client-cert', 'policy.xml');
    fs.mkdirSync(path.dirname(policy), { recursive: true });
    fs.mkdirSync(path.dirname(fragment), { recursive: true });
    const policyText = `<policies>
    <inbound>
        <base />
        <include-fragment fragment-id="client-cert" />
        <set-header name="X-Client-Thumbprint" exists-action="override">
            <value>@(context.Request.Certificate.Thumbprint)</value>
        </set-header>
    </inbound>
</policies>
`;
    fs.writeFileSync(policy, policyText);
    fs.writeFileSync(fragment, '<fragment>\n    <rate-limit calls="10" renewal-period="60" />\n</fragment>\n');
    const client = await TestClient.start(dir);
    try {
      client.open(policy, policyText);
      await client.waitFor(policy, (d) => codes(d).includes('certificate-null-check'));
      // The fragment now validates the certificate: the policy's read after the include is guarded.
      client.open(fragment, fs.readFileSync(fragment, 'utf8'));
      // Past the start-up lint of every file: the policy is linted again only because the fragment changed.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.ok(codes(client.diagnostics.get(client.uri(policy))!).includes('certificate-null-check'));
      client.change(fragment, '<fragment>\n    <validate-client-certificate validate-trust="false">\n        <identities>\n            <identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" />\n        </identities>\n    </validate-client-certificate>\n</fragment>\n');
      const after = await client.waitFor(policy, (d) => !codes(d).includes('certificate-null-check'));
      assert.deepEqual(codes(after), []);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it("counts the API policy's check for an operation after <base />; editing the API policy re-lints the operation", async () => {
    const dir = makeTempDir('lsp-enclosing');
    const api = path.join(dir, 'apimartifacts', 'apis', 'orders', 'policy.xml');
    const operation = path.join(dir, 'apimartifacts', 'apis', 'orders', 'operations', 'get-order', 'policy.xml');
    fs.mkdirSync(path.dirname(operation), { recursive: true });
    const operationText = `<policies>
    <inbound>
        <base />
        <set-header name="X-Client-Thumbprint" exists-action="override">
            <value>@(context.Request.Certificate.Thumbprint)</value>
        </set-header>
    </inbound>
</policies>
`;
    const apiText = (inner: string): string => `<policies>\n    <inbound>\n        <base />\n${inner}    </inbound>\n</policies>\n`;
    const validates = '        <validate-client-certificate validate-trust="false">\n            <identities>\n                <identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" />\n            </identities>\n        </validate-client-certificate>\n';
    fs.writeFileSync(operation, operationText);
    fs.writeFileSync(api, apiText(''));
    const client = await TestClient.start(dir);
    try {
      client.open(operation, operationText);
      await client.waitFor(operation, (d) => codes(d).includes('certificate-null-check'));
      client.open(api, apiText(''));
      client.change(api, apiText(validates));
      // The API policy now answers 401 without a certificate before the operation's read runs.
      await client.waitFor(operation, (d) => !codes(d).includes('certificate-null-check'));
      client.change(api, apiText('        <rate-limit calls="10" renewal-period="60" />\n'));
      await client.waitFor(operation, (d) => codes(d).includes('certificate-null-check'));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('with a subfolder opened, reads what its Bicep refers to outside it, as the CLI does: the same findings', async () => {
    const dir = makeTempDir('lsp-subfolder');
    fs.cpSync(examplesDir, path.join(dir, 'examples'), { recursive: true });
    const root = path.join(dir, 'examples', 'mistakes');
    // The CLI on the same folder: its Bicep imports ../shared/settings.bicep and loads ../certs/*.
    const lint = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', root, '--format', 'json'], { encoding: 'utf8' });
    const expected = new Map<string, string[]>();
    for (const entry of JSON.parse(lint.stdout) as { filePath: string; messages: { ruleId: string | null }[] }[]) {
      const ids = entry.messages.map((m) => String(m.ruleId)).sort();
      if (ids.length > 0 && !entry.filePath.endsWith('.apim-mtls.json')) expected.set(entry.filePath, ids);
    }
    assert.ok([...expected.values()].flat().includes('validate-trust-unsupported-tier'), 'a finding that needs the tier from outside the folder');
    const client = await TestClient.start(root);
    try {
      for (const [file, ids] of expected) {
        await client.waitFor(file, (d) => JSON.stringify(codes(d)) === JSON.stringify(ids), 20_000).catch(() => {
          assert.fail(`${path.relative(root, file)}: the editor shows ${JSON.stringify(codes(client.diagnostics.get(client.uri(file)) ?? []))}, the CLI ${JSON.stringify(ids)}`);
        });
      }
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('with a subfolder opened, watches the files read from outside it: a SKU type edited there on disk re-lints the policies', async () => {
    const dir = makeTempDir('lsp-subfolder-watch');
    fs.cpSync(examplesDir, path.join(dir, 'examples'), { recursive: true });
    const root = path.join(dir, 'examples', 'mistakes');
    const policy = path.join(root, 'policies', 'validate-trust-unsupported-tier.operation.xml');
    const settings = path.join(dir, 'examples', 'shared', 'settings.bicep');
    const v2 = "type apimV2SkuType = 'BasicV2' | 'StandardV2' | 'PremiumV2'";
    const client = await TestClient.start(root);
    try {
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      // Saved the way editors save: a new file renamed over the old one.
      const text = fs.readFileSync(settings, 'utf8');
      assert.ok(text.includes(v2));
      fs.writeFileSync(`${settings}.tmp`, text.replace(v2, "type apimV2SkuType = 'Premium'"));
      fs.renameSync(`${settings}.tmp`, settings);
      await client.waitFor(policy, (d) => !codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      fs.writeFileSync(settings, text);
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      assert.equal(client.diagnostics.get(client.uri(settings)), undefined, 'a file outside the folder is never published');
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('says in a message what is wrong with the apimMtls settings, and applies the rest of them', async () => {
    const dir = makeTempDir('lsp-settings');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    const client = await TestClient.start(dir, { settings: { rules: { 'utcnow-certificate-validity': 'off', 'validate-trust-unsuported-tier': 'off' } } });
    try {
      const policy = path.join(dir, 'policies', 'get-order.operation.xml');
      client.open(policy, fs.readFileSync(policy, 'utf8'));
      const diags = await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
      assert.ok(!codes(diags).includes('utcnow-certificate-validity'), 'the valid setting applies');
      assert.deepEqual(client.messages, [
        'apim-mtls settings: apimMtls.rules: no rule "validate-trust-unsuported-tier" (did you mean validate-trust-unsupported-tier?); `apim-mtls rules` lists them',
      ]);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });
});

describe('language server: "Disable … for this file"', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-disable-file');
    fs.cpSync(examplesDir, dir, { recursive: true });
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  /** The code actions on the first diagnostic of `code` in `file` (opened with `text`). */
  async function actionsOn(file: string, text: string, code: string): Promise<CodeAction[]> {
    client.open(file, text, file.endsWith('.bicep') ? 'bicep' : file.endsWith('.xml') ? 'apim-policy' : 'apim-certificate');
    const d = (await client.waitFor(file, (x) => codes(x).includes(code), 20_000)).find((x) => x.code === code)!;
    return client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(file) }, range: d.range, context: { diagnostics: [d] } });
  }

  const edited = (text: string, action: CodeAction | undefined) => applyEdits(text, (action!.edit!.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]));

  it('in a policy: a comment after the XML declaration turns the rule off in the whole file, and only that rule', async () => {
    const file = path.join(dir, 'mistakes', 'policies', 'identity-without-thumbprint.operation.xml');
    // With an XML declaration, and a second mistake (a thumbprint too short) that must still be reported.
    const text = `<?xml version="1.0" encoding="utf-8"?>\n${fs.readFileSync(file, 'utf8')}`.replace('</identities>', '    <identity thumbprint="ABC123" />\n            </identities>');
    const actions = await actionsOn(file, text, 'identity-without-thumbprint');
    const before = codes(client.diagnostics.get(client.uri(file))!);
    assert.ok(before.length > 1, `another rule reports on this policy too: ${before}`);
    const action = actions.find((a) => a.title === 'Disable identity-without-thumbprint for this file');
    assert.ok(action?.edit, 'the action, with an edit');
    const changed = edited(text, action);
    assert.match(changed, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<!-- apim-mtls-disable identity-without-thumbprint -->\n<policies>/);
    client.change(file, changed);
    const after = await client.waitFor(file, (d) => !codes(d).includes('identity-without-thumbprint'));
    assert.deepEqual(codes(after), before.filter((c) => c !== 'identity-without-thumbprint'));
  });

  it('a finding on an inner line of a multi-line expression or start tag: the rule is turned off around the element (a comment there would break the policy)', async () => {
    const file = path.join(dir, 'mistakes', 'policies', 'multi-line.operation.xml');
    const text = `<policies>
    <inbound>
        <base />
        <set-variable name="state" value="@{
            var cert = context.Request.Certificate;
            if (cert == null) { return &quot;none&quot;; }
            var now = DateTime.UtcNow;
            return cert.NotAfter &lt; now ? &quot;expired&quot; : &quot;ok&quot;;
        }" />
        <validate-client-certificate validate-revocation="false"
            validate-trust="false"
            ignore-error="true">
            <identities>
                <identity thumbprint="{{partner-thumbprint}}" />
            </identities>
        </validate-client-certificate>
    </inbound>
</policies>
`;
    fs.writeFileSync(file, text);
    for (const [code, element] of [
      ['utcnow-certificate-validity', 'set-variable'],
      ['ignore-error-enabled', 'validate-client-certificate'],
    ] as const) {
      const actions = await actionsOn(file, text, code);
      const before = codes(client.diagnostics.get(client.uri(file))!);
      const action = actions.find((a) => a.title === `Disable ${code} for this <${element}>`);
      assert.ok(action?.edit, actions.map((a) => a.title).join(' | '));
      const changed = edited(text, action);
      client.change(file, changed);
      const after = await client.waitFor(file, (d) => !codes(d).includes(code));
      // The policy is still well formed, and only that rule went.
      assert.deepEqual(codes(after), before.filter((c) => c !== code), changed);
      client.change(file, text);
      await client.waitFor(file, (d) => codes(d).includes(code));
    }
  });

  it("in Bicep: Bicep's own #disable-diagnostics at the top", async () => {
    const file = path.join(dir, 'mistakes', 'service.bicep');
    const text = fs.readFileSync(file, 'utf8');
    const actions = await actionsOn(file, text, 'pem-markers-in-certificate');
    const action = actions.find((a) => a.title === 'Disable pem-markers-in-certificate for this file');
    assert.ok(action?.edit, actions.map((a) => a.title).join(' | '));
    const changed = edited(text, action);
    assert.ok(changed.startsWith('#disable-diagnostics pem-markers-in-certificate\n') || changed.startsWith('#disable-diagnostics pem-markers-in-certificate\r\n'), changed.slice(0, 80));
    client.change(file, changed);
    const after = await client.waitFor(file, (d) => !codes(d).includes('pem-markers-in-certificate'));
    assert.deepEqual(codes(after), ['policy-format-mismatch', 'policy-value-not-loaded'], 'the other rules still report');
  });

  it('in a certificate file: no comment to write, so no "Disable" actions (the documentation is still offered)', async () => {
    const file = path.join(dir, 'mistakes', 'expiring', 'certs', 'partner-client.cer');
    const titles = (await actionsOn(file, fs.readFileSync(file, 'utf8'), 'certificate-expiring')).map((a) => a.title);
    assert.deepEqual(titles, ['Show documentation for certificate-expiring']);
  });
});

describe('language server: the attributes of validate-client-certificate and <identity>', () => {
  let dir: string;
  let plain: TestClient;
  let snippets: TestClient;
  let file: string;

  before(async () => {
    dir = makeTempDir('lsp-attributes');
    file = path.join(dir, 'check.policy.xml');
    fs.writeFileSync(file, '<policies><inbound /></policies>\n');
    [plain, snippets] = await Promise.all([TestClient.start(dir), TestClient.start(dir, { snippets: true })]);
  });

  after(async () => {
    await Promise.all([plain.stop(), snippets.stop()]);
    removeTempDir(dir);
  });

  /** Opens the policy with `text` in `client`, the cursor at `|`, and asks for completion there. */
  async function complete(client: TestClient, text: string): Promise<CompletionItem[]> {
    const at = text.indexOf('|');
    const before = text.slice(0, at);
    const position = { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
    client.open(file, text.replace('|', ''));
    return client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(file) }, position });
  }

  const vcc = (tag: string) => `<policies>\n<inbound>\n${tag}\n</inbound>\n</policies>\n`;
  const labels = (items: CompletionItem[]) => items.map((i) => String(i.label));

  it('offers the attributes not written yet, before and after the cursor, with what each does, and replaces the name typed', async () => {
    const items = await complete(plain, vcc('<validate-client-certificate validate-trust="false" ign| validate-revocation="true">'));
    assert.deepEqual(labels(items), ['validate-not-before', 'validate-not-after', 'ignore-error', 'id']);
    const ignore = items.find((i) => i.label === 'ignore-error')!;
    assert.equal(ignore.detail, 'boolean, default false');
    assert.match((ignore.documentation as { value: string }).value, /instead of answering 401/);
    // Without snippet support: the name and its quotes, over the "ign" typed.
    const line = '<validate-client-certificate validate-trust="false" ign validate-revocation="true">';
    assert.deepEqual(ignore.textEdit, { newText: 'ignore-error=""', range: { start: { line: 2, character: line.indexOf('ign') }, end: { line: 2, character: line.indexOf('ign') + 3 } } });
    const identity = await complete(plain, vcc('<validate-client-certificate>\n<identities>\n<identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" | />'));
    assert.deepEqual(labels(identity), ['serial-number', 'common-name', 'subject', 'dns-name', 'issuer-subject', 'issuer-thumbprint', 'issuer-certificate-id']);
    assert.match((identity.find((i) => i.label === 'subject')!.documentation as { value: string }).value, /Anyone can mint a certificate with it/);
  });

  it('offers true and false in a boolean, the default first; nothing right after the element name or a value, or in other elements', async () => {
    assert.deepEqual(labels(await complete(plain, vcc('<validate-client-certificate validate-revocation="|">'))), ['true', 'false']);
    const ignore = await complete(plain, vcc("<validate-client-certificate ignore-error='t|'>"));
    assert.deepEqual(labels(ignore), ['false', 'true']);
    assert.equal(ignore[0]!.detail, 'the default');
    for (const tag of ['<validate-client-certificate|', '<validate-client-certificate validate-trust="true"|', '<set-header |', '<validate-client-certificate id="|"']) {
      assert.deepEqual(await complete(plain, vcc(tag)), [], tag);
    }
  });

  it('gives a client that takes snippets the cursor in the quotes, and a boolean its two values to choose from', async () => {
    const items = await complete(snippets, vcc('<validate-client-certificate |>'));
    const trust = items.find((i) => i.label === 'validate-trust')!;
    assert.equal((trust.textEdit as TextEdit).newText, 'validate-trust="${1|true,false|}"');
    assert.equal(trust.insertTextFormat, 2);
    assert.equal((items.find((i) => i.label === 'id')!.textEdit as TextEdit).newText, 'id="$1"');
    // Renaming an attribute that has its value: only the name.
    const renamed = await complete(snippets, vcc('<validate-client-certificate ignore|-eror="true">'));
    assert.equal((renamed.find((i) => i.label === 'ignore-error')!.textEdit as TextEdit).newText, 'ignore-error');
  });

  it('hovers an attribute with what it does', async () => {
    const text = vcc('<validate-client-certificate ignore-error="false"><identities><identity serial-number="01" /></identities></validate-client-certificate>');
    plain.open(file, text);
    const line = text.split('\n')[2]!;
    for (const [name, expected] of [['serial-number', /`serial-number` \(text\)[\s\S]*pair it with an issuer claim/], ['ignore-error', /`ignore-error` \(boolean, default false\)/]] as const) {
      const hover = await plain.request<Hover | null>('textDocument/hover', { textDocument: { uri: plain.uri(file) }, position: { line: 2, character: line.indexOf(name) + 2 } });
      assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', expected, name);
    }
  });
});

describe('language server: completion of certificates (examples)', () => {
  let dir: string;
  let client: TestClient;
  let policyFile: string;

  before(async () => {
    dir = makeTempDir('lsp-complete');
    fs.cpSync(examplesDir, dir, { recursive: true });
    // A policy the mistakes service deploys (certificates.bicep), so its uploaded certificate ids are known.
    policyFile = path.join(dir, 'mistakes', 'policies', 'unknown-certificate-id.operation.xml');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  /** Opens the policy with `text`, the cursor at `|`, and asks for completion until the index has what it needs. */
  async function complete(text: string, ready: (items: CompletionItem[]) => boolean): Promise<CompletionItem[]> {
    const at = text.indexOf('|');
    const before = text.slice(0, at);
    const position = { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
    client.open(policyFile, text.replace('|', ''));
    for (let i = 0; ; i++) {
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(policyFile) }, position });
      if (ready(items) || i === 100) return items;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const identity = (attribute: string) =>
    `<policies>\n<inbound>\n<validate-client-certificate validate-trust="true">\n<identities>\n<identity ${attribute}="|" />\n</identities>\n</validate-client-certificate>\n</inbound>\n</policies>\n`;

  it('offers the workspace certificates in thumbprint="…", with subject and validity; an expired one is marked', async () => {
    const items = await complete(identity('thumbprint'), (i) => i.length > 0);
    const valid = items.find((i) => i.label === 'DEV Valid Client');
    assert.ok(valid, items.map((i) => i.label).join(', '));
    assert.equal(valid.labelDetails?.description, 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E');
    assert.equal((valid.textEdit as TextEdit).newText, 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E');
    assert.deepEqual((valid.textEdit as TextEdit).range, { start: { line: 4, character: 22 }, end: { line: 4, character: 22 } });
    assert.deepEqual(items.find((i) => i.label === 'DEV Expired Client')?.tags, [1], 'deprecated');
    // Valid from 2090: struck through too, and after the valid ones.
    const later = items.find((i) => i.label === 'DEV Not Yet Valid Client');
    assert.deepEqual(later?.tags, [1]);
    assert.ok(String(later?.sortText) > String(valid.sortText), 'not yet valid sorts after the valid ones');
    assert.ok(items.some((i) => i.label === 'APIM Sample Root CA'));
  });

  it('offers only CA certificates in issuer-thumbprint="…"', async () => {
    const items = await complete(identity('issuer-thumbprint'), (i) => i.length > 0);
    const labels = items.map((i) => i.label).sort();
    assert.deepEqual(labels, ['APIM Sample DEV Intermediate CA', 'APIM Sample Root CA', 'APIM Sample TST Intermediate CA']);
  });

  it('offers the workspace certificates in context.Deployment.Certificates["…"], keyed by thumbprint, replacing what is typed', async () => {
    const text = '<policies>\n<inbound>\n<set-variable name="t" value="@(context.Deployment.Certificates["F0|x"].Thumbprint)" />\n</inbound>\n</policies>\n';
    const items = await complete(text, (i) => i.length > 0);
    const valid = items.find((i) => i.label === 'DEV Valid Client');
    assert.ok(valid, items.map((i) => i.label).join(', '));
    assert.equal((valid.textEdit as TextEdit).newText, 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E');
    assert.ok(items.some((i) => i.label === 'Partner Client'), 'the certificate the service uploads as partner-client');
    const line = text.split('\n')[2]!.replace('|', '');
    // The whole key: what is typed before the cursor ("F0") and the rest of it after ("x"), up to the quote.
    assert.deepEqual((valid.textEdit as TextEdit).range, { start: { line: 2, character: line.indexOf('F0x') }, end: { line: 2, character: line.indexOf('F0x') + 3 } });
  });

  it('offers the ids the service uploads in issuer-certificate-id="…"', async () => {
    const items = await complete(identity('issuer-certificate-id'), (i) => i.length > 0);
    assert.deepEqual(items.map((i) => i.label).sort(), ['dev-expired-client', 'dev-valid-client', 'partner-client']);
  });

  it('completes in a policy written in a Bicep string too, with the ids of the service it is deployed to', async () => {
    const bicep = path.join(dir, 'mistakes', 'inline-complete.bicep');
    const text = `param apiManagementServiceName string
resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}
resource servicePolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apiManagementService
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: '''<policies>
  <inbound>
    <validate-client-certificate validate-trust="true">
      <identities>
        <identity issuer-certificate-id="|" />
      </identities>
    </validate-client-certificate>
  </inbound>
</policies>'''
  }
}
`;
    const at = text.indexOf('|');
    const before = text.slice(0, at);
    const position = { line: before.split('\n').length - 1, character: at - (before.lastIndexOf('\n') + 1) };
    client.open(bicep, text.replace('|', ''));
    let labels: string[] = [];
    for (let i = 0; i < 100 && labels.length === 0; i++) {
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(bicep) }, position });
      labels = items.map((x) => String(x.label)).sort();
      if (labels.length === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(labels, ['dev-expired-client', 'dev-valid-client', 'partner-client']);
    // Outside the string, the Bicep file offers nothing.
    const outside = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(bicep) }, position: { line: 0, character: 3 } });
    assert.deepEqual(outside, []);
    // The attributes of validate-client-certificate too, in the string.
    const tag = text.replace('|', '').replace('<validate-client-certificate validate-trust="true">', '<validate-client-certificate validate-trust="true" >');
    client.change(bicep, tag);
    const lines = tag.split('\n');
    const line = lines.findIndex((l) => l.includes('validate-trust="true" >'));
    const attributes = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: client.uri(bicep) }, position: { line, character: lines[line]!.indexOf('" >') + 2 } });
    assert.deepEqual(attributes.map((i) => String(i.label)), ['validate-revocation', 'validate-not-before', 'validate-not-after', 'ignore-error', 'id']);
  });

  it('hovers a certificate id with the certificate the service uploads under it, and a certificate key with its certificate', async () => {
    const text = '<policies>\n<inbound>\n<validate-client-certificate validate-trust="true"><identities><identity issuer-certificate-id="partner-client" /></identities></validate-client-certificate>\n</inbound>\n</policies>\n';
    client.open(policyFile, text);
    const character = text.split('\n')[2]!.indexOf('partner-client') + 3;
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position: { line: 2, character } });
    const value = (hover?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(value, /`partner-client`: uploaded in \.\.\/expiring\/expiring\.bicep:\d+/);
    assert.match(value, /CN=Partner Client/);
    const unknown = text.replace('partner-client', 'partner-clent');
    client.change(policyFile, unknown);
    const none = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position: { line: 2, character } });
    assert.match((none?.contents as { value: string } | undefined)?.value ?? '', /No certificate with the id `partner-clent` is uploaded/);
    // context.Deployment.Certificates is keyed by thumbprint: its key shows the certificate with that thumbprint.
    const keyed = '<policies>\n<inbound>\n<set-variable name="t" value="@(context.Deployment.Certificates["4706DDD29E9DCC46970897F0D3E9EFAF69BBD694"].Thumbprint)" />\n</inbound>\n</policies>\n';
    client.change(policyFile, keyed);
    const keyHover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position: { line: 2, character: keyed.split('\n')[2]!.indexOf('4706') + 3 } });
    assert.match((keyHover?.contents as { value: string } | undefined)?.value ?? '', /CN=Partner Client/);
  });

  it('goes to the definition of a certificate id, a pinned thumbprint, a certificate key and a named value', async () => {
    const text = [
      '<policies>',
      '<inbound>',
      '<validate-client-certificate validate-trust="{{validate-certificate-chain}}">',
      '<identities><identity thumbprint="F01C8E2463256F9B5450FDDC900CE33B8F43C98E" /><identity issuer-certificate-id="partner-client" /></identities>',
      '</validate-client-certificate>',
      '<set-variable name="t" value="@(context.Deployment.Certificates["4706DDD29E9DCC46970897F0D3E9EFAF69BBD694"].Thumbprint)" />',
      '</inbound>',
      '</policies>',
      '',
    ].join('\n');
    /** The definitions at the first `needle` of `line` in `file` (0-based line), as `relative/path:line`. */
    const definitionAt = async (file: string, content: string, line: number, needle: string) => {
      const character = content.split('\n')[line]!.indexOf(needle) + 3;
      const locations = await client.request<{ uri: string; range: { start: { line: number } } }[]>('textDocument/definition', { textDocument: { uri: client.uri(file) }, position: { line, character } });
      return locations.map((l) => `${path.relative(dir, decodeURIComponent(new URL(l.uri).pathname))}:${l.range.start.line + 1}`);
    };
    const lineOf = (file: string, needle: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    client.open(policyFile, text);
    const upload = `mistakes/expiring/expiring.bicep:${lineOf('mistakes/expiring/expiring.bicep', "'Microsoft.ApiManagement/service/certificates")}`;
    // The id: the upload of partner-client (a service/certificates resource).
    assert.deepEqual(await definitionAt(policyFile, text, 3, 'partner-client'), [upload]);
    // Its thumbprint as the key of context.Deployment.Certificates: the same upload, then the files holding it.
    assert.deepEqual(await definitionAt(policyFile, text, 5, '4706DDD'), [upload, 'mistakes/expiring/certs/partner-client.cer:1', 'mistakes/expiring/certs/partner-client.without-markers.cer:1']);
    // A pinned thumbprint: the service uploads dev-valid-client too, and both files hold that certificate (with and without PEM markers).
    assert.deepEqual(await definitionAt(policyFile, text, 3, 'F01C8E'), [
      `mistakes/service.bicep:${lineOf('mistakes/service.bicep', 'resource validClientCertificate')}`,
      'certs/dev-valid-client.cer:1',
      'certs/dev-valid-client.without-markers.cer:1',
    ]);
    // The service this policy is deployed to defines no such named value; elsewhere in the policy there is nothing.
    assert.deepEqual(await definitionAt(policyFile, text, 2, 'validate-certificate-chain'), []);
    assert.deepEqual(await definitionAt(policyFile, text, 1, 'inbound'), []);
    // Nothing is known of a misspelt id.
    const misspelt = text.replace('"partner-client"', '"partner-clent"');
    client.change(policyFile, misspelt);
    assert.deepEqual(await definitionAt(policyFile, misspelt, 3, 'partner-clent'), []);
    // The good service defines the named value its policy reads.
    const good = path.join(dir, 'good', 'policies', 'validate-using-policy.operation.xml');
    const goodText = fs.readFileSync(good, 'utf8');
    client.open(good, goodText);
    const line = goodText.split('\n').findIndex((l) => l.includes('{{validate-certificate-chain}}'));
    assert.deepEqual(await definitionAt(good, goodText, line, 'validate-certificate-chain'), [`good/main.bicep:${lineOf('good/main.bicep', "resource validateCertificateChainNamedValue")}`]);
  });

  it('finds the policies pinning a certificate, from its file or from a pin, and the uses of a certificate id', async () => {
    type Found = { uri: string; range: { start: { line: number } } }[];
    const where = (locations: Found) => locations.map((l) => `${path.relative(dir, decodeURIComponent(new URL(l.uri).pathname))}:${l.range.start.line + 1}`).sort();
    const referencesAt = async (file: string, line: number, character: number, includeDeclaration: boolean) =>
      where(await client.request<Found>('textDocument/references', { textDocument: { uri: client.uri(file) }, position: { line, character }, context: { includeDeclaration } }));
    // dev-valid-client's thumbprint as the examples pin it: upper case, lower case in an expression, behind an invisible
    // U+200E; not the one with a typo in its last digit (unknown-thumbprint). And the good service's named value that
    // holds it (for `thumbprint="{{client-certificate-thumbprint}}"`).
    const lineOf = (file: string, needle: string) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
    const pins = [
      `good/main.bicep:${lineOf('good/main.bicep', "'F01C8E2463256F9B5450FDDC900CE33B8F43C98E'")}`,
      'good/policies/validate-using-policy.operation.xml:9',
      'layered/app/orders-api.xml:7',
      'mistakes/policies/identity-claims-mismatch.operation.xml:7',
      // context.Deployment.Certificates is keyed by thumbprint: ContainsKey and the indexer there use it.
      'mistakes/policies/policy-value-not-loaded.operation.xml:6',
      'mistakes/policies/policy-value-not-loaded.operation.xml:6',
      'mistakes/policies/thumbprint-case.operation.xml:6',
      'mistakes/policies/thumbprint-format.operation.xml:7',
      'service-mistakes/policies/http2-partners.xml:7',
      'service-mistakes/policies/self-hosted-gateway.xml:7',
    ];
    // The open policy of the tests before goes back to its text on disk (they made it pin that certificate too).
    client.change(policyFile, fs.readFileSync(policyFile, 'utf8'));
    const certificate = path.join(dir, 'certs', 'dev-valid-client.cer');
    client.open(certificate, fs.readFileSync(certificate, 'utf8'));
    assert.deepEqual(await referencesAt(certificate, 0, 0, false), pins);
    // From one of the pins: the same places, and with the declaration the certificate files too.
    const pinned = path.join(dir, 'service-mistakes', 'policies', 'http2-partners.xml');
    const pinnedText = fs.readFileSync(pinned, 'utf8');
    client.open(pinned, pinnedText);
    const character = pinnedText.split('\n')[6]!.indexOf('F01C8E') + 5;
    assert.deepEqual(await referencesAt(pinned, 6, character, false), pins);
    assert.deepEqual(await referencesAt(pinned, 6, character, true), ['certs/dev-valid-client.cer:1', 'certs/dev-valid-client.without-markers.cer:1', ...pins].sort());
    // A certificate id: its uses in issuer-certificate-id, in the open policy.
    const byId = '<policies>\n<inbound>\n<validate-client-certificate validate-trust="true"><identities>\n<identity issuer-certificate-id="partner-client" />\n<identity issuer-certificate-id="Partner-Client" />\n</identities></validate-client-certificate>\n</inbound>\n</policies>\n';
    client.change(policyFile, byId);
    const uses = await referencesAt(policyFile, 3, byId.split('\n')[3]!.indexOf('partner-client') + 3, false);
    const rel = path.relative(dir, policyFile);
    assert.deepEqual(uses, [`${rel}:4`, `${rel}:5`]);
    client.change(policyFile, fs.readFileSync(policyFile, 'utf8'));
  });

  it('the "Pinned in N policies" lens of a certificate file counts again after a policy pins it (codeLens/refresh)', async () => {
    const certificate = path.join(dir, 'certs', 'dev-valid-client.cer');
    client.open(certificate, fs.readFileSync(certificate, 'utf8'));
    type Lens = { command?: { title: string; command: string } };
    const pinsTitle = async () =>
      (await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: client.uri(certificate) } })).find((l) => l.command?.command === 'apimMtls.showCertificatePins')?.command?.title;
    const before = await pinsTitle();
    // policy-value-not-loaded reads it twice (ContainsKey and the indexer of context.Deployment.Certificates).
    const found = /^Pinned (\d+) times in (\d+) policies, and in 1 Bicep file$/.exec(before ?? '');
    const [times, count] = [Number(found?.[1]), Number(found?.[2])];
    assert.ok(count >= 6 && times === count + 1, before);
    const refreshes = client.lensRefreshes;
    const added = path.join(dir, 'mistakes', 'policies', 'one-more-pin.operation.xml');
    client.open(added, '<policies><inbound><validate-client-certificate validate-trust="false"><identities><identity thumbprint="F01C8E2463256F9B5450FDDC900CE33B8F43C98E" /></identities></validate-client-certificate></inbound></policies>');
    for (let i = 0; i < 50 && client.lensRefreshes === refreshes; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(client.lensRefreshes > refreshes, 'the server asked the client to refresh its code lenses');
    assert.equal(await pinsTitle(), `Pinned ${times + 1} times in ${count + 1} policies, and in 1 Bicep file`);
  });
});

describe('language server: hover on a named validate-trust (examples/environments)', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-env');
    fs.cpSync(path.join(examplesDir, 'environments'), dir, { recursive: true });
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('shows what the named value deployed with the service is on each possible tier', async () => {
    const policyFile = path.join(dir, 'policies', 'orders.api.xml');
    const text = fs.readFileSync(policyFile, 'utf8');
    client.open(policyFile, text);
    await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('validate-trust="{{'));
    const character = lines[line]!.indexOf('validate-trust="{{') + 20;
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position: { line, character } });
    const value = (hover?.contents as { value: string } | undefined)?.value ?? '';
    assert.match(value, /`\{\{validate-certificate-chain\}\}` \(the named value in \.\.\/modules\/apim\.bicep\):/);
    assert.match(value, /- StandardV2: "true"/);
    assert.match(value, /- Developer: "true"/);
    assert.match(value, /prod\.bicepparam/, 'the tier origins are listed too');
    assert.match(value, /- Premium: "true"/, 'the azd parameters file of the test environment counts too');
    assert.match(value, /main\.parameters\.test\.json/);
  });

  it('a JSON parameters file created next to the template adds its environment’s tier', async () => {
    const policyFile = path.join(dir, 'policies', 'orders.api.xml');
    const lines = fs.readFileSync(policyFile, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('validate-trust="{{'));
    const position = { line, character: lines[line]!.indexOf('validate-trust="{{') + 20 };
    const paramsFile = path.join(dir, 'main.parameters.staging.json');
    fs.writeFileSync(paramsFile, JSON.stringify({ contentVersion: '1.0.0.0', parameters: { skuName: { value: 'BasicV2' } } }));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(paramsFile), type: 1 }] });
    let value = '';
    for (let i = 0; i < 50 && !value.includes('BasicV2'); i++) {
      const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(policyFile) }, position });
      value = (hover?.contents as { value: string } | undefined)?.value ?? '';
      if (!value.includes('BasicV2')) await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(value, /- BasicV2: "true"/, value);
    assert.match(value, /main\.parameters\.staging\.json/, 'the new file is named among the origins');
  });
});

describe('language server: a policy written in a Bicep string', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-inline');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('gets the policy rules in the Bicep file; "disable for this line" writes a policy comment inside the string', async () => {
    const file = path.join(dir, 'main.bicep');
    const text = inlinePolicyBicep(`'''\n${INLINE_POLICY}'''`);
    const trustLine = text.split('\n').findIndex((l) => l.includes('validate-trust="true"'));
    fs.writeFileSync(file, text);
    client.open(file, text);
    const diags = await client.waitFor(file, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const trust = diags.find((d) => d.code === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.range.start.line, trustLine, 'on the validate-trust line inside the string');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(file) }, position: { line: trustLine, character: trust.range.start.character + 3 } });
    assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /\*\*Possible APIM tiers:\*\* StandardV2/, 'the policy hovers work inside the string');
    assert.deepEqual(hover?.range?.start, trust.range.start, 'placed in the Bicep file');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: client.uri(file) },
      range: trust.range,
      context: { diagnostics: [trust] },
    });
    const disable = actions.find((a) => a.title === 'Disable validate-trust-unsupported-tier for this line');
    assert.ok(disable?.edit?.documentChanges, actions.map((a) => a.title).join(' | '));
    const edits = (disable.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]);
    const disabled = applyEdits(text, edits);
    assert.match(disabled, /\n {4}<!-- apim-mtls-disable-next-line validate-trust-unsupported-tier -->\n {4}<validate-client-certificate/);
    assert.ok(!disabled.includes('#disable-next-line'), 'no Bicep directive inside the string');
    client.change(file, disabled);
    await client.waitFor(file, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    // "for this policy": a comment at the top of the policy text, inside the string.
    const whole = actions.find((a) => a.title === 'Disable validate-trust-unsupported-tier for this policy');
    assert.ok(whole?.edit?.documentChanges, actions.map((a) => a.title).join(' | '));
    const top = applyEdits(text, (whole.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]));
    assert.match(top, /'''\n<!-- apim-mtls-disable validate-trust-unsupported-tier -->\n<policies>/);
    client.change(file, top);
    const after = await client.waitFor(file, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    assert.ok(!codes(after).includes('policy-xml-syntax'), codes(after).join(', '));
  });
  it('"disable for this line" on a policy written on one line of a \'\'\'…\'\'\' string writes a Bicep directive above it, not XML in the code', async () => {
    const file = path.join(dir, 'one-line.bicep');
    const text = inlinePolicyBicep(`'''${INLINE_POLICY.replace(/\n\s*/g, '')}'''`);
    const valueLine = text.split('\n').findIndex((l) => l.includes("'''<policies>"));
    fs.writeFileSync(file, text);
    client.open(file, text);
    const diags = await client.waitFor(file, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const trust = diags.find((d) => d.code === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.range.start.line, valueLine);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(file) }, range: trust.range, context: { diagnostics: [trust] } });
    const disable = actions.find((a) => a.title === 'Disable validate-trust-unsupported-tier for this line');
    assert.ok(disable?.edit?.documentChanges, actions.map((a) => a.title).join(' | '));
    const disabled = applyEdits(text, (disable.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]));
    const lines = disabled.split('\n');
    assert.match(lines[valueLine]!, /^\s*#disable-next-line validate-trust-unsupported-tier$/, 'a Bicep directive on the line above');
    assert.match(lines[valueLine + 1]!, /^\s*value: '''<policies>/, 'the string is untouched');
    assert.ok(!disabled.includes('<!--'), 'no XML comment in the Bicep code');
    client.change(file, disabled);
    const after = await client.waitFor(file, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    assert.ok(!codes(after).includes('policy-xml-syntax'), codes(after).join(', '));
  });
});

describe('language server: a policy a caller writes in a string and passes to a module', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-caller-string');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('the caller gets the findings, on the tier the module deploys to; an edit of the module re-lints the caller', async () => {
    const module = API_MODULE;
    const main = apiModuleCaller(INLINE_POLICY, 'global-policy.bicep');
    const moduleFile = path.join(dir, 'global-policy.bicep');
    const mainFile = path.join(dir, 'main.bicep');
    fs.writeFileSync(moduleFile, module);
    fs.writeFileSync(mainFile, main);
    client.open(moduleFile, module);
    client.open(mainFile, main);
    const trustLine = main.split('\n').findIndex((l) => l.includes('validate-trust="true"'));
    const diags = await client.waitFor(mainFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const trust = diags.find((d) => d.code === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.range.start.line, trustLine, 'in the caller, on the line inside its string');
    const hover = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: client.uri(mainFile) }, position: { line: trustLine, character: trust.range.start.character + 3 } });
    assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /\*\*Possible APIM tiers:\*\* StandardV2/, 'the policy hovers work in the caller’s string');
    // The module now deploys the string rewritten: it is no longer the policy, and the caller's findings go.
    client.change(moduleFile, module.replace('value: policyXml', "value: replace(policyXml, 'a', 'b')"));
    await client.waitFor(mainFile, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    // And back.
    client.change(moduleFile, module);
    await client.waitFor(mainFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
  });

  it('a .bicepparam file that sets the policy: findings there, on its own SKU; "disable for this line" writes a directive above its line', async () => {
    const template = ENV_TEMPLATE;
    const oneLine = INLINE_POLICY.replace(/\n\s*/g, '');
    const params = (sku: string) => `using 'env.bicep'\nparam skuName = '${sku}'\nparam policyXml = '${oneLine}'\n`;
    const templateFile = path.join(dir, 'env.bicep');
    const prodFile = path.join(dir, 'prod.bicepparam');
    const devFile = path.join(dir, 'dev.bicepparam');
    for (const [file, text] of [[templateFile, template], [prodFile, params('StandardV2')], [devFile, params('Developer')]] as const) {
      fs.writeFileSync(file, text);
      client.open(file, text, file.endsWith('.bicepparam') ? 'bicep-params' : 'bicep');
    }
    const prod = await client.waitFor(prodFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const trust = prod.find((d) => d.code === 'validate-trust-unsupported-tier')!;
    assert.equal(trust.range.start.line, 2, 'on the line of the string, in prod.bicepparam');
    // dev's copy of the same text is on Developer, which validates chains: nothing there.
    assert.ok(!codes(await client.waitFor(devFile, () => true)).includes('validate-trust-unsupported-tier'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: client.uri(prodFile) }, range: trust.range, context: { diagnostics: [trust] } });
    const disable = actions.find((a) => a.title === 'Disable validate-trust-unsupported-tier for this line');
    assert.ok(disable?.edit?.documentChanges, actions.map((a) => a.title).join(' | '));
    const disabled = applyEdits(params('StandardV2'), (disable.edit.documentChanges as TextDocumentEdit[]).flatMap((c) => c.edits as TextEdit[]));
    assert.match(disabled.split('\n')[2]!, /^#disable-next-line validate-trust-unsupported-tier$/);
    client.change(prodFile, disabled);
    await client.waitFor(prodFile, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
  });
});

describe('language server: a bicepconfig.json alias names the Azure Verified Module', () => {
  let dir: string;
  let client: TestClient;
  let policyFile: string;
  let configFile: string;
  const changed = (file: string, type: 1 | 2 | 3) => client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(file), type }] });

  before(async () => {
    dir = makeTempDir('lsp-bicepconfig');
    fs.cpSync(path.join(fixturesDir, 'avm-alias'), dir, { recursive: true });
    policyFile = path.join(dir, 'policies', 'global.xml');
    configFile = path.join(dir, 'bicepconfig.json');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('the policy gets the tier of the module the alias resolves to, and a change to the configuration re-lints it', async () => {
    // infra/prod/main.bicep deploys it with `br/avm:res/api-management/service`: a StandardV2 service.
    await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
    // The alias now points at another module: nothing says where the policy runs.
    const original = fs.readFileSync(configFile, 'utf8');
    fs.writeFileSync(configFile, original.replace('bicep/avm', 'bicep/platform'));
    await changed(configFile, 2);
    await client.waitFor(policyFile, (d) => d.length === 0);
    // Deleted, then created again.
    fs.rmSync(configFile);
    await changed(configFile, 3);
    fs.writeFileSync(configFile, original);
    await changed(configFile, 1);
    await client.waitFor(policyFile, (d) => codes(d).includes('validate-trust-unsupported-tier'));
  });
});

describe('language server: a client that spells URIs as VS Code does', () => {
  it('after a close, the file’s findings from disk go to the URI the client used (`%40`), not Node’s spelling (`@`)', async () => {
    const dir = path.join(makeTempDir('lsp-uris'), 'team a@b+c');
    fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
    const client = await TestClient.start(dir, { vscodeUris: true });
    try {
      const file = path.join(dir, 'policies', 'get-order.operation.xml');
      assert.match(client.uri(file), /team%20a%40b%2Bc/);
      const onDisk = fs.readFileSync(file, 'utf8');
      client.open(file, onDisk);
      const saved = codes(await client.waitFor(file, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000));
      // An unsaved edit that adds a finding, then the editor is closed without saving: the findings go back to the file's.
      const edited = onDisk.replace('<inbound>', '<inbound>\n    <set-header name="X-Forwarded-Client-Cert" exists-action="delete" />\n    <set-variable name="v" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Forwarded-Client-Cert&quot;, &quot;&quot;))" />');
      client.change(file, edited);
      await client.waitFor(file, (d) => codes(d).includes('header-read-after-delete'));
      client.close(file);
      assert.deepEqual(codes(await client.waitFor(file, (d) => !codes(d).includes('header-read-after-delete'))), saved);
      const nodeSpelling = [...client.diagnostics.keys()].filter((u) => u.includes('a@b+c'));
      assert.deepEqual(nodeSpelling, [], 'nothing published under another spelling of the same file');
    } finally {
      await client.stop();
      removeTempDir(path.dirname(dir));
    }
  });
});

describe('language server: a .bicepparam file that extends a base file', () => {
  let dir: string;
  let client: TestClient;
  const base = "using none\n\nparam skuName = 'StandardV2'\n";

  before(async () => {
    dir = makeTempDir('lsp-extends');
    fs.writeFileSync(path.join(dir, 'main.bicep'), apimServiceBicep('skuName', 'policy.xml'));
    fs.writeFileSync(path.join(dir, 'shared.bicepparam'), base);
    fs.writeFileSync(path.join(dir, 'prod.bicepparam'), "using './main.bicep'\nextends './shared.bicepparam'\n");
    fs.writeFileSync(path.join(dir, 'policy.xml'), VALIDATING_POLICY);
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('judges the policy by the tier set in the base file, and re-lints it as the base file is edited, before it is saved', async () => {
    const policy = path.join(dir, 'policy.xml');
    await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
    const shared = path.join(dir, 'shared.bicepparam');
    client.open(shared, base, 'bicep-params');
    client.change(shared, base.replace("'StandardV2'", "'Premium'"));
    await client.waitFor(policy, (d) => !codes(d).includes('validate-trust-unsupported-tier'));
    client.change(shared, base);
    await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'));
  });
});

describe('language server: a Bicep file that loads a policy file that is not there', () => {
  let dir: string;
  let client: TestClient;
  let policy: string;
  let bicep: string;

  before(async () => {
    dir = makeTempDir('lsp-missing');
    fs.mkdirSync(path.join(dir, 'modules'));
    bicep = path.join(dir, 'main.bicep');
    fs.writeFileSync(bicep, [
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
      "  name: 'apim'",
      '}',
      "module api 'modules/api.bicep' = {",
      "  name: 'api'",
      '  params: {',
      "    policyXml: loadTextContent('policies/api.xml')",
      '  }',
      '}',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'modules', 'api.bicep'), [
      'param policyXml string',
      "resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
      "  name: 'apim/orders/policy'",
      "  properties: { format: 'rawxml', value: policyXml }",
      '}',
    ].join('\n'));
    policy = path.join(dir, 'policies', 'api.xml');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('reports it at the call, points at the resource it is passed to, and follows the file as it is created and deleted', async () => {
    const [missing] = await client.waitFor(bicep, (d) => codes(d).includes('policy-value-not-loaded'));
    assert.equal(missing!.range.start.line, 6);
    assert.deepEqual(missing!.relatedInformation?.map((r) => r.location.uri), [client.uri(path.join(dir, 'modules', 'api.bicep'))]);
    fs.mkdirSync(path.dirname(policy));
    fs.writeFileSync(policy, '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n');
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(policy), type: 1 }] });
    await client.waitFor(bicep, (d) => !codes(d).includes('policy-value-not-loaded'));
    // A "deleted" event for a file still there (an editor saving by rename, events out of order) is not believed: the
    // file is read again, and the Bicep is never told it is missing.
    const before = client.published.get(client.uri(bicep))?.length ?? 0;
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(policy), type: 3 }] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const since = (client.published.get(client.uri(bicep)) ?? []).slice(before);
    assert.ok(since.every((d) => !codes(d).includes('policy-value-not-loaded')), `published after the event: ${JSON.stringify(since.map(codes))}`);
    fs.rmSync(policy);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(policy), type: 3 }] });
    await client.waitFor(bicep, (d) => codes(d).includes('policy-value-not-loaded'));
  });
});

describe('language server: a missing policy file that appears where no client event reads it', () => {
  const MAIN = (loaded: string) => apimServiceBicep("'Developer'", loaded);
  const POLICY = '<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n';
  const notLoaded = (d: Diagnostic[]) => codes(d).includes('policy-value-not-loaded');
  let root: string;

  beforeEach(() => {
    root = makeTempDir('lsp-missing-appears');
  });
  afterEach(() => removeTempDir(root));

  it('created empty (a policy about to be typed in): the Bicep no longer says it does not exist', async () => {
    const bicep = path.join(root, 'main.bicep');
    fs.writeFileSync(bicep, MAIN('global.xml'));
    const client = await TestClient.start(root);
    try {
      await client.waitFor(bicep, notLoaded);
      const policy = path.join(root, 'global.xml');
      fs.writeFileSync(policy, '');
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(policy), type: 1 }] });
      await client.waitFor(bicep, (d) => !notLoaded(d));
    } finally {
      await client.stop();
    }
  });

  it('created in a folder the configuration ignores: read for context, as the CLI reads it', async () => {
    fs.writeFileSync(path.join(root, '.apim-mtls.json'), JSON.stringify({ ignore: ['generated/'] }));
    const bicep = path.join(root, 'main.bicep');
    fs.writeFileSync(bicep, MAIN('generated/global.xml'));
    const client = await TestClient.start(root);
    try {
      await client.waitFor(bicep, notLoaded);
      const policy = path.join(root, 'generated', 'global.xml');
      fs.mkdirSync(path.dirname(policy));
      fs.writeFileSync(policy, POLICY);
      await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(policy), type: 1 }] });
      await client.waitFor(bicep, (d) => !notLoaded(d));
    } finally {
      await client.stop();
    }
  });

  it('created outside the workspace folder (no client event): its folder is watched', async () => {
    const ws = path.join(root, 'ws');
    fs.mkdirSync(ws);
    fs.mkdirSync(path.join(root, 'shared'));
    const bicep = path.join(ws, 'main.bicep');
    fs.writeFileSync(bicep, MAIN('../shared/global.xml'));
    const client = await TestClient.start(ws);
    try {
      await client.waitFor(bicep, notLoaded);
      fs.writeFileSync(path.join(root, 'shared', 'global.xml'), POLICY);
      await client.waitFor(bicep, (d) => !notLoaded(d));
    } finally {
      await client.stop();
    }
  });
});
