import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { parsePemBlocks, toArrayBuffer } from '../../../server/src/certificates/encoding';
import { cryptoEngine } from '../../../server/src/certificates/engine';
import { pki } from '../../../server/src/certificates/pki';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { exportPkcs8 } from '../../../server/src/certificates/keys';
import { buildPfx } from '../../../server/src/certificates/pfx';
import { certs, inspect, openssl, opensslCa, PASSWORD, PASSWORD_VAR } from './tools';

/**
 * .pfx and PEM files an audit made to stall or mislead `certs inspect` and `certs client --issuer`, each made here by
 * the openssl command line or by the project's own writer (for what openssl refuses to write).
 */

let dir = '';
const f = (name: string): string => path.join(dir, name);
let exportPfx: (name: string, options: string[]) => string;

before(() => {
  ({ dir, exportPfx } = opensslCa('pfx-hostile', 'Hostile Test CA'));
});

test('the encryption iterations of a .pfx are added up over its parts, and refused past the limit before the work', async () => {
  // Two parts (certificates, key) of 150,000 PBE-SHA1-3DES iterations: each under the limit, 300,000 in all. Before,
  // each part was judged alone, and a file of sixteen parts of a million held certs inspect 87 s.
  const legacy = exportPfx('legacy-300k.pfx', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-iter', '150000', '-nomaciter']);
  const refused = await inspect(legacy);
  assert.equal(refused.code, 1);
  assert.match(refused.report.problems[0]!, /\(PBE-SHA1-3DES\): 150,000 iterations, after 150,000 for its other encrypted parts, is more than the 200,000 apim-mtls reads in one \.pfx/);
  // Java's keytool writes 50,000 a part: read.
  const java = await inspect(exportPfx('legacy-java.pfx', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1', '-iter', '50000']));
  assert.deepEqual([java.code, java.report.problems, java.report.hasKey], [0, [], true]);
  // PBES2 (PBKDF2, in OpenSSL): 2,100,000 a part, 4,200,000 in all.
  const pbes2 = await inspect(exportPfx('pbes2-4.2m.pfx', ['-iter', '2100000', '-nomaciter']));
  assert.equal(pbes2.code, 1);
  assert.match(pbes2.report.problems[0]!, /\(PBES2\): 2,100,000 iterations, after 2,100,000 for its other encrypted parts, is more than the 4,000,000 apim-mtls reads in one \.pfx/);
});

test('a .pfx without a MAC opens with its password, and a wrong one is said so', async () => {
  const file = exportPfx('nomac.pfx', ['-nomac']);
  const opened = await inspect(file);
  assert.deepEqual([opened.code, opened.report.problems, opened.report.hasKey, opened.report.certificates.length], [0, [], true, 1]);
  const wrong = await inspect(file, { [PASSWORD_VAR]: 'not the password' });
  assert.equal(wrong.code, 1);
  // Before: "wrong password (its MAC does not verify)" even with the right one, from a MAC that isn't there.
  assert.match(wrong.report.problems[0]!, /^wrong password for the \.pfx, or a damaged file \(it has no MAC to tell which\)/);
});

test('a .pfx of 200 certificates (a CA bundle) opens: more ASN.1 elements than asn1js reads by default', async () => {
  const one = openssl(['x509', '-in', f('ca.cer')]).out;
  writeFileSync(f('bundle.pem'), one.repeat(199));
  const made = openssl(['pkcs12', '-export', '-in', f('ca.cer'), '-inkey', f('ca.key'), '-certfile', f('bundle.pem'), '-out', f('bundle.pfx'), '-passout', `env:${PASSWORD_VAR}`]);
  assert.equal(made.status, 0, made.out);
  const { code, report } = await inspect(f('bundle.pfx'));
  // Before: "its contents do not parse (… not correct for 'SafeContents2')".
  assert.deepEqual([code, report.problems, report.certificates.length], [0, [], 200]);
});

test("a .pfx whose key is not its certificate's: said by inspect, refused as an issuer (it signed certificates nothing verifies)", async () => {
  const ca = await generateCertificate({ id: 'ca', kind: 'root', subject: 'CN=Named CA', keyType: 'ecdsa-p256' });
  const other = await generateCertificate({ id: 'other', kind: 'root', subject: 'CN=Other CA', keyType: 'ecdsa-p256' });
  // The writer pairs what it is given: the certificate of one CA with the key of another (openssl refuses to).
  writeFileSync(f('mismatch.pfx'), await buildPfx({ certificate: ca.der, chain: [], privateKeyPkcs8: await exportPkcs8(other.privateKey), friendlyName: 'x' }, PASSWORD));
  const { code, report } = await inspect(f('mismatch.pfx'));
  assert.equal(code, 1);
  assert.equal(report.hasKey, true);
  assert.deepEqual(report.problems, ['its private key belongs to none of its certificates: nothing can sign or authenticate with it']);
  const signed = await certs(['client', '--issuer', f('mismatch.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=x', '--out', f('out'), '--password-env', PASSWORD_VAR]);
  assert.equal(signed.code, 1);
  assert.match(signed.stderr, /mismatch\.pfx: its private key belongs to none of its certificates/);
  // The right pairing still signs, and openssl verifies what it signed.
  writeFileSync(f('matched.pfx'), await buildPfx({ certificate: ca.der, chain: [], privateKeyPkcs8: await exportPkcs8(ca.privateKey), friendlyName: 'x' }, PASSWORD));
  const good = await certs(['client', '--issuer', f('matched.pfx'), '--issuer-password-env', PASSWORD_VAR, '--subject', 'CN=y', '--out', f('out'), '--password-env', PASSWORD_VAR]);
  assert.equal(good.code, 0, good.stderr);
  writeFileSync(f('named-ca.cer'), `-----BEGIN CERTIFICATE-----\n${Buffer.from(ca.der).toString('base64')}\n-----END CERTIFICATE-----\n`);
  const verify = openssl(['verify', '-CAfile', f('named-ca.cer'), path.join(f('out'), 'y.cer')]);
  assert.equal(verify.status, 0, verify.out);
});

// The timeout is the check on the work: the pattern took a minute on the last case, the pass takes a tenth of a second.
test('PEM blocks are read as the pattern BEGIN … first END of the label did, in one pass (80,000 BEGINs without END: 69 s before)', { timeout: 30_000 }, async () => {
  // The reference: what the regular expression found, on texts made of BEGINs, ENDs of two labels and base64.
  const reference = (text: string) => [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)].map((m) => [m[1], Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64').toString('hex')]);
  const pieces = ['-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', '-----END CERTIFICATE REQUEST-----', 'QUJD', '\n', ' ', '-----'];
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let c = 0; c < 2000; c++) {
    const text = Array.from({ length: rand(24) }, () => pieces[rand(pieces.length)]).join('');
    assert.deepEqual(parsePemBlocks(text).map((b) => [b.label, Buffer.from(b.der).toString('hex')]), reference(text), JSON.stringify(text));
  }
  // 80,000 BEGINs and no END: the pattern searched the rest of the text for an END from each of them.
  writeFileSync(f('begins.pem'), '-----BEGIN CERTIFICATE-----\n'.repeat(80_000));
  const { code, report } = await inspect(f('begins.pem'));
  assert.equal(code, 1);
  assert.equal(report.certificates.length, 0);
  assert.match(report.problems.join('\n'), /PEM markers are not balanced/);
});

test('certificates in a bag of bags (a SafeContents bag) are read, not dropped without a word', async () => {
  const { pkijs } = pki();
  const ca = await generateCertificate({ id: 'nested', kind: 'root', subject: 'CN=Nested CA', keyType: 'ecdsa-p256' });
  const certBag = new pkijs.SafeBag({ bagId: '1.2.840.113549.1.12.10.1.3', bagValue: new pkijs.CertBag({ parsedValue: pkijs.Certificate.fromBER(toArrayBuffer(ca.der)) }) });
  const inner = new pkijs.SafeBag({ bagId: '1.2.840.113549.1.12.10.1.6', bagValue: new pkijs.SafeContents({ safeBags: [certBag] }) });
  const authenticatedSafe = new pkijs.AuthenticatedSafe({ parsedValue: { safeContents: [{ privacyMode: 0, value: new pkijs.SafeContents({ safeBags: [inner] }) }] } });
  await authenticatedSafe.makeInternalValues({ safeContents: [{}] }, cryptoEngine());
  const pfx = new pkijs.PFX({ parsedValue: { integrityMode: 0, authenticatedSafe } });
  await pfx.makeInternalValues({ password: toArrayBuffer(new TextEncoder().encode(PASSWORD)), iterations: 2048, pbkdf2HashAlgorithm: { name: 'SHA-256' }, hmacHashAlgorithm: 'SHA-256' }, cryptoEngine());
  writeFileSync(f('nested.pfx'), new Uint8Array(pfx.toSchema().toBER(false)));
  const listed = openssl(['pkcs12', '-in', f('nested.pfx'), '-nokeys', '-passin', `env:${PASSWORD_VAR}`]);
  assert.match(listed.out, /subject=CN ?= ?Nested CA/, 'openssl reads the certificate in it');
  const { code, report } = await inspect(f('nested.pfx'));
  // Before: no certificate and no problem, exit 1.
  assert.deepEqual([code, report.problems, report.certificates.map((c) => c.subject)], [0, [], ['CN=Nested CA']]);
});
