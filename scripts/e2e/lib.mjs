// Shared plumbing for scripts/e2e/run.mjs and scripts/e2e/screenshots.mjs: a throw-away workspace, code-server in its
// own process group, Debian's Chromium driven by playwright-core, and cleanup that ends everything started here.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_ENTRY = path.join(REPO, '.e2e-cache/code-server/node_modules/code-server/out/node/entry.js');
export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

const t0 = Date.now();
export const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
export const log = (msg) => console.log(`[e2e] ${msg}`);
export const fail = (msg) => {
  const err = new Error(msg);
  err.e2e = true;
  return err;
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs scripts/e2e/setup.sh (installs Chromium and code-server when missing). */
export function runSetup() {
  const r = spawnSync('bash', [path.join(REPO, 'scripts/e2e/setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw fail(`scripts/e2e/setup.sh failed (exit ${r.status ?? r.signal})`);
}

// ---- cleanup --------------------------------------------------------------------------------------------------------
// Every process started here (code-server and its children, Chromium and its children) carries this variable in its
// environment; the final sweep ends any of them still alive, by pid. Nothing else is touched.
export const RUN_MARK = `apim-mtls-e2e-${process.pid}-${Date.now()}`;
process.env.APIM_MTLS_E2E_RUN = RUN_MARK;
const groups = new Set();
const cleanups = [];
const lateCleanups = [];
let cleaned = false;

/** Registers `fn` to run at cleanup: before the process kill (late = false) or after it (late = true). */
export function onCleanup(fn, late = false) {
  (late ? lateCleanups : cleanups).push(fn);
}

function markedPids() {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(`APIM_MTLS_E2E_RUN=${RUN_MARK}\0`)) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function killGroups(signal) {
  for (const pgid of groups) {
    try {
      process.kill(-pgid, signal);
    } catch {
      // already gone
    }
  }
}

/** Synchronous last resort (process 'exit'): SIGKILL the process groups and any marked straggler. */
function killAllNow() {
  killGroups('SIGKILL');
  for (const pid of markedPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Ends everything started by this run: graceful first (browser close, SIGTERM), then SIGKILL. Idempotent. */
export async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const fn of cleanups.reverse()) {
    try {
      await Promise.race([fn(), sleep(5000)]);
    } catch {
      // keep cleaning
    }
  }
  killGroups('SIGTERM');
  for (let i = 0; i < 30 && markedPids().length > 0; i++) await sleep(100);
  killAllNow();
  await sleep(100);
  const left = markedPids();
  if (left.length) console.error(`[e2e] WARNING: processes still alive after cleanup: ${left.join(' ')}`);
  for (const fn of lateCleanups) {
    try {
      await fn();
    } catch {
      // keep cleaning
    }
  }
}
process.on('exit', () => killAllNow());

/** Installs SIGINT/SIGTERM/SIGHUP handlers and an overall deadline; `onAbort(reason)` must clean up and exit. */
export function guard(timeoutMs, onAbort) {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => onAbort(`interrupted by ${sig}`, 130));
  const timer = setTimeout(() => onAbort(`overall timeout of ${timeoutMs / 1000} s reached`, 124), timeoutMs);
  timer.unref();
}

// ---- workspace ------------------------------------------------------------------------------------------------------
/** A fresh temp folder holding a copy of examples/ (workspace), code-server's user-data/extension dirs and logs. */
export function makeTempDirs() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-mtls-e2e-'));
  const dirs = {
    root,
    workspace: path.join(root, 'workspace'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    browserProfile: path.join(root, 'chromium-profile'),
    serverLog: path.join(root, 'code-server.log'),
    testLog: path.join(root, 'tests.log'),
  };
  fs.mkdirSync(dirs.workspace);
  const examples = path.join(REPO, 'examples');
  if (fs.existsSync(examples)) fs.cpSync(examples, dirs.workspace, { recursive: true });
  if (!process.env.E2E_KEEP) onCleanup(() => fs.rmSync(root, { recursive: true, force: true }), true);
  return dirs;
}

// ---- code-server ----------------------------------------------------------------------------------------------------
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Starts code-server on 127.0.0.1:<free port> in its own process group (detached = setsid) and waits for /healthz. */
export async function startCodeServer(dirs, { env = {}, settings = {}, readyTimeoutMs = 120_000 } = {}) {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) throw fail(`code-server missing at ${CODE_SERVER_ENTRY}: run scripts/e2e/setup.sh`);
  const port = await freePort();
  // User settings: no welcome page, tips, recommendations or update checks (nothing may reach outside this machine).
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.ignoreRecommendations': true,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'security.workspace.trust.enabled': false,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    ...settings,
  }, null, 2));
  const out = fs.openSync(dirs.serverLog, 'a');
  const args = [
    CODE_SERVER_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--config', '/dev/null',
    '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    dirs.workspace,
  ];
  const child = spawn(process.execPath, args, {
    cwd: dirs.root,
    detached: true,
    stdio: ['ignore', out, out],
    // EXTENSIONS_GALLERY={}: no marketplace (code-server would otherwise query open-vsx.org).
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env, APIM_MTLS_E2E_RUN: RUN_MARK },
  });
  fs.closeSync(out);
  groups.add(child.pid);
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? code));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited !== null) throw fail(`code-server exited (${exited}) before it was ready:\n${tail(dirs.serverLog)}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw fail(`code-server not ready after ${readyTimeoutMs / 1000} s:\n${tail(dirs.serverLog)}`);
    await sleep(250);
  }
  return { port, url, pid: child.pid };
}

export function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

// ---- Chromium -------------------------------------------------------------------------------------------------------
/** Launches Debian's Chromium (fresh profile) through playwright-core; it is closed by cleanup(). */
export async function launchBrowser(dirs) {
  if (!fs.existsSync(CHROMIUM)) throw fail(`${CHROMIUM} missing: run scripts/e2e/setup.sh`);
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(dirs.browserProfile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
    // Our own handlers end code-server too; Playwright's would exit first.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  onCleanup(() => context.close());
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}
