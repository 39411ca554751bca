import { execFile, spawnSync } from 'node:child_process';
import { runCertsCommand } from '../../../server/src/cli/certs';
import { makeTempDir } from '../../helpers';

/** Shared helpers of the certificate tests: temp dirs, the CLI in-process, openssl and curl. */

export const PASSWORD_VAR = 'APIM_MTLS_TEST_PFX_PASSWORD';
export const PASSWORD = 'T3st-pässword!';

/** A new `apim-mtls-<prefix>-XXXXXX` temp dir, removed when the test file's process exits (see `makeTempDir`). */
export function tempDir(prefix: string): string {
  return makeTempDir(prefix);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `certs …` in-process with the test password in the environment. */
export async function certs(args: string[], env: NodeJS.ProcessEnv = { [PASSWORD_VAR]: PASSWORD }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCertsCommand(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env });
  return { code, stdout, stderr };
}

/** Generates the sample tree into a new temp dir. */
export async function makeTree(keyType: string, extra: string[] = []): Promise<string> {
  const dir = tempDir(`tree-${keyType}`);
  const result = await certs(['tree', '--out', dir, '--key-type', keyType, '--password-env', PASSWORD_VAR, '--force', ...extra]);
  if (result.code !== 0) throw new Error(`certs tree failed: ${result.stderr}`);
  return dir;
}

/** Runs openssl synchronously; the password travels in the environment (`-passin env:VAR`), never on the command line. */
export function openssl(args: string[], password = PASSWORD): { status: number; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8', env: { ...process.env, [PASSWORD_VAR]: password } });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Runs a program asynchronously (needed while an in-process server must keep answering). */
export function run(file: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}
