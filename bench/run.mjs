// `npm run bench` (= npm run build && node bench/run.mjs): the CLI over a generated enterprise-like workspace vs
// `xmllint --noout` over the same policy files (and, beside ../shared/corpus, over copies of its real policies), the language server (cold start, keystroke and SKU-edit latency,
// peak RSS) and certificate generation vs openssl. Prints a table and one JSON line; writes bench/.work/results.md.
// Options: --runs N (default 5), --skip-certs, --skip-lsp. Measurements are noisy on a shared machine: compare ratios.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generate, WORK } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const RUNS = Number(argv[argv.indexOf('--runs') + 1]) || 5;
const CLI = join(repo, 'dist', 'cli.js');
const TYPING_DEBOUNCE_MS = 40; // server/src/lsp/server.ts

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const r1 = (x) => Math.round(x * 10) / 10;

/** Wall, CPU (user+sys) and peak RSS of a command, through /usr/bin/time. */
function timed(cmd, args, opts = {}) {
  const out = join(tmpdir(), `bench-time-${process.pid}.txt`);
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', cmd, ...args], { stdio: ['ignore', 'ignore', 'ignore'], ...opts });
  const [e, u, s, m] = readFileSync(out, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  return { wallMs: e * 1000, cpuMs: (u + s) * 1000, rssMb: m / 1024, status: r.status };
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const nproc = Number(execFileSync('nproc').toString().trim());
  let xmllint = 'missing';
  try {
    xmllint = execFileSync('xmllint', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().split('\n')[0] || 'present';
  } catch (e) {
    xmllint = e.stderr?.toString().split('\n')[0] || 'missing';
  }
  return { nproc, cpu: model, node: process.version, loadavg: loadavg().map(r1), xmllint, openssl: execFileSync('openssl', ['version']).toString().trim() };
}

// ---------------------------------------------------------------- CLI vs xmllint
function benchCli(info) {
  const policyList = execFileSync('find', [info.root, '-name', '*.xml', '-type', 'f']).toString().trim().split('\n');
  const bytes = policyList.reduce((n, f) => n + readFileSync(f).length, 0);
  // File sizes only (`du --apparent-size` also counts each folder's own size: ≈ 10 MB of the 2,500 folders here).
  const allBytes = execFileSync('find', [info.root, '-type', 'f', '-printf', '%s\n']).toString().trim().split('\n').reduce((n, x) => n + Number(x), 0);
  const files = Number(execFileSync('bash', ['-c', `find '${info.root}' -type f | wc -l`]).toString().trim());
  const out = join(WORK, 'lint.json');
  const cli = [];
  const xml = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(timed(process.execPath, [CLI, 'lint', info.root, '--format', 'json', '-o', out]));
    xml.push(timed('xmllint', ['--noout', ...policyList]));
  }
  // `--cache`: a run over the unchanged workspace, and one after a policy edit (which re-lints that policy and the
  // Bicep files that read the policies they deploy), each alternating with xmllint like the runs above.
  const cacheFile = join(WORK, 'bench.cache');
  rmSync(cacheFile, { force: true });
  const cacheArgs = [CLI, 'lint', info.root, '--format', 'json', '-o', join(WORK, 'lint-cached.json'), '--cache-location', cacheFile];
  timed(process.execPath, cacheArgs);
  const edited = execFileSync('find', [info.root, '-name', '*.operation.xml', '-type', 'f']).toString().split('\n')[0];
  const original = readFileSync(edited, 'utf8');
  const unchanged = [];
  const onePolicy = [];
  const xmlCache = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      unchanged.push(timed(process.execPath, cacheArgs));
      writeFileSync(edited, original.replace('<base />', `<base /><!-- edit ${i} -->`));
      onePolicy.push(timed(process.execPath, cacheArgs));
      writeFileSync(edited, original);
      timed(process.execPath, cacheArgs);
      xmlCache.push(timed('xmllint', ['--noout', ...policyList]));
    }
  } finally {
    writeFileSync(edited, original);
  }
  const cached = { unchangedWallMs: median(unchanged.map((x) => x.wallMs)), onePolicyWallMs: median(onePolicy.map((x) => x.wallMs)), xmllintWallMs: median(xmlCache.map((x) => x.wallMs)) };
  // One more run with APIM_MTLS_TIMING=1: where a run's time goes (phases, parsing, the costliest rules).
  const timed1 = spawnSync(process.execPath, [CLI, 'lint', info.root, '--format', 'json', '-o', out], { env: { ...process.env, APIM_MTLS_TIMING: '1' }, encoding: 'utf8' });
  const breakdown = {};
  for (const m of timed1.stderr.matchAll(/^(\S+)\s+([\d.]+) ms$/gm)) breakdown[m[1]] = Math.round(Number(m[2]));
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const findings = report.reduce((n, f) => n + f.messages.length, 0);
  const m = (xs, k) => median(xs.map((x) => x[k]));
  const c = { wallMs: m(cli, 'wallMs'), cpuMs: m(cli, 'cpuMs'), rssMb: Math.max(...cli.map((x) => x.rssMb)) };
  const x = { wallMs: m(xml, 'wallMs'), cpuMs: m(xml, 'cpuMs'), rssMb: Math.max(...xml.map((x) => x.rssMb)) };
  return {
    files,
    policyFiles: policyList.length,
    policyMb: r1(bytes / 1048576),
    workspaceMb: r1(allBytes / 1048576),
    findings,
    cli: c,
    xmllint: x,
    ratioWall: r1(c.wallMs / x.wallMs),
    ratioCpu: r1(c.cpuMs / x.cpuMs),
    filesPerSec: Math.round(files / (c.wallMs / 1000)),
    mbPerSec: r1(allBytes / 1048576 / (c.wallMs / 1000)),
    runs: RUNS,
    breakdown,
    cached,
  };
}

