import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { certs, openssl, PASSWORD_VAR, tempDir } from './tools';

test('an intermediate CA is never issued under a CA whose pathLen is 0 (its chain would never validate)', async () => {
  const out = tempDir('pathlen');
  const pw = ['--password-env', PASSWORD_VAR];
  assert.equal((await certs(['ca', '--subject', 'CN=Root', '--out', out, ...pw])).code, 0);
  const int = await certs(['ca', '--subject', 'CN=Int', '--issuer', path.join(out, 'root.pfx'), '--issuer-password-env', PASSWORD_VAR, '--out', out, ...pw]);
  assert.equal(int.code, 0, int.stderr);
  const sub = await certs(['ca', '--subject', 'CN=Sub', '--issuer', path.join(out, 'int.pfx'), '--issuer-password-env', PASSWORD_VAR, '--out', out, ...pw]);
  assert.equal(sub.code, 2);
  assert.match(sub.stderr, /CN=Int has pathLen 0/);
  assert.equal(existsSync(path.join(out, 'sub.pfx')), false);
  // A client under the same intermediate is fine, and verifies.
  const client = await certs(['client', '--issuer', path.join(out, 'int.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=c', '--out', out, ...pw]);
  assert.equal(client.code, 0, client.stderr);
  const v = openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path.join(out, 'root.cer'), '-untrusted', path.join(out, 'int.cer'), path.join(out, 'c.cer')]);
  assert.equal(v.status, 0, v.out);
});

test('a certificate whose key usage lacks keyCertSign signs nothing', async () => {
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=R' });
  const leaf = await generateCertificate({ id: 'l', kind: 'client', subject: 'CN=L', issuer: root });
  await assert.rejects(generateCertificate({ id: 'x', kind: 'client', subject: 'CN=X', issuer: leaf }), /CN=L can't sign certificates: its key usage lacks keyCertSign/);
});

test('a certificate that outlives a CA of its chain is made, with a warning; OpenSSL confirms the chain fails after the CA expires', async () => {
  const out = tempDir('outlive');
  const pw = ['--password-env', PASSWORD_VAR];
  assert.equal((await certs(['ca', '--subject', 'CN=Root', '--out', out, ...pw])).code, 0);
  const int = await certs(['ca', '--subject', 'CN=Short Int', '--issuer', path.join(out, 'root.pfx'), '--issuer-password-env', PASSWORD_VAR, '--validity-days', '30', '--out', out, ...pw]);
  assert.equal(int.code, 0, int.stderr);
  assert.equal(int.stderr, '', 'a 30-day intermediate under a 10-year root: no warning');
  const client = await certs(['client', '--issuer', path.join(out, 'short-int.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=Long Client', '--validity-days', '400', '--out', out, ...pw]);
  assert.equal(client.code, 0, client.stderr);
  assert.match(client.stderr, /warning: it is valid until \d{4}-\d\d-\d\d, but CN=Short Int in its chain expires on \d{4}-\d\d-\d\d: from then on the chain fails validation/);
  const verify = (at: number) =>
    openssl(['verify', '-attime', String(at), '-CAfile', path.join(out, 'root.cer'), '-untrusted', path.join(out, 'short-int.cer'), path.join(out, 'long-client.cer')]);
  const now = Math.floor(Date.now() / 1000);
  assert.equal(verify(now + 3600).status, 0, 'valid today');
  const later = verify(now + 60 * 86_400);
  assert.notEqual(later.status, 0, 'in 60 days the intermediate has expired');
  assert.match(later.out, /expired/);
  // The same through the engine: on the certificate made, for the wizard to show.
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=R', validityDays: 10 });
  const leaf = await generateCertificate({ id: 'l', kind: 'client', subject: 'CN=L', issuer: root, validityDays: 365 });
  assert.equal(leaf.warnings?.length, 1);
  assert.match(leaf.warnings![0]!, /CN=R in its chain expires on/);
  const fits = await generateCertificate({ id: 'f', kind: 'client', subject: 'CN=F', issuer: root, validityDays: 5 });
  assert.equal(fits.warnings, undefined);
});
