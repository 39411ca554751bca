import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FilesExistError } from '../../../server/src/certificates/write';
import { secretsFromEnv, validateCertificateArgs, validateTreeArgs } from '../../../client/src/wizard/options';
import { generateAndWrite, generateTreeAndWrite } from '../../../client/src/wizard/run';
import { openssl, PASSWORD, PASSWORD_VAR, tempDir } from '../certificates/tools';

/** The path the command with an argument object takes (options.ts → run.ts), without VS Code, checked with openssl. */

const ENV = { [PASSWORD_VAR]: PASSWORD, CA_PASSWORD: 'ca-secret' };

async function make(args: Record<string, unknown>) {
  const { plan, passwords } = validateCertificateArgs(args);
  return generateAndWrite(plan, secretsFromEnv(passwords, ENV));
}

function x509(file: string): string {
  const r = openssl(['x509', '-in', file, '-noout', '-subject', '-issuer', '-fingerprint', '-sha1', '-text', '-nameopt', 'RFC2253']);
  assert.equal(r.status, 0, r.out);
  return r.out;
}

function fingerprint(out: string): string {
  return /SHA1 Fingerprint=([0-9A-F:]+)/i.exec(out)![1]!.replace(/:/g, '');
}

test('root CA → client from its .pfx: files, modes, openssl x509 / verify / pkcs12', async () => {
  const out = tempDir('wizard');
  const root = await make({ kind: 'root', subject: 'CN=Wizard Root CA, O=Contoso', keyType: 'rsa-2048', outDir: out, passwordEnv: 'CA_PASSWORD' });
  assert.deepEqual(root.files.map((f) => path.basename(f)), ['wizard-root-ca.cer', 'wizard-root-ca.without-markers.cer', 'wizard-root-ca.pfx']);
  const rootText = x509(path.join(out, 'wizard-root-ca.cer'));
  assert.equal(fingerprint(rootText), root.thumbprint);
  assert.match(rootText, /CA:TRUE/);

  const client = await make({
    kind: 'client',
    subject: 'CN=dev-client, O=Contoso',
    issuer: { pfx: path.join(out, 'wizard-root-ca.pfx'), passwordEnv: 'CA_PASSWORD' },
    keyType: 'ecdsa-p256',
    validityDays: 30,
    dns: 'client.example.com',
    outDir: out,
    passwordEnv: PASSWORD_VAR,
  });
  assert.deepEqual(client.certificates.map((c) => c.id), ['dev-client']);
  const cer = path.join(out, 'dev-client.cer');
  const text = x509(cer);
  assert.equal(fingerprint(text), client.thumbprint);
  assert.match(text, /subject=CN=dev-client,O=Contoso/);
  assert.match(text, /issuer=CN=Wizard Root CA,O=Contoso/);
  assert.match(text, /DNS:client\.example\.com/);
  assert.match(text, /TLS Web Client Authentication/);
  assert.match(text, /CA:FALSE/);
  const verify = openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path.join(out, 'wizard-root-ca.cer'), cer]);
  assert.equal(verify.status, 0, verify.out);

  assert.equal(statSync(path.join(out, 'dev-client.pfx')).mode & 0o777, 0o600);
  assert.equal(statSync(cer).mode & 0o777, 0o644);
  assert.doesNotMatch(readFileSync(path.join(out, 'dev-client.without-markers.cer'), 'utf8'), /-----|\n/);
  const p12 = openssl(['pkcs12', '-in', path.join(out, 'dev-client.pfx'), '-passin', `env:${PASSWORD_VAR}`, '-nokeys', '-clcerts'], PASSWORD);
  assert.equal(p12.status, 0, p12.out);
  assert.match(p12.out, /subject=O = Contoso, CN = dev-client/);

  // No overwrite unless asked; nothing is written on refusal.
  const again = validateCertificateArgs({ kind: 'root', subject: 'CN=Wizard Root CA, O=Contoso', outDir: out, passwordEnv: 'CA_PASSWORD' });
  await assert.rejects(generateAndWrite(again.plan, secretsFromEnv(again.passwords, ENV)), FilesExistError);
  assert.equal(fingerprint(x509(path.join(out, 'wizard-root-ca.cer'))), root.thumbprint);
  const replaced = await make({ kind: 'root', subject: 'CN=Wizard Root CA, O=Contoso', outDir: out, passwordEnv: 'CA_PASSWORD', overwrite: true });
  assert.equal(fingerprint(x509(path.join(out, 'wizard-root-ca.cer'))), replaced.thumbprint);
  assert.notEqual(replaced.thumbprint, root.thumbprint);

  // A wrong issuer password is a clear error.
  await assert.rejects(
    make({ subject: 'CN=x', issuer: { pfx: path.join(out, 'dev-client.pfx') }, outDir: out, passwordEnv: 'CA_PASSWORD' }),
    /cannot use .*dev-client\.pfx as issuer/,
  );
});

