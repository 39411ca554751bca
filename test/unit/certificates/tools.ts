import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';
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

/** What `certs inspect --format json` says of one file. */
export interface Inspected {
  file: string;
  certificates: { subject: string; thumbprint: string }[];
  hasKey?: boolean;
  problems: string[];
}

/** `certs inspect FILE --format json`, the password from the test variable: the exit code and the file's report. */
export async function inspect(file: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; report: Inspected }> {
  const r = await certs(['inspect', file, '--format', 'json', '--password-env', PASSWORD_VAR], env);
  return { code: r.code, report: (JSON.parse(r.stdout) as Inspected[])[0]! };
}

/**
 * A folder with an openssl-made CA (`ca.cer`, `ca.key`, subject `CN=<cn>, O=Contoso`), and `exportPfx`: `openssl pkcs12
 * -export` of it with the given options (`-legacy` first when RC2 is used), written as `name` there.
 */
export function opensslCa(prefix: string, cn: string): { dir: string; exportPfx: (name: string, options: string[]) => string } {
  const dir = tempDir(prefix);
  const f = (name: string): string => path.join(dir, name);
  const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.cer'), '-subj', `/O=Contoso/CN=${cn}`, '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  assert.equal(made.status, 0, made.out);
  return {
    dir,
    exportPfx: (name, options) => {
      const exported = openssl(['pkcs12', '-export', ...options, '-in', f('ca.cer'), '-inkey', f('ca.key'), '-out', f(name), '-passout', `env:${PASSWORD_VAR}`]);
      assert.equal(exported.status, 0, exported.out);
      return f(name);
    },
  };
}
