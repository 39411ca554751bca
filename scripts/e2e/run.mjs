// `npm run test:e2e`: runs test/e2e (compiled to out/test/e2e) inside a real VS Code 1.100 (code-server 4.100.3),
// driven headless by Debian's Chromium through playwright-core, then the UI pass (scripts/e2e/screenshots.mjs
// --expect-diagnostics: Quick Open, squiggle, Problems panel, quick-fix menu, certificate code lens). Prints one
// `N passed, N failed` line last (suite + UI checks) and exits non-zero when a test or check failed or the run broke.
// Everything it starts is killed at the end, also on error, timeout (E2E_TIMEOUT_MS, default 600000) and Ctrl+C.
//
// Options: --no-build (use the existing dist/), --no-ui (skip the UI pass), --update-images (the UI pass writes its
// screenshots into docs/images/ instead of .e2e-cache/screenshots/), --verbose (print code-server's and the
// workbench's logs). E2E_KEEP=1 keeps the temp folder.
// --no-vsix skips packaging the .vsix and installing it into code-server.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CODE_SERVER_ENTRY, REPO, cleanup, elapsed, fail, guard, launchBrowser, log, makeTempDirs, runSetup, startCodeServer, tail,
} from './lib.mjs';

const argv = new Set(process.argv.slice(2));
const verbose = argv.has('--verbose') || !!process.env.E2E_VERBOSE;
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 600_000);
const SUMMARY = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;
const UI_SUMMARY = /^ui: (\d+) passed, (\d+) failed$/;