test('self-signed issuer: a new root is written too; an expired test client fails openssl verify as expired', async () => {
  const out = tempDir('wizard-self');
  const result = await make({
    subject: 'CN=Expired Client, O=Contoso',
    issuer: 'self-signed',
    validityDays: { notBefore: '2020-01-01', notAfter: '2020-12-31T23:59:59Z' },
    outDir: out,
    passwordEnv: PASSWORD_VAR,
  });
  assert.deepEqual(result.certificates.map((c) => [c.id, c.kind]), [['expired-client-root-ca', 'root'], ['expired-client', 'client']]);
  assert.equal(result.files.length, 6);
  assert.equal(result.thumbprint, result.certificates[1]!.thumbprint);
  const text = x509(path.join(out, 'expired-client.cer'));
  assert.match(text, /issuer=CN=Expired Client Root CA,O=Contoso/);
  assert.match(text, /Not After : Dec 31 23:59:59 2020 GMT/);
  assert.match(text, /DNS:expired-client/);
  const verify = openssl(['verify', '-purpose', 'sslclient', '-CAfile', path.join(out, 'expired-client-root-ca.cer'), path.join(out, 'expired-client.cer')]);
  assert.notEqual(verify.status, 0);
  assert.match(verify.out, /certificate has expired/);
  // The root covers the explicit dates and now.
  assert.match(x509(path.join(out, 'expired-client-root-ca.cer')), /Not Before: Jan  1 00:00:00 2020 GMT/);
});

test('intermediate CA under a .pfx root, then a client under the intermediate: its .pfx carries the chain', async () => {
  const out = tempDir('wizard-chain');
  await make({ kind: 'root', subject: 'CN=Chain Root', outDir: out, passwordEnv: PASSWORD_VAR });
  await make({ kind: 'intermediate', subject: 'CN=Chain Intermediate', issuer: { pfx: path.join(out, 'chain-root.pfx') }, outDir: out, passwordEnv: PASSWORD_VAR });
  await make({ subject: 'CN=Chain Client', issuer: { pfx: path.join(out, 'chain-intermediate.pfx') }, dns: [], outDir: out, passwordEnv: PASSWORD_VAR });
  assert.doesNotMatch(x509(path.join(out, 'chain-client.cer')), /Subject Alternative Name/);
  const verify = openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', path.join(out, 'chain-root.cer'), '-untrusted', path.join(out, 'chain-intermediate.cer'), path.join(out, 'chain-client.cer')]);
  assert.equal(verify.status, 0, verify.out);
  const p12 = openssl(['pkcs12', '-in', path.join(out, 'chain-client.pfx'), '-passin', `env:${PASSWORD_VAR}`, '-nokeys']);
  assert.equal(p12.status, 0, p12.out);
  assert.equal(p12.out.match(/BEGIN CERTIFICATE/g)?.length, 2);
});

