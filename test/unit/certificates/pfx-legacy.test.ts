import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { createHmac } from 'node:crypto';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { exportPkcs8 } from '../../../server/src/certificates/keys';
import { buildPfx, openPfx } from '../../../server/src/certificates/pfx';
import { pkcs12Kdf, rc2CbcDecrypt } from '../../../server/src/certificates/pkcs12-pbe';
import { pki } from '../../../server/src/certificates/pki';
import { fuzzCount, fuzzSeed, int, prng } from '../fuzz/hostile';
import { certs, inspect, openssl, opensslCa, PASSWORD, PASSWORD_VAR, run, tempDir } from './tools';

/**
 * .pfx files made before PBES2, as OpenSSL 1.1 (`-legacy` in OpenSSL 3: certificates under 40-bit RC2, the key under
 * 3DES), Windows' "TripleDES-SHA1" export and older Java write them, read by `certs inspect` and usable as `--issuer`.
 * They are made here by the openssl command line (its legacy provider for RC2).
 */

let dir = '';
const f = (name: string): string => path.join(dir, name);
let exportPfx: (name: string, options: string[]) => string;

before(() => {
  ({ dir, exportPfx } = opensslCa('pfx-legacy', 'Legacy Export CA'));
});

const fingerprint = (): string => /=([0-9A-F:]+)/.exec(openssl(['x509', '-in', f('ca.cer'), '-noout', '-fingerprint', '-sha1']).out)![1]!.replace(/:/g, '');

