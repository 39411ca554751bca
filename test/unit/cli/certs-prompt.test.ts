import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir, repoRoot } from '../../helpers';

// `certs` without --password-env asks on the terminal, masked. A new .pfx password is asked twice: a typo nobody sees
// would leave a key no one can open. Driven through a real pseudo-terminal (python3's pty), as a person types.

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

/** Runs `apim-mtls certs tree --out DIR` on a terminal, answering each prompt in turn; the terminal's text and exit code. */
function onTerminal(dir: string, answers: string[]): { output: string; status: number } {
  const driver = `
import os, pty, sys, select, json
answers = json.loads(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], sys.argv[2], 'certs', 'tree', '--out', sys.argv[4]])
out = b''
def read_until(marker):
    global out
    while marker not in out:
        r, _, _ = select.select([fd], [], [], 60)
        if not r: raise SystemExit('timed out waiting for ' + repr(marker) + ' in ' + repr(out))
        try: chunk = os.read(fd, 4096)
        except OSError: raise SystemExit('terminal closed before ' + repr(marker) + ': ' + repr(out))
        if not chunk: raise SystemExit('terminal closed before ' + repr(marker))
        out += chunk
prompts = [b'Password for the .pfx files: ', b'Again, to confirm: ']
for prompt, answer in zip(prompts, answers):
    read_until(prompt)
    os.write(fd, answer.encode() + b'\\r')
while True:
    try: chunk = os.read(fd, 4096)
    except OSError: break
    if not chunk: break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(json.dumps({'output': out.decode('utf8', 'replace'), 'status': os.waitstatus_to_exitcode(status)}))
`;
  const r = spawnSync('python3', ['-c', driver, process.execPath, CLI, JSON.stringify(answers), path.join(dir, 'certs')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { output: string; status: number };
}

test('certs tree on a terminal: the new password is asked twice, not echoed, and opens the .pfx', { skip: !python }, () => {
  const dir = makeTempDir('certs-prompt-');
  const secret = 'Tr0ub4dor&3-horse';
  const { output, status } = onTerminal(dir, [secret, secret]);
  assert.equal(status, 0, output);
  assert.ok(!output.includes(secret), 'the password is never shown');
  const pfx = path.join(dir, 'certs', 'dev-valid-client.pfx');
  const openssl = spawnSync('openssl', ['pkcs12', '-in', pfx, '-noout', '-passin', 'env:PFX_PASSWORD'], { encoding: 'utf8', env: { ...process.env, PFX_PASSWORD: secret } });
  assert.equal(openssl.status, 0, openssl.stderr);
});

test('certs tree on a terminal: two different passwords write nothing', { skip: !python }, () => {
  const dir = makeTempDir('certs-prompt-differ-');
  const { output, status } = onTerminal(dir, ['first-password', 'first-passwort']);
  assert.equal(status, 2, output);
  assert.match(output, /the two passwords differ: nothing was written/);
  assert.equal(fs.existsSync(path.join(dir, 'certs')), false);
});

test('--password-env given the password itself: the error never repeats it (CI logs keep stderr)', () => {
  const dir = makeTempDir('certs-env-name');
  const secret = 'Pa55-w0rd! not a name';
  const r = spawnSync(process.execPath, [CLI, 'certs', 'tree', '--out', dir, '--password-env', secret], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 2);
  assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), r.stderr);
  assert.match(r.stderr, /give the name, not the password/);
  // A real variable's name that isn't set is named, as before.
  const unset = spawnSync(process.execPath, [CLI, 'certs', 'tree', '--out', dir, '--password-env', 'APIM_MTLS_UNSET_FOR_TEST'], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH } });
  assert.equal(unset.status, 2);
  assert.match(unset.stderr, /environment variable APIM_MTLS_UNSET_FOR_TEST is not set/);
  fs.rmSync(dir, { recursive: true, force: true });
});
