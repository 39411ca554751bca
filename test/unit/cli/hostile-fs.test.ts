import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir, makeTempDir, repoRoot } from '../../helpers';

// What the file system under the CLI can do to it (a review that planted links, filled disks and named the wrong
// files): the linter never writes where it shouldn't, never leaves a file cut short, and says what it skipped.

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const COLONS = 'aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd';
const BAD = `<policies><inbound><base /><validate-client-certificate><identities><identity thumbprint="${COLONS}" /></identities></validate-client-certificate></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>\n`;
const posix = process.platform !== 'win32';

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

test('lint --fix: a file reached through a link is not written (the link and its target stay as they were)', { skip: !posix }, () => {
  const dir = makeTempDir('fix-link-');
  fs.mkdirSync(path.join(dir, 'repo'));
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  const target = path.join(dir, 'elsewhere', 'shared.policy.xml');
  fs.writeFileSync(target, BAD);
  fs.symlinkSync(target, path.join(dir, 'repo', 'shared.policy.xml'));
  fs.writeFileSync(path.join(dir, 'repo', 'own.policy.xml'), BAD);
  const r = run(path.join(dir, 'repo'), ['lint', '.', '--fix']);
  assert.match(r.stderr, /shared\.policy\.xml: not fixed: a symbolic link \(to .*elsewhere\/shared\.policy\.xml\)/);
  assert.equal(fs.readFileSync(target, 'utf8'), BAD, 'the file outside the linted folder is unchanged');
  assert.ok(fs.lstatSync(path.join(dir, 'repo', 'shared.policy.xml')).isSymbolicLink());
  // The file of the folder itself is fixed, and keeps its mode.
  assert.ok(!fs.readFileSync(path.join(dir, 'repo', 'own.policy.xml'), 'utf8').includes(COLONS));
});

test('lint --fix: the fixed file replaces the old one whole, with its mode; no temporary file is left', { skip: !posix }, () => {
  const dir = makeTempDir('fix-mode-');
  const file = path.join(dir, 'p.policy.xml');
  fs.writeFileSync(file, BAD);
  fs.chmodSync(file, 0o640);
  const r = run(dir, ['lint', '.', '--fix']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(fs.readFileSync(file, 'utf8').includes('thumbprint="aabbccddeeff00112233445566778899aabbccdd"'));
  assert.equal(fs.statSync(file).mode & 0o777, 0o640);
  assert.deepEqual(fs.readdirSync(dir), ['p.policy.xml']);
});

test('lint --cache-location naming a file that is not a cache leaves it as it is, and says so', () => {
  const dir = makeTempDir('cache-foreign-');
  fs.copyFileSync(path.join(examplesDir, 'environments', 'main.bicep'), path.join(dir, 'main.bicep'));
  const before = fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8');
  const r = run(dir, ['lint', '.', '--cache-location', 'main.bicep']);
  assert.match(r.stderr, /not using .*main\.bicep as the cache: it is not an apim-mtls cache, so it is left as it is/);
  assert.equal(fs.readFileSync(path.join(dir, 'main.bicep'), 'utf8'), before);
  assert.notEqual(r.status, 3);
});

test('lint --cache-location naming a file too large to be a cache (a disk image) leaves it as it is; it was replaced by the cache', () => {
  const dir = makeTempDir('cache-foreign-large-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  const image = path.join(dir, 'disk.img');
  fs.writeFileSync(image, 'DISK IMAGE');
  fs.truncateSync(image, 300 * 1024 * 1024); // sparse: nothing more is written
  const r = run(dir, ['lint', '.', '--cache', '--cache-location', 'disk.img']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /not using .*disk\.img as the cache \(300\.0 MB is too large for an apim-mtls cache \(the limit is 256 MB\)\): it is not an apim-mtls cache, so it is left as it is/);
  assert.equal(fs.statSync(image).size, 300 * 1024 * 1024);
  const fd = fs.openSync(image, 'r');
  const head = Buffer.alloc(10);
  fs.readSync(fd, head, 0, 10, 0);
  fs.closeSync(fd);
  assert.equal(head.toString(), 'DISK IMAGE');
});

test('lint --cache: a cache of this format with a damaged shape is ignored and rewritten, not an internal error', () => {
  const dir = makeTempDir('cache-shape-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  assert.equal(run(dir, ['lint', '.', '--cache']).status, 1);
  const cache = path.join(dir, '.apim-mtls-cache');
  const good = JSON.parse(fs.readFileSync(cache, 'utf8')) as { files: Record<string, { messages: unknown[]; reads?: unknown }>; referenced: unknown[] };
  const damaged: ((d: typeof good) => void)[] = [
    (d) => (Object.values(d.files)[0]!.messages = [null]),
    (d) => (Object.values(d.files)[0]!.reads = 5),
    (d) => (d.referenced = [null]),
    (d) => ((d as { files: unknown }).files = null),
  ];
  for (const damage of damaged) {
    const d = structuredClone(good);
    damage(d);
    fs.writeFileSync(cache, JSON.stringify(d));
    const r = run(dir, ['lint', '.', '--cache']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /not a cache of this version, or damaged \(it will be rewritten\)/);
    assert.match(r.stdout, /thumbprint-format/);
    // Rewritten: the next run uses it quietly, but for what the cache keeps of the policy (it has no tier: said again).
    assert.match(run(dir, ['lint', '.', '--cache']).stderr, /^apim-mtls: p\.policy\.xml validates client certificates with no known tier: [^\n]*\n$/);
  }
});

test('lint: a .apim-mtls.json link that leads nowhere is a configuration that cannot be read, not the parent folder\'s', { skip: !posix }, () => {
  const dir = makeTempDir('config-dangling-');
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'p.policy.xml'), BAD);
  fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ rules: { 'thumbprint-format': 'off' } }));
  fs.symlinkSync('../shared-config/.apim-mtls.json', path.join(dir, 'sub', '.apim-mtls.json'));
  const r = run(dir, ['lint', 'sub']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /sub\/\.apim-mtls\.json:1:1 +warning +cannot read: .*; the defaults apply/);
  assert.match(r.stdout, /thumbprint-format/);
});