// ---------------------------------------------------------------- ordinary policies: the published corpus
// The generated workspace checks certificates in 94 % of its policies, with dense expressions; the published corpus
// (policies written by others, in ../shared/corpus when this checkout sits beside it, never copied into the project)
// does in 2 of 59. Its files, copied into bench/.work until there are as many as the generated policies, show what a
// repository of ordinary policies costs. Skipped without the corpus.
function benchCorpus(count) {
  const dir = join(repo, '..', 'shared', 'corpus', 'policy-snippets', 'examples');
  if (!existsSync(dir)) return { skipped: `${dir} is absent` };
  const sources = readdirSync(dir).filter((n) => n.endsWith('.xml')).sort().map((n) => readFileSync(join(dir, n)));
  const root = join(WORK, 'corpus-ws');
  rmSync(root, { recursive: true, force: true });
  const list = [];
  for (let i = 0; i < count; i++) {
    const sub = join(root, `copy${Math.floor(i / sources.length)}`);
    if (i % sources.length === 0) mkdirSync(sub, { recursive: true });
    const file = join(sub, `p${i % sources.length}.policy.xml`);
    writeFileSync(file, sources[i % sources.length]);
    list.push(file);
  }
  const out = join(WORK, 'lint-corpus.json');
  const cli = [];
  const xml = [];
  for (let i = 0; i < RUNS; i++) {
    cli.push(timed(process.execPath, [CLI, 'lint', root, '--format', 'json', '-o', out]));
    xml.push(timed('xmllint', ['--noout', ...list]));
  }
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const c = median(cli.map((x) => x.wallMs));
  const x = median(xml.map((x) => x.wallMs));
  return {
    sources: sources.length,
    policyFiles: list.length,
    policyMb: r1(list.reduce((n, f, i) => n + sources[i % sources.length].length, 0) / 1048576),
    linted: report.length,
    findings: report.reduce((n, f) => n + f.messages.length, 0),
    cliWallMs: c,
    xmllintWallMs: x,
    ratioWall: r1(c / x),
  };
}

