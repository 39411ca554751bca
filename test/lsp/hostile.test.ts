import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { spawn, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { fixturesDir, makeTempDir, removeTempDir, repoRoot } from '../helpers';
import { POLICY_TIER_REQUEST } from '../../server/src/lsp/protocol';
import { TestClient } from './client';

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

/** The LSP fixture copied to a temp folder: the policy's tier (StandardV2) comes from infra/main.bicep. */
function workspace(name: string): { dir: string; policy: string; text: string } {
  const dir = makeTempDir(name);
  fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
  const policy = path.join(dir, 'policies', 'get-order.operation.xml');
  return { dir, policy, text: fs.readFileSync(policy, 'utf8') };
}

/** The error a request is answered with (the test fails when it succeeds). */
async function errorOf(client: TestClient, method: string, params: unknown): Promise<{ code: number; message: string }> {
  try {
    await client.request(method, params);
  } catch (e) {
    return e as { code: number; message: string };
  }
  assert.fail(`${method} succeeded`);
}

// From a review that drove the server with a raw JSON-RPC client: each of these crashed, silenced or misled it.
describe('language server: what a buggy or hostile client sends', () => {
  it('a $/cancelRequest without a usable id is dropped with a line on stderr; the server goes on (it exited)', async () => {
    const { dir, policy, text } = workspace('lsp-cancel');
    const client = await TestClient.start(dir);
    try {
      for (const params of [undefined, null, {}, { id: null }, [1]]) await client.connection.sendNotification('$/cancelRequest', params);
      client.open(policy, text);
      const diags = await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      assert.ok(diags.length > 0);
      assert.equal(client.ended, false, 'still running');
      assert.match(client.stderr, /a message from the editor could not be handled and was dropped/);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('params of the wrong shape are answered "invalid params" (-32602) saying what is wrong, not with a TypeError', async () => {
    const { dir, policy, text } = workspace('lsp-params');
    const client = await TestClient.start(dir);
    try {
      client.open(policy, text);
      await client.waitFor(policy, (d) => d.length > 0, 20_000);
      const uri = client.uri(policy);
      const cases: [string, unknown, RegExp][] = [
        ['textDocument/hover', { position: { line: 0, character: 0 } }, /^textDocument\.uri must be a string$/],
        ['textDocument/hover', { textDocument: { uri: 5 }, position: { line: 0, character: 0 } }, /^textDocument\.uri must be a string$/],
        ['textDocument/completion', { textDocument: { uri } }, /^position must be a position/],
        // The protocol's positions are whole numbers: 2.5 came back in the answer's ranges.
        ['textDocument/hover', { textDocument: { uri }, position: { line: 2.5, character: 0 } }, /^position must be a position: \{ line, character \} of whole numbers$/],
        ['textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { only: 5 } }, /^context\.only must be a list/],
        ['textDocument/codeAction', { textDocument: { uri }, context: {} }, /^range\.start must be a position/],
        ['workspace/executeCommand', { command: 'no.such.command' }, /^unknown command "no\.such\.command"/],
        ['workspace/executeCommand', { command: 'apim-mtls.openRuleDocs', arguments: ['not-a-rule?x=1'] }, /takes a rule id/],
      ];
      for (const [method, params, message] of cases) {
        const e = await errorOf(client, method, params);
        assert.equal(e.code, -32602, `${method} ${JSON.stringify(params)}: ${e.message}`);
        assert.match(e.message, message);
      }
      // Without `context`, a references request is still answered (includeDeclaration false).
      assert.ok(Array.isArray(await client.request('textDocument/references', { textDocument: { uri }, position: { line: 0, character: 0 } })));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a workspace/configuration request that fails does not keep the workspace from being indexed', async () => {
    const { dir, policy, text } = workspace('lsp-config-fails');
    const client = await TestClient.start(dir, { settings: {}, failConfiguration: true });
    try {
      client.open(policy, text);
      // The tier comes from infra/main.bicep: only indexing reads it.
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      assert.ok(client.logs.some((l) => /workspace\/configuration failed \(settings unavailable\); going on without it/.test(l)), client.logs.join('\n'));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a workspace folder added later is read: the policy gets its tier from the Bicep there; removed, it is forgotten', async () => {
    const { dir, policy, text } = workspace('lsp-folders');
    const client = await TestClient.start(path.join(dir, 'policies'));
    try {
      assert.deepEqual((client.initializeResult as { capabilities: { workspace?: unknown } }).capabilities.workspace, { workspaceFolders: { supported: true, changeNotifications: true } });
      client.open(policy, text);
      await client.waitFor(policy, (d) => d.length > 0 && !codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      const infra = { uri: client.uri(path.join(dir, 'infra')), name: 'infra' };
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [infra], removed: [] } });
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [infra] } });
      await client.waitFor(policy, (d) => d.length > 0 && !codes(d).includes('validate-trust-unsupported-tier'), 20_000);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('an open document over the 4 MB a file may have is "too large", as the CLI says, not minutes of linting', async () => {
    const { dir } = workspace('lsp-large');
    const client = await TestClient.start(dir);
    try {
      const big = path.join(dir, 'policies', 'big.operation.xml');
      const element = '<set-header name="x" exists-action="override"><value>@(context.Request.Certificate.Thumbprint)</value></set-header>\n';
      client.open(big, `<policies><inbound><base />\n${element.repeat(Math.ceil((4.2 * 1048576) / element.length))}</inbound></policies>`);
      const diags = await client.waitFor(big, (d) => d.length > 0, 20_000);
      assert.deepEqual(diags.map((d) => d.message), ['file too large to lint (4.2 MB; the limit is 4 MB)']);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a file from outside the workspace, opened then closed, leaves the model: its diagnostics are cleared', async () => {
    const { dir, text } = workspace('lsp-outside');
    const elsewhere = makeTempDir('lsp-outside-file');
    const client = await TestClient.start(dir);
    try {
      const outside = path.join(elsewhere, 'pin.operation.xml');
      fs.writeFileSync(outside, text);
      client.open(outside, text);
      await client.waitFor(outside, (d) => d.length > 0, 20_000);
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: client.uri(outside) } });
      await client.waitFor(outside, (d) => d.length === 0, 20_000);
    } finally {
      await client.stop();
      removeTempDir(dir);
      removeTempDir(elsewhere);
    }
  });

  it('settings pushed in didChangeConfiguration by a client that cannot be asked for them: said once in the log', async () => {
    const { dir } = workspace('lsp-pushed');
    const client = await TestClient.start(dir);
    try {
      for (let i = 0; i < 2; i++) await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { apimMtls: { sku: 'Consumption' } } });
      await client.request('textDocument/hover', { textDocument: { uri: client.uri(path.join(dir, 'x.xml')) }, position: { line: 0, character: 0 } });
      assert.equal(client.logs.filter((l) => /settings sent in workspace\/didChangeConfiguration are not read/.test(l)).length, 1, client.logs.join('\n'));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('dist/server.js without a transport says which to give (exit 2), not a stack trace', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'server.js')], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^apim-mtls language server: give a transport: --stdio, --node-ipc/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('two edits sent under one version number are both linted (only the change that repeats an open is skipped)', async () => {
    const { dir, policy, text } = workspace('lsp-same-version');
    const client = await TestClient.start(dir);
    try {
      client.open(policy, text);
      await client.waitFor(policy, (d) => codes(d).includes('utcnow-certificate-validity'), 20_000);
      const uri = client.uri(policy);
      for (const body of [text.replace('DateTime.UtcNow', 'DateTime.Now'), text]) {
        await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: body }] });
        await client.waitFor(policy, (d) => codes(d).includes('utcnow-certificate-validity') === (body === text), 20_000);
      }
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a second initialize, and a request after shutdown, are answered "invalid request" (-32600), as the protocol says', async () => {
    const { dir, policy } = workspace('lsp-after-shutdown');
    const client = await TestClient.start(dir);
    try {
      const again = await errorOf(client, 'initialize', { processId: null, rootUri: null, capabilities: {} });
      assert.equal(again.code, -32600, 'a second initialize');
      await client.request('shutdown', null);
      const e = await errorOf(client, 'textDocument/hover', { textDocument: { uri: client.uri(policy) }, position: { line: 0, character: 0 } });
      assert.equal(e.code, -32600, e.message);
      assert.match(e.message, /no requests after shutdown/);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('before initialize, requests are refused "not initialized" (-32002) and notifications dropped; a bad initialize can be sent again corrected', async () => {
    const { dir, policy, text } = workspace('lsp-before-init');
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const published: string[] = [];
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => void published.push(...p.diagnostics.map((d) => String(d.code))));
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    connection.listen();
    const refused = async (method: string, params: unknown): Promise<{ code: number; message: string }> => {
      try {
        await connection.sendRequest(method, params);
      } catch (e) {
        return e as { code: number; message: string };
      }
      return assert.fail(`${method} succeeded`);
    };
    try {
      const uri = pathToFileURL(policy).href;
      for (const [method, params] of [
        ['textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }],
        ['textDocument/documentSymbol', { textDocument: { uri } }],
        ['shutdown', null],
      ] as const) {
        const e = await refused(method, params);
        assert.equal(e.code, -32002, `${method}: ${e.message}`);
      }
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apim-policy', version: 1, text } });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(published.length, 0, `nothing linted before initialize: ${published.join(', ')}`);
      const bad = await refused('initialize', { processId: null, rootUri: null, capabilities: {}, workspaceFolders: [null] });
      assert.equal(bad.code, -32602, bad.message);
      assert.match(bad.message, /workspaceFolders/);
      const root = pathToFileURL(dir).href;
      const ok = (await connection.sendRequest('initialize', { processId: null, rootUri: root, capabilities: {}, workspaceFolders: [{ uri: root, name: 'ws' }] })) as { capabilities?: object };
      assert.ok(ok.capabilities, 'the corrected initialize is answered');
      await connection.sendNotification('initialized', {});
      for (let i = 0; i < 100 && !published.includes('utcnow-certificate-validity'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(published.includes('utcnow-certificate-validity'), published.join(', '));
    } finally {
      connection.dispose();
      child.kill();
      removeTempDir(dir);
    }
  });

  it('a framed message that is not JSON is answered with a parse error and the server goes on (it stopped)', async () => {
    const { dir, policy, text } = workspace('lsp-bad-json');
    const client = await TestClient.start(dir);
    try {
      const body = '{"jsonrpc": "2.0", "id": 99, method: textDocument/hover}';
      client.process.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      client.open(policy, text);
      const diags = await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      assert.ok(diags.length > 0);
      const hover = await client.request('textDocument/hover', { textDocument: { uri: client.uri(policy) }, position: { line: 0, character: 1 } });
      assert.notEqual(hover, undefined);
      assert.equal(client.ended, false, 'still running');
      assert.match(client.stderr, /a message that is not JSON; answered with a parse error/);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('code actions with diagnostics of the wrong shape in their context are still answered (those are ignored)', async () => {
    const { dir, policy, text } = workspace('lsp-bad-context');
    const client = await TestClient.start(dir);
    try {
      client.open(policy, text);
      const diags = await client.waitFor(policy, (d) => codes(d).includes('utcnow-certificate-validity'), 20_000);
      const utc = diags.find((d) => d.code === 'utcnow-certificate-validity')!;
      const cursor = { start: { line: utc.range.start.line, character: 0 }, end: { line: utc.range.start.line, character: 0 } };
      const actions = await client.request<{ title: string }[]>('textDocument/codeAction', {
        textDocument: { uri: client.uri(policy) },
        range: cursor,
        // Objects that can't be turned into text or numbers (a code, a line) failed the whole request.
        context: {
          diagnostics: [
            {},
            null,
            { range: 5 },
            { range: { start: null } },
            { ...utc, code: { toString: 1 } },
            { ...utc, range: { start: { line: { toString: 1, valueOf: 1 }, character: 0 }, end: utc.range.end } },
            utc,
          ],
        },
      });
      assert.ok(actions.some((a) => a.title === 'Use DateTime.Now'), actions.map((a) => a.title).join(' | '));
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a burst of changes to .apim-mtls.json reads the configuration once, and the last reading wins (each reloaded the workspace)', async () => {
    const { dir, policy, text } = workspace('lsp-config-burst');
    const client = await TestClient.start(dir);
    try {
      client.open(policy, text);
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      const config = path.join(dir, '.apim-mtls.json');
      const burst = async (rules: Record<string, string>) => {
        fs.writeFileSync(config, JSON.stringify({ rules }));
        await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: Array.from({ length: 2_000 }, (_, i) => ({ uri: client.uri(config), type: i === 0 ? 1 : 2 })) });
      };
      const reads = () => client.logs.filter((l) => l.includes('changed: the configuration is read again'));
      await burst({ 'validate-trust-unsupported-tier': 'off' });
      await client.waitFor(policy, (d) => d.length > 0 && !codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      await burst({ 'utcnow-certificate-validity': 'off' });
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier') && !codes(d).includes('utcnow-certificate-validity'), 20_000);
      assert.deepEqual(reads(), [`apim-mtls: ${config} changed: the configuration is read again`, `apim-mtls: ${config} changed: the configuration is read again`]);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a file open under two spellings of its URI, closed under one, keeps the other editor\'s text (not the disk\'s)', async () => {
    const { dir, policy, text } = workspace('lsp-two-uris');
    // On disk, validate-trust is off; in the editors it is on (an error on StandardV2).
    fs.writeFileSync(policy, text.replace('validate-trust="true"', 'validate-trust="false"'));
    const client = await TestClient.start(dir);
    try {
      const plain = client.uri(policy);
      const other = plain.replace('get-order', 'get%2Dorder');
      assert.notEqual(other, plain);
      const open = (uri: string) => client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'apim-policy', version: 1, text } });
      await open(plain);
      await client.waitFor(policy, (d) => codes(d).includes('validate-trust-unsupported-tier'), 20_000);
      await open(other);
      const before = client.published.get(plain)?.length ?? 0;
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
      // Published again under the URI still open, from its text.
      const diags = await client.waitFor(policy, () => (client.published.get(plain)?.length ?? 0) > before, 20_000);
      assert.ok(codes(diags).includes('validate-trust-unsupported-tier'), codes(diags).join(', '));
      // What was published under the closed URI is cleared there (it would show twice in the Problems panel).
      assert.deepEqual(client.published.get(other)?.at(-1), []);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('a folder opened and closed as a document is not taken for a policy ("cannot read: is a directory")', async () => {
    const { dir, text } = workspace('lsp-folder-doc');
    const client = await TestClient.start(dir);
    try {
      // A folder named as a policy: opened, its text is linted as one.
      const folder = path.join(dir, 'policies', 'folder.operation.xml');
      fs.mkdirSync(folder);
      client.open(folder, text, 'apim-policy');
      await client.waitFor(folder, (d) => d.length > 0, 20_000);
      client.close(folder);
      await client.waitFor(folder, (d) => d.length === 0, 20_000);
      const tier = await client.request<unknown>(POLICY_TIER_REQUEST, { uri: client.uri(folder) });
      assert.equal(tier, null, 'not in the workspace');
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('the same workspace folder added many times is read and listed once', async () => {
    const { dir } = workspace('lsp-same-folder');
    const client = await TestClient.start(path.join(dir, 'policies'));
    try {
      const infra = { uri: client.uri(path.join(dir, 'infra')), name: 'infra' };
      await client.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: Array(500).fill(infra), removed: [] } });
      const deadline = Date.now() + 20_000;
      while (!client.logs.some((l) => l.includes('of the added folder')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const line = client.logs.find((l) => l.includes('of the added folder'));
      assert.equal(line, `apim-mtls: indexed 1 file of the added folder ${path.join(dir, 'infra')}`);
    } finally {
      await client.stop();
      removeTempDir(dir);
    }
  });

  it('stdin closed without exit ends the server: exit 1, or 0 after shutdown', async () => {
    for (const shutdown of [false, true]) {
      const { dir } = workspace('lsp-eof');
      const client = await TestClient.start(dir);
      try {
        if (shutdown) await client.request('shutdown', null);
        const exited = new Promise<number | null>((resolve) => client.process.once('exit', (code) => resolve(code)));
        client.process.stdin!.end();
        assert.equal(await exited, shutdown ? 0 : 1);
      } finally {
        client.process.kill();
        removeTempDir(dir);
      }
    }
  });
});
