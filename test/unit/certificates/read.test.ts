import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { readCertificateFile, readPfx } from '../../../server/src/certificates/read';
import { makeTree, PASSWORD } from './tools';

test('reads PEM (several), base64 without markers, DER and reports garbage without throwing', async () => {
  const dir = await makeTree('ecdsa-p256');
  const pem = readFileSync(path.join(dir, 'dev-valid-client.cer'), 'utf8');
  const chainPem = pem + readFileSync(path.join(dir, 'dev-intermediate-ca.cer'), 'utf8');
  const many = readCertificateFile(chainPem);
  assert.equal(many.encoding, 'pem');
  assert.equal(many.hasPemMarkers, true);
  assert.deepEqual(many.certificates.map((c) => c.commonName), ['DEV Valid Client', 'APIM Sample DEV Intermediate CA']);

  const b64 = readCertificateFile(readFileSync(path.join(dir, 'dev-valid-client.without-markers.cer')));
  assert.equal(b64.encoding, 'base64');
  assert.equal(b64.hasPemMarkers, false);
  const info = b64.certificates[0];
  assert.equal(info.subject, 'CN=DEV Valid Client, O=apim-mtls sample');
  assert.equal(info.issuer, 'CN=APIM Sample DEV Intermediate CA, O=apim-mtls sample');
  assert.match(info.thumbprint, /^[0-9A-F]{40}$/);
  assert.match(info.thumbprintSha256, /^[0-9A-F]{64}$/);
  assert.deepEqual([info.isCA, info.selfSigned, info.keyAlgorithm], [false, false, 'ECDSA P-256']);
  assert.deepEqual(info.keyUsage, ['digitalSignature']);
  assert.deepEqual(info.extendedKeyUsage, ['clientAuth']);
  assert.deepEqual(info.dnsNames, ['dev-valid-client.apim-mtls.example']);

  const der = Buffer.from(readFileSync(path.join(dir, 'root-ca.without-markers.cer'), 'utf8'), 'base64');
  const root = readCertificateFile(new Uint8Array(der));
  assert.equal(root.encoding, 'der');
  assert.deepEqual([root.certificates[0].isCA, root.certificates[0].pathLength, root.certificates[0].selfSigned], [true, 1, true]);

  assert.equal(readCertificateFile(readFileSync(path.join(dir, 'root-ca.pfx'))).encoding, 'pfx');
  assert.deepEqual(readCertificateFile('hello').problems, ['not a certificate: neither PEM, base64 nor DER']);
  // A bundle whose last block was cut short: the complete one is read, and the cut is said.
  const whole = readFileSync(path.join(dir, 'root-ca.cer'), 'utf8');
  const cut = readCertificateFile(`${whole}-----BEGIN CERTIFICATE-----\nMIIBAAAA\n`);
  assert.equal(cut.certificates.length, 1);
  assert.deepEqual(cut.problems, ['the PEM markers are not balanced: 1 complete CERTIFICATE block, and a BEGIN or END line without its pair']);
  assert.deepEqual(readCertificateFile(whole + whole).problems, [], 'two whole blocks');
  // A key file (`certs client --export-key` writes one) or a CSR read as a certificate: said as what it is.
  assert.deepEqual(readCertificateFile('-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n').problems, ['not a certificate: a PEM PRIVATE KEY block: keep it out of source control']);
  assert.deepEqual(readCertificateFile('-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n').problems, ['not a certificate: a PEM CERTIFICATE REQUEST block']);
  assert.equal(readCertificateFile('-----BEGIN CERTIFICATE-----\nAAAA\n').problems.length, 1);
  assert.equal(readCertificateFile('-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n').certificates.length, 0);
  assert.deepEqual(readCertificateFile('').problems, ['the file is empty']);
});

test('formats names like .NET: most specific first, quotes values with commas', async () => {
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=Root, O="Contoso, Inc.", C=NL' });
  assert.equal(root.info.subject, 'CN=Root, O="Contoso, Inc.", C=NL');
  assert.equal(readCertificateFile(root.der).certificates[0].issuer, 'CN=Root, O="Contoso, Inc.", C=NL');
  await assert.rejects(generateCertificate({ id: 'x', kind: 'root', subject: 'XX=1' }), /unknown attribute/);
});