let aborting = false;
/** The running UI pass: on abort it gets SIGTERM, so it ends its own code-server and Chromium. */
let uiChild = null;
async function finish(code, message) {
  if (message) console.error(`\n[e2e] ERROR: ${message}\n`);
  if (uiChild) {
    const child = uiChild;
    const gone = new Promise((r) => child.once('close', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
  }
  await cleanup();
  process.exit(code);
}
guard(TIMEOUT_MS, (reason, code) => {
  if (aborting) return;
  aborting = true;
  void finish(code, reason);
});

function step(title, cmd, args) {
  log(`${title}: ${cmd} ${args.join(' ')} (at ${elapsed()})`);
  const r = spawnSync(cmd, args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim(), status: r.status ?? r.signal };
}

async function main() {
  // 1. Machine: Chromium + code-server.
  runSetup();
  log(`setup done after ${elapsed()}`);

  // 2. Build the extension (dist/client.js is package.json `main`). A failing build fails the run, but the suite still
  // runs so its smoke results are visible (against whatever dist/ holds; without dist/client.js the activation tests
  // report 'skipped: client not built').
  let buildBroken = false;
  if (argv.has('--no-build')) {
    log('build: skipped (--no-build), using the existing dist/');
  } else {
    const b = step('build', 'npm', ['run', '--silent', 'build']);
    if (!b.ok) {
      buildBroken = true;
      console.error(`\n[e2e] BUILD FAILED (npm run build, exit ${b.status}); dist/ is whatever it was before:\n${b.output.split('\n').slice(-25).join('\n')}\n`);
    }
  }
  log(`extension entry dist/client.js ${fs.existsSync(path.join(REPO, 'dist/client.js')) ? 'exists' : 'MISSING'}`);

  // 3. Compile the e2e tests: test/e2e/tsconfig.json extends tsconfig.test.json but includes only test/e2e (seconds
  // instead of the whole project, and other areas' type errors cannot block it). out/test/e2e is emptied first: a
  // suite file whose .ts was deleted must not run from a stale .js.
  fs.rmSync(path.join(REPO, 'out/test/e2e'), { recursive: true, force: true });
  const c = step('compile', 'npx', ['--no-install', 'tsc', '-p', 'test/e2e/tsconfig.json']);
  if (!c.ok) throw fail(`tsc failed on the e2e tests:\n${c.output}`);
  log(`compiled after ${elapsed()}`);
  const entry = path.join(REPO, 'out/test/e2e/index.js');
  if (!fs.existsSync(entry)) throw fail(`${entry} was not produced by tsc`);

  // 4. Throw-away workspace + code-server.
  const dirs = makeTempDirs();
  const server = await startCodeServer(dirs, { env: { APIM_MTLS_E2E_LOG: dirs.testLog } });
  log(`code-server ready on ${server.url} (pgid ${server.pid}) after ${elapsed()}`);

  // 5. Chromium opens the workbench with the extension-test payload.
  const { page } = await launchBrowser(dirs);
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(REPO)],
    ['extensionTestsPath', remote(entry)],
  ];
  const url = `${server.url}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const workbenchLog = [];
  let exitCode;
  const exited = new Promise((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code) => {
      exitCode = code;
      resolve(code);
    });
  });
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args);
    workbenchLog.push(`[${type}] ${text}`);
    if (verbose) console.log(`[workbench ${type}] ${text}`);
  });
  page.on('console', (m) => verbose && console.log(`[browser ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => workbenchLog.push(`[pageerror] ${e.message}`));

  // Test lines: the suite appends them to APIM_MTLS_E2E_LOG (code-server's environment reaches the extension host);
  // stream them as they come. The summary line is held back and printed last, alone.
  let offset = 0;
  let summary = null;
  const pump = () => {
    let text = '';
    try {
      const fd = fs.openSync(dirs.testLog, 'r');
      const size = fs.fstatSync(fd).size;
      if (size > offset) {
        const buf = Buffer.alloc(size - offset);
        fs.readSync(fd, buf, 0, buf.length, offset);
        const cut = buf.lastIndexOf(0x0a) + 1; // whole lines only
        text = buf.subarray(0, cut).toString('utf8');
        offset += cut;
      }
      fs.closeSync(fd);
    } catch {
      return; // not created yet
    }
    for (const line of text.split('\n').filter(Boolean)) {
      if (SUMMARY.test(line)) summary = line;
      else console.log(line);
    }
  };
  const pumpTimer = setInterval(pump, 200);

  log('opening the workbench with the test payload');
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await exited;
  clearInterval(pumpTimer);
  await new Promise((r) => setTimeout(r, 300));
  pump();
  log(`extension host exited with code ${exitCode} after ${elapsed()}`);

  const broken = [];
  if (buildBroken) broken.push('npm run build failed');
  if (!summary) broken.push('the suite printed no summary line (it did not run: see the logs above)');
  const m = summary && SUMMARY.exec(summary);
  if (m && Number(m[2]) > 0 && exitCode === 0) broken.push('tests failed but the extension host exited 0');
  if (m && Number(m[2]) === 0 && exitCode !== 0) broken.push(`the extension host exited ${exitCode} with no failed test`);
  if (!summary || exitCode !== 0 || verbose) {
    console.log(`\n--- workbench log (last 40) ---\n${workbenchLog.slice(-40).join('\n')}`);
    console.log(`--- code-server log (last 30) ---\n${tail(dirs.serverLog)}\n---`);
  }
  await cleanup();

  // 6. The UI pass (scripts/e2e/screenshots.mjs --expect-diagnostics): a fresh code-server + Chromium, used through
  // the keyboard as a person would. Its checks count in the closing line: a missing squiggle fails the run.
  let ui = null;
  if (!argv.has('--no-ui')) {
    const out = argv.has('--update-images') ? path.join(REPO, 'docs/images') : path.join(REPO, '.e2e-cache/screenshots');
    log(`UI pass: scripts/e2e/screenshots.mjs --expect-diagnostics (screenshots into ${path.relative(REPO, out)}) at ${elapsed()}`);
    ui = await runUiPass(['--no-setup', '--expect-diagnostics', '--out', out]);
    if (!ui.counts) broken.push('the UI pass printed no `ui: N passed, N failed` line');
    else if (ui.counts.failed > 0 && ui.code === 0) broken.push('UI checks failed but screenshots.mjs exited 0');
    if (ui.code !== 0) broken.push(`the UI pass failed (screenshots.mjs exit ${ui.code})`);
  }
  // 7. The packaged extension installs in this VS Code (1.100): `npm run package`, then code-server's own installer.
  const vsix = argv.has('--no-vsix') ? null : checkVsixInstalls();
  if (vsix) console.log(`${vsix.ok ? '✓' : '✗'} vsix: ${vsix.detail}`);
  for (const b of broken) console.error(`[e2e] ERROR: ${b}`);
  log(`done in ${elapsed()}`);
  // The closing line: the suite's counts plus the UI pass's; a broken build, a suite or a UI pass that printed no
  // counts each count as one more failure, so the line and the exit code agree.
  let passed = m ? Number(m[1]) : 0;
  let failed = m ? Number(m[2]) : 1;
  if (!m) console.log('✗ suite: printed no summary line (see above)');
  if (buildBroken) {
    failed++;
    console.log('✗ build: npm run build failed (see above)');
  }
  if (ui) {
    if (ui.counts) {
      passed += ui.counts.passed;
      failed += ui.counts.failed;
      if (ui.counts.failed === 0 && ui.code !== 0) failed++;
    } else {
      failed++;
      console.log('✗ ui: the UI pass printed no counts (see above)');
    }
  }
  if (vsix) {
    if (vsix.ok) passed++;
    else failed++;
  }
  console.log(`${passed} passed, ${failed} failed` + (m?.[3] ? `, ${m[3]} skipped` : ''));
  process.exit(exitCode === 0 && broken.length === 0 && vsix?.ok !== false ? 0 : 1);
}

