import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { SPECS } from '../../../server/src/cli/certs';
import { pki } from '../../../server/src/certificates/pki';
import { repoRoot } from '../../helpers';
import { certs, makeTree, openssl, PASSWORD_VAR, tempDir } from './tools';

let dir = '';
before(async () => {
  dir = await makeTree('ecdsa-p256', ['--export-key']);
});

const f = (name: string): string => path.join(dir, name);
const verify = (client: string, intermediate: string): { status: number; out: string } =>
  openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', f('root-ca.cer'), '-untrusted', f(intermediate), f(client)]);

test('openssl verify accepts the valid clients and refuses the others for the right reason', () => {
  for (const ok of ['dev-valid-client.cer', 'dev-unregistered-client.cer']) {
    const r = verify(ok, 'dev-intermediate-ca.cer');
    assert.equal(r.status, 0, r.out);
  }
  assert.match(verify('dev-expired-client.cer', 'dev-intermediate-ca.cer').out, /certificate has expired/);
  assert.match(verify('dev-notyetvalid-client.cer', 'dev-intermediate-ca.cer').out, /certificate is not yet valid/);
  // The server knows root + DEV intermediate only: the TST client does not chain.
  const untrusted = verify('tst-untrusted-client.cer', 'dev-intermediate-ca.cer');
  assert.notEqual(untrusted.status, 0);
  assert.match(untrusted.out, /unable to get local issuer certificate/);
  // Caveat documented in tree.ts: given the TST intermediate, a root-trusting verifier accepts it;
  // trusting only the DEV intermediate as issuing CA (partial chain) still refuses it.
  assert.equal(verify('tst-untrusted-client.cer', 'tst-intermediate-ca.cer').status, 0);
  const partial = openssl(['verify', '-partial_chain', '-purpose', 'sslclient', '-CAfile', f('dev-intermediate-ca.cer'), '-untrusted', f('tst-intermediate-ca.cer'), f('tst-untrusted-client.cer')]);
  assert.notEqual(partial.status, 0, partial.out);
  assert.equal(openssl(['verify', '-partial_chain', '-purpose', 'sslclient', '-CAfile', f('dev-intermediate-ca.cer'), f('dev-valid-client.cer')]).status, 0);
});