test('dates from 2050 on are GeneralizedTime and read back exactly', async () => {
  const notBefore = new Date('2049-12-31T23:00:00Z');
  const notAfter = new Date('2051-06-01T00:00:00Z');
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=Far', notBefore, notAfter });
  assert.deepEqual([root.info.notBefore, root.info.notAfter], [notBefore, notAfter]);
});

test('readPfx opens with the password and rejects a wrong one clearly', async () => {
  const dir = await makeTree('ecdsa-p256');
  const data = new Uint8Array(readFileSync(path.join(dir, 'dev-valid-client.pfx')));
  const pfx = await readPfx(data, PASSWORD);
  assert.equal(pfx.hasKey, true);
  assert.deepEqual(pfx.certificates.map((c) => c.commonName), ['DEV Valid Client', 'APIM Sample DEV Intermediate CA']);
  await assert.rejects(readPfx(data, 'wrong'), /wrong password/);
  const untrusted = await readPfx(new Uint8Array(readFileSync(path.join(dir, 'tst-untrusted-client.pfx'))), PASSWORD);
  assert.equal(untrusted.certificates.length, 1, 'the untrusted client .pfx holds only the leaf');
});

/** A DER SEQUENCE's header (tag 0x30, a 2-byte length) rewritten: `0x84 00 00 LL LL` (not shortest) or `0x80` (indefinite, with 00 00 at the end). */
function reencode(der: Buffer, how: 'long' | 'indefinite'): Buffer {
  assert.equal(der[1], 0x82);
  const content = der.subarray(4, 4 + der.readUInt16BE(2));
  return how === 'long' ? Buffer.concat([Buffer.from([0x30, 0x84, 0, 0, der[2]!, der[3]!]), content]) : Buffer.concat([Buffer.from([0x30, 0x80]), content, Buffer.from([0, 0])]);
}

test('a BER certificate (lengths indefinite or not in their shortest form) is read, with a warning: its thumbprint is not the DER one\'s', async () => {
  const dir = await makeTree('ecdsa-p256');
  const der = Buffer.from(readFileSync(path.join(dir, 'dev-valid-client.without-markers.cer'), 'utf8'), 'base64');
  const original = readCertificateFile(new Uint8Array(der));
  assert.deepEqual(original.problems, []);
  // The outer SEQUENCE's length, then the TBS's (inside it: the walk looks into constructed values).
  const tbsLength = 4 + der.readUInt16BE(6);
  const body = Buffer.concat([reencode(der.subarray(4, 4 + tbsLength), 'long'), der.subarray(4 + tbsLength)]);
  const inner = Buffer.concat([Buffer.from([0x30, 0x82, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  for (const [bytes, why] of [
    [reencode(der, 'long'), /a length not in its shortest form at byte 1\)/],
    [reencode(der, 'indefinite'), /an indefinite length at byte 1\)/],
    [inner, /a length not in its shortest form at byte 5\)/],
  ] as const) {
    // OpenSSL reads it as the same certificate (what clients and servers run on).
    const x = new (await import('node:crypto')).X509Certificate(bytes);
    assert.equal(x.subject, new (await import('node:crypto')).X509Certificate(der).subject);
    for (const read of [readCertificateFile(new Uint8Array(bytes)), readCertificateFile(bytes.toString('base64')), readCertificateFile(`-----BEGIN CERTIFICATE-----\n${bytes.toString('base64')}\n-----END CERTIFICATE-----\n`)]) {
      assert.equal(read.certificates[0]?.subject, 'CN=DEV Valid Client, O=apim-mtls sample', read.problems.join());
      assert.equal(read.problems.length, 1, read.problems.join());
      assert.match(read.problems[0]!, /^encoded in BER, not DER \(/);
      assert.match(read.problems[0]!, why);
      assert.notEqual(read.certificates[0]!.thumbprint, original.certificates[0]!.thumbprint, 'a hash of other bytes');
    }
  }
  // A .pfx exported with an indefinite length (Windows does) is known for one.
  const pfx = readFileSync(path.join(dir, 'root-ca.pfx'));
  assert.equal(readCertificateFile(new Uint8Array(reencode(pfx, 'indefinite'))).encoding, 'pfx');
});