/** Packages the .vsix and installs it into a throw-away extensions folder of the cached code-server. */
function checkVsixInstalls() {
  const pack = step('package', 'npm', ['run', '--silent', 'package']);
  const file = path.join(REPO, 'apim-mtls.vsix');
  if (!pack.ok || !fs.existsSync(file)) return { ok: false, detail: `npm run package failed:\n${pack.output.split('\n').slice(-15).join('\n')}` };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apim-mtls-vsix-'));
  const args = ['--extensions-dir', path.join(dir, 'ext'), '--user-data-dir', path.join(dir, 'user'), '--config', '/dev/null'];
  const install = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...args, '--install-extension', file], { encoding: 'utf8', timeout: 120_000 });
  const list = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...args, '--list-extensions', '--show-versions'], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(dir, { recursive: true, force: true });
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8'));
  const expected = `apim-mtls.apim-mtls@${version}`;
  const ok = install.status === 0 && (list.stdout ?? '').split('\n').includes(expected);
  const size = (fs.statSync(file).size / 1024).toFixed(0);
  return { ok, detail: ok ? `apim-mtls.vsix (${size} KB) installs in code-server as ${expected}` : `install exit ${install.status}: ${install.stderr || install.stdout}\nlisted: ${list.stdout}` };
}

/** Runs screenshots.mjs, streaming its output; resolves with its exit code and its `ui: N passed, N failed` counts. */
function runUiPass(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(REPO, 'scripts/e2e/screenshots.mjs'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    uiChild = child;
    let counts = null;
    let rest = '';
    child.stdout.on('data', (chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop();
      for (const line of lines) {
        const c = UI_SUMMARY.exec(line);
        if (c) counts = { passed: Number(c[1]), failed: Number(c[2]) };
        else console.log(line);
      }
    });
    child.on('close', (code, signal) => {
      uiChild = null;
      if (rest && !UI_SUMMARY.test(rest)) console.log(rest);
      resolve({ code: code ?? signal, counts });
    });
  });
}

main().catch((err) => {
  if (aborting) return;
  aborting = true;
  void finish(1, err?.e2e ? err.message : err?.stack ?? String(err));
});
