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