test('certs inspect reads .pfx files under RC2-40 (OpenSSL 1.1), 3DES (Windows), 2-key 3DES and RC2-128, with a SHA-1 MAC', async () => {
  for (const [name, options] of [
    ['openssl-1.1.pfx', ['-legacy']],
    ['windows-3des.pfx', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']],
    ['mixed.pfx', ['-legacy', '-keypbe', 'PBE-SHA1-RC2-128', '-certpbe', 'PBE-SHA1-2DES']],
  ] as const) {
    const file = exportPfx(name, [...options]);
    const { code, report } = await inspect(file);
    assert.equal(code, 0, JSON.stringify(report));
    assert.deepEqual(report.problems, [], name);
    assert.equal(report.hasKey, true, name);
    assert.deepEqual(report.certificates.map((c) => [c.subject, c.thumbprint]), [['CN=Legacy Export CA, O=Contoso', fingerprint()]], name);
  }
});

test('a legacy .pfx with the wrong password is said so; one with millions of encryption iterations is refused with the count', async () => {
  const file = exportPfx('wrong.pfx', ['-legacy']);
  const wrong = await inspect(file, { [PASSWORD_VAR]: 'not the password' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.report.problems[0]!, /wrong password for the \.pfx/);
  // A MAC of one iteration (it verifies at once), the contents under 2,000,000: refused before the work (≈ 2 s each).
  const slow = exportPfx('slow.pfx', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-iter', '2000000', '-nomaciter']);
  const refused = await inspect(slow);
  assert.equal(refused.code, 1);
  assert.match(refused.report.problems[0]!, /\(PBE-SHA1-3DES\): 2,000,000 iterations is more than the 200,000 apim-mtls reads in one \.pfx/);
});

test('a legacy CA .pfx signs a client certificate (certs client --issuer), which openssl verifies against the CA', async () => {
  const ca = exportPfx('issuer.pfx', ['-legacy']);
  const out = tempDir('pfx-legacy-client');
  const r = await certs(['client', '--issuer', ca, '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=Partner A, O=Contoso', '--id', 'partner-a', '--out', out, '--password-env', PASSWORD_VAR]);
  assert.equal(r.code, 0, r.stderr);
  const verified = openssl(['verify', '-CAfile', f('ca.cer'), path.join(out, 'partner-a.cer')]);
  assert.equal(verified.status, 0, verified.out);
  assert.match(readFileSync(path.join(out, 'partner-a.cer'), 'utf8'), /BEGIN CERTIFICATE/);
});

test('RC2-CBC decryption agrees with openssl enc (40- and 128-bit keys)', () => {
  const plain = path.join(tempDir('rc2'), 'plain.txt');
  const text = 'RC2 as PKCS#12 uses it: more than one 8-byte block of text.';
  writeFileSync(plain, text);
  for (const [cipher, key] of [['rc2-40-cbc', '0102030405'], ['rc2-cbc', '000102030405060708090a0b0c0d0e0f']] as const) {
    const encrypted = `${plain}.${cipher}`;
    const made = openssl(['enc', `-${cipher}`, '-K', key, '-iv', '0807060504030201', '-in', plain, '-out', encrypted, '-provider', 'legacy', '-provider', 'default']);
    assert.equal(made.status, 0, made.out);
    const decrypted = rc2CbcDecrypt(Buffer.from(key, 'hex'), (key.length / 2) * 8, Buffer.from('0807060504030201', 'hex'), readFileSync(encrypted));
    assert.equal(Buffer.from(decrypted).toString(), text, cipher);
  }
});

test('certs client --legacy-pfx writes 3DES with a SHA-1 MAC, which OpenSSL 3 (no legacy provider), Node and curl read', async () => {
  const out = tempDir('pfx-legacy-write');
  const ca = await certs(['ca', '--subject', 'CN=Legacy Client CA, O=Contoso', '--out', out, '--password-env', PASSWORD_VAR]);
  assert.equal(ca.code, 0, ca.stderr);
  const r = await certs(['client', '--issuer', path.join(out, 'legacy-client-ca.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=Old Windows Client, O=Contoso', '--id', 'old-client', '--out', out, '--password-env', PASSWORD_VAR, '--legacy-pfx']);
  assert.equal(r.code, 0, r.stderr);
  const pfx = path.join(out, 'old-client.pfx');
  const info = openssl(['pkcs12', '-in', pfx, '-info', '-noout', '-passin', `env:${PASSWORD_VAR}`]);
  assert.equal(info.status, 0, info.out);
  assert.match(info.out, /MAC: sha1, Iteration 2048/);
  assert.match(info.out, /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC/);
  assert.match(info.out, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC/);
  // The certificate in it is the .cer, and its key is the certificate's.
  const pem = openssl(['pkcs12', '-in', pfx, '-nodes', '-clcerts', '-passin', `env:${PASSWORD_VAR}`]);
  assert.equal(pem.status, 0, pem.out);
  const extracted = path.join(out, 'extracted.pem');
  writeFileSync(extracted, pem.out, { mode: 0o600 });
  const fp = (file: string) => openssl(['x509', '-in', file, '-noout', '-fingerprint', '-sha1']).out;
  assert.equal(fp(extracted), fp(path.join(out, 'old-client.cer')));
  assert.equal(openssl(['pkey', '-in', extracted, '-pubout']).out, openssl(['x509', '-in', path.join(out, 'old-client.cer'), '-noout', '-pubkey']).out);
  // Node (OpenSSL 3 without the legacy provider) takes it with the password, refuses it without.
  const bytes = readFileSync(pfx);
  assert.doesNotThrow(() => tls.createSecureContext({ pfx: bytes, passphrase: PASSWORD }));
  assert.throws(() => tls.createSecureContext({ pfx: bytes, passphrase: 'wrong' }));
  // A real mutual-TLS handshake with curl and the legacy .pfx.
  const serverDir = tempDir('pfx-legacy-server');
  const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(serverDir, 's.key'), '-out', path.join(serverDir, 's.cer'), '-subj', '/CN=127.0.0.1', '-days', '1']);
  assert.equal(made.status, 0, made.out);
  const server = https.createServer(
    { key: readFileSync(path.join(serverDir, 's.key')), cert: readFileSync(path.join(serverDir, 's.cer')), requestCert: true, rejectUnauthorized: true, ca: [readFileSync(path.join(out, 'legacy-client-ca.cer'))] },
    (req, res) => res.end(`hello ${(req.socket as tls.TLSSocket).getPeerCertificate().subject.CN}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const config = path.join(serverDir, 'curl.cfg');
    writeFileSync(config, `cert-type = "P12"\ncert = "${pfx}:${PASSWORD}"\n`, { mode: 0o600 });
    const got = await run('curl', ['-sS', '-k', '--max-time', '10', '-K', config, `https://127.0.0.1:${(server.address() as AddressInfo).port}/`]);
    assert.equal(got.out, 'hello Old Windows Client');
  } finally {
    server.close();
  }
  // And apim-mtls reads its own legacy file back.
  const back = await inspect(pfx);
  assert.deepEqual(back.report.problems, []);
  assert.equal(back.report.hasKey, true);
});

test('fuzz: legacy .pfx contents mutated, their MAC made again (so the decryption runs on them): opened or refused with an Error, never more', async () => {
  const { asn1js, pkijs } = pki();
  const made = await generateCertificate({ id: 'f', kind: 'root', subject: 'CN=Fuzz Root, O=Contoso' });
  const sources = [
    await buildPfx({ certificate: made.der, chain: [], privateKeyPkcs8: await exportPkcs8(made.privateKey), friendlyName: 'f' }, PASSWORD, { legacy: true }),
    new Uint8Array(readFileSync(exportPfx('fuzz-rc2.pfx', ['-legacy']))),
  ];
  const rand = prng(fuzzSeed(31));
  let opened = 0;
  let refused = 0;
  for (let i = 0; i < fuzzCount(150); i++) {
    const source = sources[i % sources.length]!;
    const pfx = pkijs.PFX.fromBER(source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength));
    const authSafe = Buffer.from((pfx.authSafe.content as InstanceType<typeof asn1js.OctetString>).valueBlock.valueHexView);
    // A few bytes changed, dropped or added anywhere in the contents.
    let bytes = authSafe;
    for (let k = 1 + int(rand, 3); k > 0; k--) {
      const at = int(rand, bytes.length);
      const kind = int(rand, 3);
      bytes = kind === 0 ? Buffer.concat([bytes.subarray(0, at), Buffer.from([int(rand, 256)]), bytes.subarray(at + 1)]) : kind === 1 ? Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]) : Buffer.concat([bytes.subarray(0, at), Buffer.from([int(rand, 256)]), bytes.subarray(at)]);
    }
    const salt = new Uint8Array(pfx.macData!.macSalt.valueBlock.valueHexView);
    const mac = createHmac('sha1', pkcs12Kdf(PASSWORD, salt, 3, pfx.macData!.iterations ?? 1, 20)).update(bytes).digest();
    pfx.authSafe = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.1', content: new asn1js.OctetString({ valueHex: new Uint8Array(bytes).buffer }) });
    pfx.macData!.mac = new pkijs.DigestInfo({ digestAlgorithm: pfx.macData!.mac.digestAlgorithm, digest: new asn1js.OctetString({ valueHex: new Uint8Array(mac).buffer }) });
    const mutated = new Uint8Array(pfx.toSchema().toBER(false));
    try {
      await openPfx(mutated, PASSWORD);
      opened++;
    } catch (e) {
      assert.ok(e instanceof Error && typeof e.message === 'string' && e.message.length > 0, `case ${i} (seed ${fuzzSeed(31)}) threw ${String(e)}`);
      assert.doesNotMatch(e.message, /wrong password/, `case ${i}: the MAC was made again, so the password is right`);
      refused++;
    }
  }
  // Both outcomes happen: the mutations reach the decryption and the parsing behind the MAC.
  assert.ok(refused > 0, `${opened} opened, none refused`);
});