// ---------------------------------------------------------------- language server
class Lsp {
  constructor(root) {
    const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = require('vscode-languageserver-protocol/node');
    this.t0 = performance.now();
    this.child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, APIM_MTLS_TIMING: '1' } });
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.listeners = new Set();
    this.timings = [];
    this.logs = [];
    let buf = '';
    this.child.stderr.on('data', (d) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('apim-mtls-timing ')) continue;
        const ev = { ...JSON.parse(line.slice(17)), at: performance.now() };
        this.timings.push(ev);
        this.emit({ type: 'timing', ev });
      }
    });
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => this.emit({ type: 'diagnostics', p, at: performance.now() }));
    this.conn.onNotification('window/logMessage', (p) => {
      this.logs.push(p.message);
      this.emit({ type: 'log', message: p.message, at: performance.now() });
    });
    this.conn.onRequest('workspace/configuration', () => [{}]);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onNotification('$/progress', () => undefined);
    this.conn.listen();
    this.root = root;
    this.versions = new Map();
  }
  emit(e) {
    for (const l of [...this.listeners]) l(e);
  }
  /** Resolves with the first event for which `pred` returns true. */
  until(pred, timeoutMs = 300_000, what = 'the server') {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.listeners.delete(l);
        reject(new Error(`timeout waiting for ${what}`));
      }, timeoutMs);
      const l = (e) => {
        if (pred(e)) {
          clearTimeout(t);
          this.listeners.delete(l);
          resolve(e);
        }
      };
      this.listeners.add(l);
    });
  }
  async initialize() {
    const uri = pathToFileURL(this.root).href;
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'bench' }],
      capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } }, window: { workDoneProgress: true } },
    });
    await this.conn.sendNotification('initialized', {});
  }
  open(file, text) {
    this.versions.set(file, 1);
    void this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: pathToFileURL(file).href, languageId: file.endsWith('.bicep') ? 'bicep' : 'apim-policy', version: 1, text } });
  }
  change(file, text) {
    const version = this.versions.get(file) + 1;
    this.versions.set(file, version);
    void this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: pathToFileURL(file).href, version }, contentChanges: [{ text }] });
    return version;
  }
  status() {
    const s = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return { hwmMb: r1(Number(/VmHWM:\s*(\d+)/.exec(s)[1]) / 1024), rssMb: r1(Number(/VmRSS:\s*(\d+)/.exec(s)[1]) / 1024) };
  }
  async stop() {
    await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]).catch(() => undefined);
    void this.conn.sendNotification('exit');
    setTimeout(() => this.child.kill(), 500);
  }
}

async function benchLsp(info) {
  const big = join(info.root, info.bigPolicies.find((p) => p.endsWith('.operation.xml')) ?? info.bigPolicies[0]);
  // A policy that always has a finding (an unescaped '&'), so every lint publishes diagnostics.
  const bigText = readFileSync(big, 'utf8').replace('<inbound>', '<inbound>\n    <set-body>bench & co</set-body>');
  const lsp = new Lsp(info.root);
  const uri = pathToFileURL(big).href;
  const firstDiag = lsp.until((e) => e.type === 'diagnostics' && e.p.uri === uri);
  const indexed = lsp.until((e) => e.type === 'log' && /indexed \d+ files/.test(e.message));
  await lsp.initialize();
  lsp.open(big, bigText);
  const cold = (await firstDiag).at - lsp.t0;
  const idx = await indexed;
  await lsp.until((e) => e.type === 'timing' && e.ev.drained, 300_000, 'the first full lint');
  const fullLintDone = performance.now() - lsp.t0;
  const afterIndex = lsp.status();

  // Keystrokes in the 1,000-line policy: one at a time, each waits for its diagnostics.
  const wall = [];
  const work = [];
  let text = bigText;
  const anchor = text.indexOf('bench & co') + 5;
  for (let i = 0; i < 50; i++) {
    text = text.slice(0, anchor) + String.fromCharCode(97 + (i % 26)) + text.slice(anchor);
    const sent = performance.now();
    let linted = false;
    const lintLine = lsp.until((e) => e.type === 'timing' && e.ev.file === big && (linted = true), 30_000, 'keystroke lint');
    const drained = lsp.until((e) => linted && e.type === 'timing' && e.ev.drained, 30_000, 'keystroke drained');
    const version = lsp.change(big, text);
    const d = await lsp.until((e) => e.type === 'diagnostics' && e.p.uri === uri && e.p.version === version, 30_000, 'keystroke diagnostics');
    wall.push(d.at - sent);
    work.push((await lintLine).ev.ms);
    await drained; // the dependents pass, if any
  }
  const hoverStart = performance.now();
  await lsp.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 6 } });
  const hoverMs = performance.now() - hoverStart;

  // SKU edit in a service Bicep file: every policy deployed to that service is linted again.
  const service = join(info.root, info.serviceFiles[0]);
  const serviceText = readFileSync(service, 'utf8');
  lsp.open(service, serviceText);
  await new Promise((r) => setTimeout(r, 300));
  const before = lsp.timings.length;
  const skuSent = performance.now();
  lsp.change(service, serviceText.replace(/param skuName string = '\w+'/, "param skuName string = 'Consumption'"));
  // Until every dependent policy was linted again and the queue is empty: a queue drained between two batches (a pass
  // still running from the typing above) is not the end (one loaded run stopped there, at 101 of 504).
  const expected = info.dependentsOf[info.serviceFiles[0]];
  const relintedPolicies = () => new Set(lsp.timings.slice(before).filter((t) => t.file?.endsWith('.xml')).map((t) => t.file)).size;
  await lsp.until((e) => e.type === 'timing' && e.ev.drained && relintedPolicies() >= expected, 60_000, 'SKU edit re-lint');
  const skuDone = lsp.timings[lsp.timings.length - 1].at - skuSent;
  const relinted = lsp.timings.slice(before).filter((t) => t.file);
  // Distinct policies: a file linted twice (a pass still queued from the typing above) counts once.
  const skuPolicies = new Set(relinted.filter((t) => t.file.endsWith('.xml')).map((t) => t.file)).size;
  const skuWorkMs = relinted.reduce((n, t) => n + t.ms, 0);
  const end = lsp.status();
  await lsp.stop();
  return {
    coldStartMs: Math.round(cold),
    indexedMs: Number(/in (\d+) ms/.exec(idx.message)?.[1]),
    indexedFiles: Number(/indexed (\d+) files/.exec(idx.message)?.[1]),
    fullLintDoneMs: Math.round(fullLintDone),
    keystroke: {
      edits: wall.length,
      wallMinusDebounceP50: r1(pct(wall, 50) - TYPING_DEBOUNCE_MS),
      wallMinusDebounceP95: r1(pct(wall, 95) - TYPING_DEBOUNCE_MS),
      lintWorkP50: r1(pct(work, 50)),
      lintWorkP95: r1(pct(work, 95)),
      policyLines: bigText.split('\n').length,
    },
    hoverMs: r1(hoverMs),
    skuEdit: { policiesRelinted: skuPolicies, filesRelinted: relinted.length, untilAllPublishedMs: Math.round(skuDone), lintWorkMs: Math.round(skuWorkMs), expected: info.dependentsOf[info.serviceFiles[0]] },
    rss: { afterIndexMb: afterIndex.rssMb, peakMb: end.hwmMb },
  };
}