test('the sample tree through the tree command path', async () => {
  const out = tempDir('wizard-tree');
  const { plan, passwords } = validateTreeArgs({ outDir: out, passwordEnv: PASSWORD_VAR });
  const result = await generateTreeAndWrite(plan, secretsFromEnv(passwords, ENV));
  assert.equal(result.certificates.length, 8);
  assert.equal(result.files.length, 24);
  const verify = openssl(['verify', '-purpose', 'sslclient', '-CAfile', path.join(out, 'root-ca.cer'), '-untrusted', path.join(out, 'dev-intermediate-ca.cer'), path.join(out, 'dev-valid-client.cer')]);
  assert.equal(verify.status, 0, verify.out);
});

/** The encryption of a .pfx's key and certificates, and its MAC, as `openssl pkcs12 -info` names them. */
function pfxAlgorithms(file: string): { key: string; certificates: string; mac: string } {
  const info = openssl(['pkcs12', '-in', file, '-info', '-noout', '-passin', `env:${PASSWORD_VAR}`]);
  assert.equal(info.status, 0, info.out);
  return {
    key: /Shrouded Keybag: (.+)/.exec(info.out)?.[1] ?? 'none',
    certificates: /PKCS7 Encrypted data: (.+)/.exec(info.out)?.[1] ?? 'none',
    mac: /MAC: (\w+)/.exec(info.out)?.[1] ?? 'none',
  };
}

test('legacyPfx: the client, its new root and every .pfx of the tree are TripleDES with a SHA-1 MAC; without it AES-256 and SHA-256', async () => {
  const out = tempDir('wizard-legacy');
  const legacy = await make({ subject: 'CN=Old Mac Client, O=Contoso', issuer: 'self-signed', outDir: out, passwordEnv: PASSWORD_VAR, legacyPfx: true });
  const modern = await make({ subject: 'CN=New Client, O=Contoso', issuer: 'self-signed', outDir: out, passwordEnv: PASSWORD_VAR });
  const tripleDes = 'pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048';
  const LEGACY = { key: tripleDes, certificates: tripleDes, mac: 'sha1' };
  for (const id of ['old-mac-client', 'old-mac-client-root-ca']) assert.deepEqual(pfxAlgorithms(path.join(out, `${id}.pfx`)), LEGACY, id);
  for (const id of ['new-client', 'new-client-root-ca']) {
    const aes = 'PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256';
    assert.deepEqual(pfxAlgorithms(path.join(out, `${id}.pfx`)), { key: aes, certificates: aes, mac: 'sha256' }, id);
  }
  // The legacy .pfx holds the same certificate as the .cer, and a legacy root signs (it is read back as the issuer).
  const pem = openssl(['pkcs12', '-in', path.join(out, 'old-mac-client.pfx'), '-nokeys', '-clcerts', '-passin', `env:${PASSWORD_VAR}`]);
  assert.match(pem.out, /subject=O = Contoso, CN = Old Mac Client/);
  assert.equal(legacy.certificates.length, 2);
  assert.notEqual(legacy.thumbprint, modern.thumbprint);
  const signed = await make({ subject: 'CN=Signed By Legacy, O=Contoso', issuer: { pfx: path.join(out, 'old-mac-client-root-ca.pfx') }, outDir: out, passwordEnv: PASSWORD_VAR });
  const verify = openssl(['verify', '-purpose', 'sslclient', '-CAfile', path.join(out, 'old-mac-client-root-ca.cer'), path.join(out, 'signed-by-legacy.cer')]);
  assert.equal(verify.status, 0, verify.out);
  assert.equal(signed.certificates.length, 1);

  const treeOut = tempDir('wizard-legacy-tree');
  const { plan, passwords } = validateTreeArgs({ outDir: treeOut, passwordEnv: PASSWORD_VAR, legacyPfx: true });
  const tree = await generateTreeAndWrite(plan, secretsFromEnv(passwords, ENV));
  const pfxs = tree.files.filter((f) => f.endsWith('.pfx'));
  assert.equal(pfxs.length, 8);
  for (const file of pfxs) assert.deepEqual(pfxAlgorithms(file), LEGACY, file);
});
