import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { makeTempDir, removeTempDir, repoRoot } from '../../helpers';
import { TestClient } from '../../lsp/client';
import { fuzzCount, fuzzSeed, hostilePolicies, hostileBicep, mutate, prng, realPolicies, NORMAL_POLICY } from './hostile';

test('fuzz: the language server survives hostile documents and keeps answering', async () => {
  const dir = makeTempDir('fuzz-lsp');
  const client = await TestClient.start(dir);
  try {
    const rand = prng(fuzzSeed(21));
    const corpus = realPolicies();
    const docs = [
      ...hostilePolicies().map((p) => ({ file: path.join(dir, p.name), text: p.text })),
      ...hostileBicep().map((b) => ({ file: path.join(dir, b.name), text: b.text })),
      ...Array.from({ length: fuzzCount(40) }, (_, i) => ({ file: path.join(dir, `m${i}.policy.xml`), text: mutate(rand, corpus[i % corpus.length]!.text) })),
      { file: path.join(dir, 'png.policy.xml'), text: '\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR' },
    ];
    for (const d of docs) client.open(d.file, d.text);
    // Wrong types where text belongs: said in the log, the server goes on (a null text crashed it).
    for (const [i, text] of [null, 42, { a: 1 }].entries()) {
      void client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: client.uri(path.join(dir, `typed-${i}.policy.xml`)), languageId: 'apim-policy', version: 1, text } });
    }
    // Typing into a hostile document too.
    const target = docs[0]!;
    for (let i = 0; i < 5; i++) client.change(target.file, target.text.slice(0, target.text.length - i * 7));
    const normal = path.join(dir, 'normal.policy.xml');
    client.open(normal, NORMAL_POLICY);
    // After the 48 hostile documents (25 MB, linted first: 18 s on an idle 2-core machine, 40 s on a busy one).
    const diags = await client.waitFor(normal, (d) => d.some((x) => x.code === 'policy-xml-syntax'), 120_000);
    assert.ok(diags.length > 0);
    const hover = await Promise.race([
      client.request('textDocument/hover', { textDocument: { uri: client.uri(normal) }, position: { line: 3, character: 6 } }).then(() => 'answered'),
      new Promise((r) => setTimeout(() => r('timeout'), 10_000).unref()),
    ]);
    assert.equal(hover, 'answered', `no hover answer; stderr: ${client.stderr.slice(0, 1000)}`);
    // Completion, definition and references anywhere in the hostile documents, their tier and outline: every request is answered.
    const asks = docs.flatMap((d) => {
      const lines = d.text.split('\n');
      const at = () => {
        const line = Math.floor(rand() * lines.length);
        return { line, character: Math.floor(rand() * ((lines[line]?.length ?? 0) + 1)) };
      };
      const textDocument = { uri: client.uri(d.file) };
      return [
        ...[0, 1, 2].map(() => client.request<unknown[]>('textDocument/completion', { textDocument, position: at() })),
        client.request<unknown>('textDocument/definition', { textDocument, position: at() }),
        client.request<unknown>('textDocument/references', { textDocument, position: at(), context: { includeDeclaration: true } }),
        client.request<unknown>('apim-mtls/policyTier', { uri: textDocument.uri }),
        client.request<unknown>('textDocument/documentSymbol', { textDocument }),
      ];
    });
    const answered = await Promise.race([Promise.all(asks).then((r) => r.length), new Promise((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
    assert.equal(answered, asks.length, `requests not all answered; stderr: ${client.stderr.slice(0, 1000)}`);
    assert.equal(client.ended, false, 'the server is still running');
    assert.ok(client.logs.some((m) => /typed-0\.policy\.xml: the client sent no text for this document \(didOpen\)/.test(m)), client.logs.join('\n').slice(0, 2000));
  } finally {
    await client.stop();
    removeTempDir(dir);
  }
});

test('hostile: a message without Content-Length ends the stdio server with a message (exit 1), so the editor restarts it; it waited for ever', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.write('Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"initialize"}');
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill();
      resolve(null);
    }, 20_000);
    child.on('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  assert.equal(code, 1, `exit code (null: still running after 20 s); stderr: ${stderr}`);
  assert.match(stderr, /^apim-mtls: the editor sent a message that can't be read \(Header must provide a Content-Length property\.\); the language server stops so that the editor can start it again\n$/);
});