// ---------------------------------------------------------------- certificates
function benchCerts() {
  if (!existsSync(join(repo, 'out', 'server', 'src', 'certificates', 'tree.js'))) return { skipped: 'out/ not compiled (npx tsc -p tsconfig.test.json)' };
  const r = spawnSync(process.execPath, [join(here, 'certs.mjs')], { cwd: repo, encoding: 'utf8' });
  const line = r.stdout.trim().split('\n').pop();
  try {
    return JSON.parse(line).certTree;
  } catch {
    return { skipped: `certs.mjs failed: ${r.stderr.slice(0, 200)}` };
  }
}

// ---------------------------------------------------------------- main
const info = generate();
const env = machine();
if (!existsSync(CLI)) {
  console.error('dist/cli.js missing: run npm run build');
  process.exit(1);
}
const cli = env.xmllint === 'missing' ? { skipped: 'xmllint missing (apt-get install libxml2-utils)' } : benchCli(info);
const corpus = cli.skipped ? { skipped: true } : benchCorpus(cli.policyFiles);
const lsp = argv.includes('--skip-lsp') ? { skipped: true } : await benchLsp(info);
const certs = argv.includes('--skip-certs') ? { skipped: true } : benchCerts();
const result = { machine: { ...env, loadavgAfter: loadavg().map(r1) }, workspace: { policies: info.policies, bicep: info.bicepFiles, certificates: info.certificates }, cli, corpus, lsp, certs };