test('lint: a "context" that is a link to the root of the file system is refused, as "/" is', { skip: !posix }, () => {
  const dir = makeTempDir('context-root-link-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  fs.symlinkSync('/', path.join(dir, 'everything'));
  fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ context: ['everything'] }));
  const r = run(dir, ['lint', 'p.policy.xml']);
  assert.match(r.stderr, /everything: is the root of the file system, which would be read in full on every run/);
  // That line, then what it means for the policy: no Bicep read, so no tier.
  assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
  assert.match(r.stderr.trim().split('\n')[1]!, /^apim-mtls: p\.policy\.xml validates client certificates with no known tier/);
  const flag = run(dir, ['lint', 'p.policy.xml', '--context', 'everything']);
  assert.match(flag.stderr, /is the root of the file system/);
});

test('lint > /dev/full: the report that cannot be written is said, exit 2 (not a stack trace, not "errors found")', { skip: !fs.existsSync('/dev/full') }, () => {
  const dir = makeTempDir('dev-full-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  const out = fs.openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [CLI, 'lint', '.', '--sku', 'Premium'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', out, 'pipe'] });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'apim-mtls: cannot write to standard output: ENOSPC: no space left on device, write\n');
  } finally {
    fs.closeSync(out);
  }
});

test('certs tree --force killed while writing leaves the old tree whole: the CA key still opens, the chain still verifies', { skip: !posix }, () => {
  const dir = makeTempDir('certs-force-');
  const out = path.join(dir, 'certs');
  const env = { APIM_MTLS_TEST_PASSWORD: 'correct-horse' };
  assert.equal(run(dir, ['certs', 'tree', '--out', out, '--password-env', 'APIM_MTLS_TEST_PASSWORD'], env).status, 0);
  const before = new Map(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f))]));
  // A file-size limit of 1 KB: the first larger file written kills the process (SIGXFSZ) half-way through the tree.
  const script = `ulimit -f 1; exec "${process.execPath}" "${CLI}" certs tree --out "${out}" --password-env APIM_MTLS_TEST_PASSWORD --force --key-type rsa-2048`;
  const killed = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.notEqual(killed.status, 0);
  for (const [name, bytes] of before) assert.deepEqual(fs.readFileSync(path.join(out, name)), bytes, `${name} is the old one, whole`);
  const inspect = run(dir, ['certs', 'inspect', path.join(out, 'root-ca.pfx'), '--password-env', 'APIM_MTLS_TEST_PASSWORD'], env);
  assert.equal(inspect.status, 0, inspect.stderr);
  const verify = spawnSync('openssl', ['verify', '-CAfile', path.join(out, 'root-ca.cer'), path.join(out, 'dev-intermediate-ca.cer')], { encoding: 'utf8' });
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

// Node's recursive mkdir never returns under /proc (the kernel refuses the folder with "no entry", and Node retries it).
const procfs = fs.existsSync('/proc/self/status');

test('certs tree --out under /proc ends with the folder that could not be made, not a hang', { skip: !procfs }, () => {
  const dir = makeTempDir('out-proc-');
  const r = spawnSync(process.execPath, [CLI, 'certs', 'tree', '--out', '/proc/apim-mtls-test/certs', '--password-env', 'APIM_MTLS_TEST_PASSWORD'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, APIM_MTLS_TEST_PASSWORD: 'correct-horse' },
    timeout: 60_000,
  });
  assert.equal(r.signal, null, 'killed after 60 s: the CLI hung');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /apim-mtls certs tree: ENOENT: no such file or directory, mkdir '\/proc\/apim-mtls-test'/);
});

test('lint --cache-location under /proc says the cache could not be written, and the report is still whole', { skip: !procfs }, () => {
  const dir = makeTempDir('cache-proc-');
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  const r = spawnSync(process.execPath, [CLI, 'lint', '.', '--format', 'json', '--cache-location', '/proc/apim-mtls-test/cache'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'killed after 60 s: the CLI hung');
  assert.match(r.stderr, /cannot write the cache \/proc\/apim-mtls-test\/cache: ENOENT: no such file or directory, mkdir '\/proc\/apim-mtls-test'/);
  const report = JSON.parse(r.stdout) as { messages: { ruleId: string }[] }[];
  assert.ok(report[0]!.messages.some((m) => m.ruleId === 'thumbprint-format'), r.stdout);
});

test('lint --context naming a loop of links says it is a link, not only that nothing is there', { skip: !posix }, () => {
  const dir = makeTempDir('context-loop-');
  fs.symlinkSync('b', path.join(dir, 'a'));
  fs.symlinkSync('a', path.join(dir, 'b'));
  fs.writeFileSync(path.join(dir, 'p.policy.xml'), BAD);
  const r = run(dir, ['lint', 'p.policy.xml', '--context', 'a']);
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /no such file or directory: --context a \(a symbolic link whose target is missing or that loops: a\)/);
});
