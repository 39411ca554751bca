// Entry point of the end-to-end suite, loaded by VS Code as `extensionTestsPath` (out/test/e2e/index.js).
// VS Code calls `run()` inside the extension host; when it resolves the host exits with code 0, when it rejects with
// code 1, and code-server's workbench hands that code to `window.codeAutomationExit` (scripts/e2e/run.mjs).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registeredCount, runAll } from './harness';

/** Every line goes to the extension host's console (forwarded to the browser) and, when scripts/e2e/run.mjs set
 * APIM_MTLS_E2E_LOG, to that file, which run.mjs streams to its stdout. */
function makeLogger(): (line: string) => void {
  const file = process.env.APIM_MTLS_E2E_LOG;
  return (line: string) => {
    console.log(line);
    if (file) {
      try {
        fs.appendFileSync(file, line + '\n');
      } catch {
        // the console copy still exists
      }
    }
  };
}

export async function run(): Promise<void> {
  const log = makeLogger();
  const suiteDir = path.join(__dirname, 'suite');
  const files = fs.existsSync(suiteDir) ? fs.readdirSync(suiteDir).filter((f) => f.endsWith('.js')).sort() : [];
  for (const f of files) require(path.join(suiteDir, f));
  log(`e2e: ${registeredCount()} test(s) from ${files.length} file(s) in VS Code ${require('vscode').version}`);
  if (registeredCount() === 0) {
    log('0 passed, 1 failed');
    throw new Error(`no tests registered under ${suiteDir}`);
  }
  const s = await runAll(log);
  log(`${s.passed} passed, ${s.failed} failed` + (s.skipped ? `, ${s.skipped} skipped` : ''));
  if (s.failed > 0) throw new Error(`${s.failed} end-to-end test(s) failed`);
}