const rows = [];
const row = (what, ours, peer, ratio, target) => rows.push([what, ours, peer, ratio, target]);
if (!cli.skipped) {
  row('whole-workspace lint, wall (median)', `${Math.round(cli.cli.wallMs)} ms`, `xmllint ${Math.round(cli.xmllint.wallMs)} ms`, `${cli.ratioWall}x`, '≤ 3x');
  row('whole-workspace lint, CPU user+sys', `${Math.round(cli.cli.cpuMs)} ms`, `xmllint ${Math.round(cli.xmllint.cpuMs)} ms`, `${cli.ratioCpu}x`, '≤ 3x');
  row('throughput', `${cli.filesPerSec} files/s, ${cli.mbPerSec} MB/s`, '', '', '');
  const c = cli.cached;
  row('lint again with --cache, nothing changed (wall)', `${Math.round(c.unchangedWallMs)} ms`, `xmllint ${Math.round(c.xmllintWallMs)} ms`, `${r1(c.unchangedWallMs / c.xmllintWallMs)}x`, '');
  row('lint again with --cache, one policy edited (wall)', `${Math.round(c.onePolicyWallMs)} ms`, `xmllint ${Math.round(c.xmllintWallMs)} ms`, `${r1(c.onePolicyWallMs / c.xmllintWallMs)}x`, '');
  row('CLI peak RSS', `${Math.round(cli.cli.rssMb)} MB`, `xmllint ${Math.round(cli.xmllint.rssMb)} MB`, '', `< 200 MB (${cli.files} files)`);
  const b = cli.breakdown;
  const phases = Object.entries(b).filter(([k]) => k.startsWith('phase:')).map(([k, v]) => `${k.slice(6)} ${v}`);
  const parts = Object.entries(b).filter(([k]) => !k.startsWith('phase:')).slice(0, 4).map(([k, v]) => `${k} ${v}`);
  if (phases.length) row('  one run, ms (APIM_MTLS_TIMING)', phases.join(', '), '', '', '');
  if (parts.length) row('  of which', parts.join(', '), '', '', '');
}
if (corpus.skipped) row('ordinary policies (the published corpus)', `skipped: ${corpus.skipped}`, '', '', '');
else row(`ordinary policies: the ${corpus.sources} corpus policies copied to ${corpus.policyFiles} files, ${corpus.policyMb} MB, wall (median)`, `${Math.round(corpus.cliWallMs)} ms`, `xmllint ${Math.round(corpus.xmllintWallMs)} ms`, `${corpus.ratioWall}x`, '');
if (!lsp.skipped) {
  row('LSP cold start → first diagnostics', `${lsp.coldStartMs} ms`, '', '', '< 500 ms');
  row('LSP index + lint everything', `${lsp.fullLintDoneMs} ms (indexed ${lsp.indexedFiles} in ${lsp.indexedMs} ms)`, '', '', '');
  row(`keystroke (${lsp.keystroke.policyLines}-line policy) wall−debounce p50/p95`, `${lsp.keystroke.wallMinusDebounceP50} / ${lsp.keystroke.wallMinusDebounceP95} ms`, '', '', '');
  row('keystroke server lint work p50/p95', `${lsp.keystroke.lintWorkP50} / ${lsp.keystroke.lintWorkP95} ms`, '', '', 'p95 < 20 ms');
  row('SKU edit → all dependents re-published', `${lsp.skuEdit.untilAllPublishedMs} ms (${lsp.skuEdit.policiesRelinted} policies, ${lsp.skuEdit.lintWorkMs} ms lint work)`, '', '', '');
  row('hover after typing', `${lsp.hoverMs} ms`, '', '', '');
  row('server RSS after index / peak', `${lsp.rss.afterIndexMb} / ${lsp.rss.peakMb} MB`, '', '', '< 200 MB');
}
for (const [k, v] of Object.entries(certs)) {
  if (k === 'skipped') row('certificate tree', `skipped: ${v}`, '', '', '');
  else row(`certificate tree (${k}, 8 certs)`, `${v.libraryMs} ms`, `openssl script ${v.opensslMs} ms`, `${r1(v.libraryMs / v.opensslMs)}x`, '');
}
const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 6));
const header = ['measure', 'apim-mtls', 'peer', 'ratio', 'target'];
const md = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
console.log(`machine: ${env.nproc} cores, ${env.cpu}, node ${env.node}, load average ${env.loadavg.join(' ')}`);
console.log(`workspace: ${info.policies} policies, ${info.bicepFiles} Bicep, ${info.certificates} certificates${cli.files ? `, ${cli.files} files, ${cli.workspaceMb} MB` : ''}`);
for (const r of [header, ...rows]) console.log(r.map((c, i) => String(c).padEnd(widths[i])).join('  '));
writeFileSync(join(WORK, 'results.md'), `${md}\n\n\`\`\`json\n${JSON.stringify(result)}\n\`\`\`\n`);
console.log(JSON.stringify(result));
void mkdtempSync;
void rmSync;