test('openssl opens every .pfx with the password (no legacy provider) and refuses a wrong one', () => {
  const pfxs = readdirSync(dir).filter((n) => n.endsWith('.pfx'));
  assert.equal(pfxs.length, 8);
  for (const name of pfxs) {
    const ok = openssl(['pkcs12', '-info', '-noout', '-in', f(name), '-passin', `env:${PASSWORD_VAR}`]);
    assert.equal(ok.status, 0, `${name}: ${ok.out}`);
    assert.match(ok.out, /PBES2, PBKDF2, AES-256-CBC/);
    assert.match(ok.out, /MAC: sha256/);
    const bad = openssl(['pkcs12', '-info', '-noout', '-in', f(name), '-passin', `env:${PASSWORD_VAR}`], 'wrong password');
    assert.notEqual(bad.status, 0, name);
    assert.match(bad.out, /invalid password/);
  }
  const leafOnly = openssl(['pkcs12', '-in', f('tst-untrusted-client.pfx'), '-passin', `env:${PASSWORD_VAR}`, '-nokeys']);
  assert.equal((leafOnly.out.match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
  const withChain = openssl(['pkcs12', '-in', f('dev-valid-client.pfx'), '-passin', `env:${PASSWORD_VAR}`, '-nokeys']);
  assert.equal((withChain.out.match(/BEGIN CERTIFICATE/g) ?? []).length, 2);
});

test('certs inspect thumbprints equal openssl fingerprints (text and json)', async () => {
  const names = readdirSync(dir).filter((n) => n.endsWith('.cer') && !n.includes('without-markers'));
  const json = await certs(['inspect', ...names.map(f), '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { file: string; certificates: { thumbprint: string; thumbprintSha256: string }[] }[];
  for (const entry of parsed) {
    const sha1 = openssl(['x509', '-noout', '-fingerprint', '-sha1', '-in', entry.file]).out.split('=')[1].trim().replace(/:/g, '');
    const sha256 = openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', entry.file]).out.split('=')[1].trim().replace(/:/g, '');
    assert.equal(entry.certificates[0].thumbprint, sha1);
    assert.equal(entry.certificates[0].thumbprintSha256, sha256);
  }
  const text = await certs(['inspect', f('dev-valid-client.pfx'), f('dev-valid-client.without-markers.cer'), '--password-env', PASSWORD_VAR]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /PKCS#12, with private key/);
  assert.match(text.stdout, /PEM markers: no/);
  assert.ok(!text.stdout.includes('pässword'));
});

test('files with keys are 0600, others 0644; existing files are never overwritten without --force', async () => {
  for (const name of readdirSync(dir)) {
    const mode = statSync(f(name)).mode & 0o777;
    assert.equal(mode, /\.(pfx|key)$/.test(name) ? 0o600 : 0o644, name);
  }
  const other = tempDir('nooverwrite');
  writeFileSync(path.join(other, 'dev-valid-client.pfx'), 'keep me');
  const r = await certs(['tree', '--out', other, '--password-env', PASSWORD_VAR]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /refusing to overwrite/);
  assert.deepEqual(readdirSync(other), ['dev-valid-client.pfx'], 'nothing else written');
  assert.equal(readFileSync(path.join(other, 'dev-valid-client.pfx'), 'utf8'), 'keep me');
});

test('CLI usage errors exit 2; passwords never come from arguments', async () => {
  assert.equal((await certs(['tree'])).code, 2);
  assert.equal((await certs(['tree', '--out', tempDir('x'), '--password', 'p'])).code, 2);
  const noPassword = await certs(['tree', '--out', tempDir('x')], {});
  assert.equal(noPassword.code, 2);
  assert.match(noPassword.stderr, /no password/);
  assert.equal((await certs(['tree', '--out', tempDir('x'), '--password-env', 'UNSET_VAR_FOR_TEST'], {})).code, 2);
  assert.equal((await certs(['client', '--subject', 'CN=x', '--out', tempDir('x')])).code, 2);
  assert.equal((await certs(['ca', '--subject', 'CN=x', '--out', tempDir('x'), '--key-type', 'dsa'])).code, 2);
  assert.equal((await certs(['frobnicate'])).code, 2);
});

test('certs ca + certs client from a CA .pfx produce a chain openssl accepts', async () => {
  const out = tempDir('issue');
  const env = { [PASSWORD_VAR]: 'pw-1' };
  assert.equal((await certs(['ca', '--subject', 'CN=My Root, O="Contoso, Inc."', '--id', 'my-root', '--out', out, '--password-env', PASSWORD_VAR], env)).code, 0);
  const ca = await certs(['ca', '--subject', 'CN=My Issuing CA', '--id', 'my-ca', '--issuer', path.join(out, 'my-root.pfx'), '--issuer-password-env', PASSWORD_VAR, '--out', out, '--password-env', PASSWORD_VAR, '--key-type', 'ecdsa-p384'], env);
  assert.equal(ca.code, 0, ca.stderr);
  const client = await certs(['client', '--issuer', path.join(out, 'my-ca.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=Partner A', '--dns', 'a.example,b.example', '--out', out, '--password-env', PASSWORD_VAR, '--format', 'json'], env);
  assert.equal(client.code, 0, client.stderr);
  const info = JSON.parse(client.stdout) as { certificates: { dnsNames: string[]; signatureAlgorithm: string }[] };
  assert.deepEqual(info.certificates[0].dnsNames, ['a.example', 'b.example']);
  assert.equal(info.certificates[0].signatureAlgorithm, 'ecdsa-with-SHA384');
  const v = openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path.join(out, 'my-root.cer'), '-untrusted', path.join(out, 'my-ca.cer'), path.join(out, 'partner-a.cer')]);
  assert.equal(v.status, 0, v.out);
  // --dns "" (its --help: "" for none): no subject alternative name at all, which openssl shows.
  for (const empty of [['--dns', ''], ['--dns=']]) {
    const bare = await certs(['client', '--issuer', path.join(out, 'my-ca.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=No DNS', '--id', `no-dns${empty.length}`, ...empty, '--out', out, '--password-env', PASSWORD_VAR, '--format', 'json'], env);
    assert.equal(bare.code, 0, bare.stderr);
    assert.deepEqual((JSON.parse(bare.stdout) as { certificates: { dnsNames: string[] }[] }).certificates[0]!.dnsNames, []);
    const text = openssl(['x509', '-in', path.join(out, `no-dns${empty.length}.cer`), '-noout', '-text']);
    assert.equal(text.status, 0, text.out);
    assert.match(text.out, /Subject: CN ?= ?No DNS/);
    assert.doesNotMatch(text.out, /Subject Alternative Name/);
  }
  assert.equal((await certs(['client', '--issuer', path.join(out, 'my-ca.pfx'), '--subject', 'CN=x', '--out', out, '--id', ''], env)).code, 2, 'other options still need a value');
  const wrong = await certs(['client', '--issuer', path.join(out, 'my-ca.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=B', '--out', out, '--password-env', PASSWORD_VAR], { [PASSWORD_VAR]: 'nope' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /the issuer .*my-ca\.pfx: wrong password/, 'which of the two passwords was wrong');
});

test('certs <command> --help (the real CLI) prints that command’s usage, documenting every option it takes', () => {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  for (const [name, spec] of Object.entries(SPECS)) {
    const r = spawnSync(process.execPath, [cli, 'certs', name, '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: apim-mtls certs ${name} `));
    for (const option of [...spec.values, ...spec.flags]) assert.match(r.stdout, new RegExp(`(\\n {2}|, )${option}[ ,\\n]`), `${name} --help documents ${option}`);
    // Only its own options: another command's (e.g. --issuer for tree) would be a lie.
    const documented = [...r.stdout.matchAll(/(?:\n {2}|, )(--[a-z-]+)/g)].map((m) => m[1]);
    for (const option of documented) assert.ok(([...spec.values, ...spec.flags] as string[]).includes(option!), `${name} --help documents ${option}, which it doesn't take`);
  }
});

test('a .pfx whose MAC takes millions of iterations is refused with the count, before any work (asn1js misread 2^23 and up)', async () => {
  const { pkijs } = pki();
  const original = readFileSync(path.join(dir, 'dev-valid-client.pfx'));
  for (const iterations of [8_388_607, 20_000_000]) {
    const pfx = pkijs.PFX.fromBER(original.buffer.slice(original.byteOffset, original.byteOffset + original.byteLength));
    pfx.macData!.iterations = iterations;
    const file = path.join(tempDir('iterations'), 'slow.pfx');
    writeFileSync(file, Buffer.from(pfx.toSchema().toBER(false)));
    const r = await certs(['inspect', file, '--format', 'json', '--password-env', PASSWORD_VAR]);
    assert.equal(r.code, 1);
    const expected = `cannot open the .pfx: its MAC is computed with ${iterations.toLocaleString('en-US')} iterations, more than the 1,000,000 apim-mtls reads`;
    assert.ok((JSON.parse(r.stdout) as { problems: string[] }[])[0]!.problems[0]!.startsWith(expected), r.stdout);
  }
});
