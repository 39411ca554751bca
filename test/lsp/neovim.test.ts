// The language server in a second, real LSP client: Debian's Neovim (0.7+), headless, over stdio.
// test/lsp/neovim/check.lua starts `node dist/cli.js lsp --stdio` with the built-in vim.lsp (no plugins), waits for the
// diagnostics, asks for code actions and a hover, and writes a JSON report that this test checks.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, fixturesDir, makeTempDir, removeTempDir, repoRoot } from '../helpers';

interface Report {
  nvim: string;
  error?: string;
  diagnostics_arrived: boolean;
  capabilities: { hover: boolean; codeAction: boolean; codeLens: boolean; completion: boolean; definition: boolean; references: boolean };
  diagnostics: { code: string; lnum: number; col: number; severity: number; message: string; href: string | null }[];
  actions: { title: string; kind: string | null; isPreferred: boolean; hasEdit: boolean }[];
  ui_actions: string[];
  action_error?: string;
  hover: string | null;
  hover_error?: string;
  completion: { label: string; newText: string | null }[];
  completion_error?: string;
  definition: string[];
  definition_error?: string;
  server_stopped: boolean;
}

const TIMEOUT_MS = 60_000;

/** `nvim --version`'s first line, or null when there is no nvim. */
function nvimVersion(): string | null {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0]!.trim();
}

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('Neovim (built-in vim.lsp, headless) gets diagnostics, code actions, hover, completion and definitions from `apim-mtls lsp --stdio`', async (t) => {
  const version = nvimVersion();
  if (!version) {
    t.skip('nvim not installed: apt-get install neovim');
    return;
  }
  t.diagnostic(version);
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  assert.ok(fs.existsSync(cli), `${cli} is missing: run npm run build`);

  const dir = makeTempDir('nvim');
  t.after(() => removeTempDir(dir));
  const ws = path.join(dir, 'ws');
  fs.cpSync(path.join(fixturesDir, 'lsp'), ws, { recursive: true });
  // A certificate in the workspace, for completion in the identity's thumbprint.
  fs.mkdirSync(path.join(ws, 'certs'));
  fs.copyFileSync(path.join(examplesDir, 'certs', 'dev-valid-client.cer'), path.join(ws, 'certs', 'dev-valid-client.cer'));
  const policyFile = path.join(ws, 'policies', 'get-order.operation.xml');
  const reportFile = path.join(dir, 'report.json');
  const xdg = path.join(dir, 'xdg'); // nvim's lsp.log, shada and swap stay in the temp dir

  // Its own process group, so that a hung nvim is killed with the server it started.
  const nvim = spawn('nvim', ['--headless', '--clean', '-n', '-u', path.join(repoRoot, 'test', 'lsp', 'neovim', 'check.lua'), policyFile], {
    cwd: ws,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      APIM_MTLS_NODE: process.execPath,
      APIM_MTLS_CLI: cli,
      APIM_MTLS_ROOT: ws,
      APIM_MTLS_REPORT: reportFile,
      XDG_STATE_HOME: xdg,
      XDG_CACHE_HOME: xdg,
      XDG_DATA_HOME: xdg,
      XDG_CONFIG_HOME: xdg,
    },
  });
  let output = '';
  nvim.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  nvim.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const pgid = nvim.pid!;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, TIMEOUT_MS);
  let leftBehind = false;
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      nvim.on('error', reject);
      nvim.on('exit', (c) => resolve(c));
    });
    assert.ok(!timedOut, `nvim did not finish within ${TIMEOUT_MS / 1000} s (killed). Output:\n${output}`);
    assert.equal(code, 0, `nvim exit code. Output:\n${output}`);
  } finally {
    clearTimeout(timer);
    // The server got shutdown + exit from nvim: give it a moment, then make sure nothing of the group survives.
    for (let i = 0; i < 40 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 50));
    if (groupAlive(pgid)) {
      leftBehind = true;
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
    }
  }
  assert.ok(fs.existsSync(reportFile), `no report from check.lua. Output:\n${output}`);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report;
  t.diagnostic(`report: ${report.diagnostics.length} diagnostics, ${report.actions.length} actions, nvim ${report.nvim}`);

  assert.equal(report.error, undefined, `check.lua failed: ${report.error}`);
  assert.ok(report.diagnostics_arrived, `diagnostics from apim-mtls within 30 s: ${JSON.stringify(report.diagnostics)}`);
  assert.deepEqual(report.capabilities, { hover: true, codeAction: true, codeLens: true, completion: true, definition: true, references: true });

  // Diagnostics: both codes, the tier one an error (it needs the Bicep, read by the workspace indexing).
  assert.deepEqual(report.diagnostics.map((d) => d.code).sort(), ['utcnow-certificate-validity', 'validate-trust-unsupported-tier']);
  const lines = fs.readFileSync(path.join(fixturesDir, 'lsp', 'policies', 'get-order.operation.xml'), 'utf8').split('\n');
  const trust = report.diagnostics.find((d) => d.code === 'validate-trust-unsupported-tier')!;
  assert.equal(trust.severity, 1, 'vim.diagnostic.severity.ERROR');
  assert.equal(trust.lnum, lines.findIndex((l) => l.includes('<validate-client-certificate')));
  assert.equal(trust.col, lines[trust.lnum]!.indexOf('validate-client-certificate'));
  assert.match(trust.href ?? '', /docs\/rules\/validate-trust-unsupported-tier\.md$/);
  const utc = report.diagnostics.find((d) => d.code === 'utcnow-certificate-validity')!;
  assert.equal(utc.severity, 2, 'vim.diagnostic.severity.WARN');
  assert.equal(utc.lnum, lines.findIndex((l) => l.includes('DateTime.UtcNow')));
  assert.equal(lines[utc.lnum]!.slice(utc.col, utc.col + 6), 'UtcNow');

  // Code actions at the UtcNow finding: the preferred quick-fix (title from server/src/rules/utcnow-certificate-validity.ts),
  // "disable for this line" and the documentation.
  assert.equal(report.action_error, undefined);
  const titles = report.actions.map((a) => a.title);
  const fix = report.actions.find((a) => a.title === 'Use DateTime.Now');
  assert.ok(fix, `the UtcNow fix among: ${titles.join(' | ')}`);
  assert.ok(fix.isPreferred && fix.kind === 'quickfix' && fix.hasEdit, JSON.stringify(fix));
  assert.ok(titles.includes('Disable utcnow-certificate-validity for this line'), titles.join(' | '));
  assert.ok(titles.includes('Show documentation for utcnow-certificate-validity'), titles.join(' | '));
  // `vim.lsp.buf.code_action()` with the cursor at the start of the line, off the finding: the same actions are offered.
  assert.ok(report.ui_actions.includes('Use DateTime.Now'), `offered from column 0: ${report.ui_actions.join(' | ')}`);
  assert.ok(report.ui_actions.includes('Disable utcnow-certificate-validity for this line'), report.ui_actions.join(' | '));

  // Hover on validate-client-certificate: the tier, from the Bicep.
  assert.equal(report.hover_error, undefined);
  assert.match(report.hover ?? '', /StandardV2/);
  assert.match(report.hover ?? '', /main\.bicep/);

  // Completion in <identity thumbprint="…">: the certificate of the workspace, and its thumbprint as the text.
  assert.equal(report.completion_error, undefined);
  assert.deepEqual(report.completion, [{ label: 'DEV Valid Client', newText: 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E' }]);
  // The item applied in the buffer, then go to definition on the thumbprint: the certificate file it came from.
  assert.equal(report.definition_error, undefined);
  assert.deepEqual(report.definition, [path.join(ws, 'certs', 'dev-valid-client.cer')]);

  // Clean shutdown: the server answered shutdown/exit, and neither nvim nor the server outlived the test.
  assert.ok(report.server_stopped, 'vim.lsp.stop_client stopped the server');
  assert.ok(!leftBehind, 'a process of the nvim group was still running after nvim exited (killed)');
});
