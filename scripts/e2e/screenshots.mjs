// UI pass: uses the workbench as a person would (no test payload; the extension is loaded from the repository as in an
// Extension Development Host), opens a policy file through Quick Open (Ctrl+P), takes screenshots into docs/images/.
// When the extension reports diagnostics it also waits for squiggles, opens the Problems panel (Ctrl+Shift+M) and
// prints its rows. Those steps are bounded by timeouts and only reported when nothing shows up, unless
// --expect-diagnostics is given (then a missing squiggle or Problems row fails the run).
//
// Usage: node scripts/e2e/screenshots.mjs [--no-setup] [--file NAME] [--expect-diagnostics] [--out DIR]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO, cleanup, elapsed, fail, guard, launchBrowser, log, makeTempDirs, runSetup, startCodeServer } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const expectDiagnostics = args.includes('--expect-diagnostics');
const outDir = path.resolve(opt('--out') ?? path.join(REPO, 'docs/images'));
const TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_MS || 300_000);

// Written into the throw-away workspace only when examples/ has no policy file (examples/ may still be empty).
const SAMPLE_NAME = 'sample.policy.xml';
const SAMPLE = `<policies>
  <inbound>
    <base />
    <choose>
      <when condition="@(context.Request.Certificate == null || !context.Request.Certificate.Verify())">
        <return-response>
          <set-status code="403" reason="Invalid client certificate" />
        </return-response>
      </when>
    </choose>
    <validate-client-certificate validate-revocation="true" validate-trust="true" validate-not-before="true" validate-not-after="true" ignore-error="false">
      <identities>
        <identity thumbprint="0000000000000000000000000000000000000000" />
      </identities>
    </validate-client-certificate>
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
  <on-error><base /></on-error>
</policies>
`;

let aborting = false;
async function finish(code, message) {
  if (message) console.error(`\n[e2e] ERROR: ${message}\n`);
  await cleanup();
  process.exit(code);
}
guard(TIMEOUT_MS, (reason, code) => {
  if (aborting) return;
  aborting = true;
  void finish(code, reason);
});

function findPolicy(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const r = findPolicy(p);
      if (r) return r;
    } else if (/(^|\.)policy\.xml$/.test(e.name)) {
      return p;
    }
  }
  return undefined;
}

async function shoot(page, name) {
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, name);
  await page.screenshot({ path: file });
  log(`screenshot: ${path.relative(REPO, file)}`);
}

async function main() {
  if (!args.includes('--no-setup')) runSetup();
  if (!fs.existsSync(path.join(REPO, 'dist/client.js'))) log('note: dist/client.js missing (run `npm run build`): no diagnostics will appear');

  const dirs = makeTempDirs();
  let file = opt('--file');
  if (!file) {
    const found = findPolicy(dirs.workspace);
    if (found) file = path.relative(dirs.workspace, found);
    else {
      fs.writeFileSync(path.join(dirs.workspace, SAMPLE_NAME), SAMPLE);
      file = SAMPLE_NAME;
      log(`examples/ has no policy file: wrote ${SAMPLE_NAME} into the throw-away workspace`);
    }
  }

  const server = await startCodeServer(dirs);
  log(`code-server ready on ${server.url} after ${elapsed()}`);
  const { page } = await launchBrowser(dirs);
  const payload = [['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${server.port}${REPO}`]];
  await page.goto(`${server.url}/?folder=${encodeURIComponent(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, {
    waitUntil: 'domcontentloaded',
    timeout: 60_000,
  });

  // The workbench is usable once the explorer shows the workspace's files.
  await page.waitForSelector('.monaco-workbench .explorer-folders-view .monaco-list-row', { timeout: 90_000 });
  log(`workbench ready after ${elapsed()}`);
  await page.locator('.monaco-workbench .part.editor').click({ timeout: 10_000 }).catch(() => {});

  // Quick Open, as a person would: Ctrl+P, type the name, Enter.
  const base = path.basename(file);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(base);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: base }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await page.keyboard.press('Enter');
  const tab = page.locator('.tabs-container .tab', { hasText: base }).first();
  await tab.waitFor({ state: 'visible', timeout: 15_000 });
  await page.locator('.part.editor .monaco-editor .view-lines .view-line').first().waitFor({ state: 'visible', timeout: 15_000 });
  const mode = (await page.locator('.statusbar-item[id$="status.editor.mode"]').first().textContent({ timeout: 5_000 }).catch(() => null))?.trim();
  log(`opened ${file} through Quick Open (language in the status bar: ${mode ?? 'unknown'})`);
  await page.waitForTimeout(1500); // let tokenization and the language server settle
  await shoot(page, 'e2e-policy-editor.png');

  // Diagnostics: squiggles in the editor, then the Problems panel.
  const problems = [];
  const squiggle = await page
    .waitForSelector('.part.editor .monaco-editor .squiggly-error, .part.editor .monaco-editor .squiggly-warning', { timeout: 20_000 })
    .catch(() => null);
  if (!squiggle) log('diagnostics: no squiggle within 20 s');
  else log(`diagnostics: squiggles shown (${await page.locator('.part.editor .squiggly-error').count()} error, ${await page.locator('.part.editor .squiggly-warning').count()} warning)`);

  await page.keyboard.press('Control+Shift+M');
  const panel = await page.waitForSelector('.markers-panel', { state: 'visible', timeout: 15_000 }).catch(() => null);
  if (!panel) log('problems panel: did not open within 15 s');
  else {
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: squiggle ? 15_000 : 3_000 }).catch(() => null);
    for (const r of await page.locator('.markers-panel .monaco-list-row').all()) {
      const label = (await r.getAttribute('aria-label')) || (await r.innerText());
      problems.push(label.replace(/\s+/g, ' ').trim());
    }
    log(`problems panel: ${problems.length} row(s)`);
    for (const p of problems) console.log(`  ${p}`);
    await shoot(page, 'e2e-problems.png');
  }

  await cleanup();
  if (expectDiagnostics && (!squiggle || problems.length === 0)) throw fail('--expect-diagnostics: no squiggle or no Problems row');
  log(`done in ${elapsed()}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    if (aborting) return;
    aborting = true;
    void finish(1, err?.e2e ? err.message : (err?.stack ?? String(err)));
  },
);
