// The language server's memory after indexing and linting the whole bench workspace (bench/generate.mjs):
// `node bench/lsp-memory.mjs [--cli path/to/cli.js] [--snapshot]`. Prints the server's RSS once the full lint has
// drained; with --snapshot also a heap snapshot summary (live heap: the snapshot collects garbage first; the 25 biggest
// constructors by self size). SHOW_STDERR=1 shows the server's stderr. Used for the third pass in RESULTS.md.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const CLI = argv.includes('--cli') ? resolve(argv[argv.indexOf('--cli') + 1]) : join(here, '..', 'dist', 'cli.js');
const snapshot = argv.includes('--snapshot');
const info = generate();
const dir = mkdtempSync(join(tmpdir(), 'apim-mtls-lspmem-'));
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
const child = spawn(process.execPath, ['--heapsnapshot-signal=SIGUSR2', CLI, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, APIM_MTLS_TIMING: '1' } });
const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
let drained;
const done = new Promise((r) => (drained = r));
let buf = '';
let indexed = false;
child.stderr.on('data', (d) => {
  buf += d.toString();
  let nl;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, nl);
    buf = buf.slice(nl + 1);
    if (!line.startsWith('apim-mtls-timing ') && process.env.SHOW_STDERR) console.error(line);
    if (indexed && line.startsWith('apim-mtls-timing ') && JSON.parse(line.slice(17)).drained) drained();
  }
});
conn.onNotification('textDocument/publishDiagnostics', () => undefined);
conn.onNotification('window/logMessage', (p) => {
  if (/indexed \d+ files/.test(p.message)) indexed = true;
});
conn.onRequest('workspace/configuration', () => [{}]);
conn.onRequest('client/registerCapability', () => null);
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onNotification('$/progress', () => undefined);
conn.listen();
const uri = pathToFileURL(info.root).href;
const t0 = performance.now();
await conn.sendRequest('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'bench' }], capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } } });
await conn.sendNotification('initialized', {});
const big = join(info.root, info.bigPolicies[0]);
void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(big).href, languageId: 'apim-policy', version: 1, text: readFileSync(big, 'utf8') } });
await done;
const lintMs = Math.round(performance.now() - t0);
await new Promise((r) => setTimeout(r, 1500)); // idle: let the young generation settle
const status = () => {
  const s = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  return { rssMb: Math.round(Number(/VmRSS:\s*(\d+)/.exec(s)[1]) / 1024), hwmMb: Math.round(Number(/VmHWM:\s*(\d+)/.exec(s)[1]) / 1024) };
};
const before = status();
const out = { lintMs, afterLint: before };
if (snapshot) {
  child.kill('SIGUSR2');
  let file;
  for (let i = 0; i < 600 && !file; i++) {
    await new Promise((r) => setTimeout(r, 500));
    file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot'));
    if (file) {
      // wait until the writer is done (size stable)
      let last = -1;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const size = readFileSync(join(dir, file)).length;
        if (size > 0 && size === last && size.toString() && readFileSync(join(dir, file), 'utf8').trimEnd().endsWith('}')) break;
        last = size;
      }
    }
  }
  out.afterSnapshot = status();
  const snap = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const m = snap.snapshot.meta;
  const F = m.node_fields.length;
  const [typeI, nameI, sizeI] = ['type', 'name', 'self_size'].map((f) => m.node_fields.indexOf(f));
  const types = m.node_types[0];
  const by = new Map();
  let total = 0;
  for (let i = 0; i < snap.nodes.length; i += F) {
    const type = types[snap.nodes[i + typeI]];
    const name = type === 'object' || type === 'closure' ? snap.strings[snap.nodes[i + nameI]] : `(${type})`;
    const size = snap.nodes[i + sizeI];
    total += size;
    const e = by.get(name) ?? { count: 0, size: 0 };
    e.count++;
    e.size += size;
    by.set(name, e);
  }
  out.heapMb = Math.round(total / 1048576);
  out.top = [...by].sort((a, b) => b[1].size - a[1].size).slice(0, 25).map(([n, e]) => `${(e.size / 1048576).toFixed(1).padStart(6)} MB ${String(e.count).padStart(8)} ${n}`);
}
console.log(JSON.stringify(out, null, 1));
child.kill();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
