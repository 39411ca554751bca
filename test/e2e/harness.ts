// A tiny test runner for the end-to-end suite. It runs inside VS Code's extension host (code-server), so it has the
// real `vscode` API and no mocha. Suite files under test/e2e/suite/ call `test(name, fn)` at load time; `runAll` then
// runs them in registration order (files sorted by name), each with its own timeout.

export interface TestOptions {
  /** Milliseconds before the test counts as failed. Default 30 s (2-core CI machines are slow to start things). */
  timeout?: number;
}

interface TestCase {
  name: string;
  fn: () => unknown;
  timeout: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
const tests: TestCase[] = [];

/** Registers a test. `fn` may be async; it fails by throwing (use node:assert). */
export function test(name: string, fn: () => unknown, options: TestOptions = {}): void {
  tests.push({ name, fn, timeout: options.timeout ?? DEFAULT_TIMEOUT_MS });
}

/** Thrown by `skip()`; the runner reports the test as skipped, never as passed. */
export class SkipError extends Error {}

/** Ends the current test as skipped, with a reason printed on its line. */
export function skip(reason: string): never {
  throw new SkipError(reason);
}

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const first = err.message.split('\n').filter((l) => l.trim() !== '').slice(0, 6).join(' | ');
    return first || err.name;
  }
  return String(err);
}

/** Runs every registered test in order; `log` receives one line per test and the summary line last. */
export async function runAll(log: (line: string) => void): Promise<Summary> {
  const summary: Summary = { passed: 0, failed: 0, skipped: 0 };
  for (const t of tests) {
    const started = Date.now();
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeout);
      summary.passed++;
      log(`✓ ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      if (err instanceof SkipError) {
        summary.skipped++;
        log(`- ${t.name}: skipped: ${err.message}`);
      } else {
        summary.failed++;
        log(`✗ ${t.name}: ${describe(err)}`);
        if (err instanceof Error && err.stack) {
          const frames = err.stack.split('\n').filter((l) => /^\s+at /.test(l));
          for (const line of frames.slice(0, 3)) log(`    ${line.trim()}`);
        }
      }
    }
  }
  return summary;
}

export function registeredCount(): number {
  return tests.length;
}
