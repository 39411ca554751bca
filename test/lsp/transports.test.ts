import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fixturesDir, makeTempDir, removeTempDir, repoRoot } from '../helpers';

/** Frames one JSON-RPC message as the base protocol does. */
function frame(message: object): string {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Reads framed messages from a stream until `done` returns true for one of them. */
function readUntil(socket: net.Socket, done: (m: { id?: number; method?: string; params?: unknown; result?: unknown }) => boolean): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('no answer in 20 s')), 20_000);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const headerEnd = buffer.indexOf('\r\n\r\n');
        if (headerEnd < 0) return;
        const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString('ascii'))?.[1]);
        if (buffer.length < headerEnd + 4 + length) return;
        const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
        buffer = buffer.subarray(headerEnd + 4 + length);
        if (done(message)) {
          clearTimeout(timer);
          resolve(message);
          return;
        }
      }
    });
  });
}

// `apim-mtls lsp --help` offers --socket=PORT besides --stdio (VS Code itself uses --node-ipc): the server connects to
// the port the client listens on, and answers there as over stdio.
test('lsp --socket=PORT: the server connects to the client, publishes diagnostics, cancels a queued request and ends on shutdown/exit', async () => {
  const dir = makeTempDir('lsp-socket');
  fs.cpSync(path.join(fixturesDir, 'lsp'), dir, { recursive: true });
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const port = (listener.address() as net.AddressInfo).port;
  const connected = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const server = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', `--socket=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
  try {
    const socket = await connected;
    const root = pathToFileURL(dir).href;
    const initialized = readUntil(socket, (m) => m.id === 1);
    socket.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: root, capabilities: {}, workspaceFolders: [{ uri: root, name: 'ws' }] } }));
    const init = (await initialized) as { result: { capabilities: { codeActionProvider?: unknown } } };
    assert.ok(init.result.capabilities.codeActionProvider, 'the capabilities of the stdio server');
    const policy = pathToFileURL(path.join(dir, 'policies', 'get-order.operation.xml')).href;
    const published = readUntil(socket, (m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === policy && (m.params as { diagnostics: unknown[] }).diagnostics.length > 0);
    socket.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
    const diagnostics = ((await published) as { params: { diagnostics: { code: string }[] } }).params.diagnostics.map((d) => d.code);
    assert.ok(diagnostics.includes('validate-trust-unsupported-tier'), diagnostics.join(', '));
    // A request the editor cancels while it still waits in the queue (sent in one write with its $/cancelRequest) is
    // answered RequestCancelled (-32800) without being run; the next one is answered as usual.
    const answers: { id?: number; result?: unknown; error?: { code: number } }[] = [];
    const both = readUntil(socket, (m) => answers.push(m as (typeof answers)[number]) > 0 && answers.some((a) => a.id === 4) && answers.some((a) => a.id === 3));
    const hover = (id: number) => ({ jsonrpc: '2.0', id, method: 'textDocument/hover', params: { textDocument: { uri: policy }, position: { line: 0, character: 1 } } });
    socket.write(frame(hover(3)) + frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 3 } }) + frame(hover(4)));
    await both;
    assert.equal(answers.find((a) => a.id === 3)?.error?.code, -32800, JSON.stringify(answers.find((a) => a.id === 3)));
    const next = answers.find((a) => a.id === 4)!;
    assert.ok(!next.error && 'result' in next, JSON.stringify(next));
    const shutdown = readUntil(socket, (m) => m.id === 2);
    socket.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
    await shutdown;
    socket.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    assert.equal(await exited, 0);
  } finally {
    server.kill();
    listener.close();
    removeTempDir(dir);
  }
});
