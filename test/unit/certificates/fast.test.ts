import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parsePemBlocks } from '../../../server/src/certificates/encoding';
import { generateCertificate, type KeyType } from '../../../server/src/certificates/generate';
import { certificateInfoFast, certificateInfoFromDer, certificateInfoFromDerPkijs } from '../../../server/src/certificates/info';

const repoRoot = path.resolve(__dirname, '../../../..');

function agree(der: Uint8Array, label: string, mustBeFast = true): void {
  const reference = certificateInfoFromDerPkijs(der);
  const fast = certificateInfoFast(der);
  if (mustBeFast) assert.ok(fast, `${label}: the fast path declined`);
  if (fast) {
    assert.deepEqual(fast, reference, label);
    assert.deepEqual(Object.keys(fast), Object.keys(reference), `${label}: key order (JSON output)`);
  }
  assert.deepEqual(certificateInfoFromDer(der), reference, label);
}

test('fast certificate reader agrees with pkijs on every example certificate', () => {
  const dir = path.join(repoRoot, 'examples', 'certs');
  const files = readdirSync(dir).filter((f) => /\.(cer|crt|pem)$/.test(f) && !f.includes('without-markers'));
  assert.ok(files.length > 0);
  for (const f of files) for (const block of parsePemBlocks(readFileSync(path.join(dir, f), 'utf8'))) agree(block.der, f);
});

/**
 * A certificate the fast path reads. Its key and signature are random bytes, which asn1js also parses as DER where they
 * happen to read as a value (a BIT STRING's content): now and then (≈ 1 in 200) a time tag comes up there, and the fast
 * path rightly leaves the certificate to pkijs (the last test below). Such a certificate is made again: eight in a row
 * would be a fast path that declines what it should read.
 */
async function readFast(request: Parameters<typeof generateCertificate>[0]): Promise<Awaited<ReturnType<typeof generateCertificate>>> {
  for (let attempt = 1; ; attempt++) {
    const c = await generateCertificate(request);
    if (certificateInfoFast(c.der) || attempt === 8) return c;
    agree(c.der, `${request.id} (declined by the fast path)`, false);
  }
}

test('fast certificate reader agrees with pkijs on generated RSA and ECDSA chains, GeneralizedTime and odd names', async () => {
  for (const keyType of ['rsa-2048', 'ecdsa-p256', 'ecdsa-p384'] as KeyType[]) {
    const root = await readFast({ id: 'r', kind: 'root', subject: 'CN=Root, O="Contoso, Inc.", C=NL', keyType });
    const ca = await readFast({ id: 'i', kind: 'intermediate', subject: 'CN=Inter  CA, OU=" spaced ", O=Contoso', issuer: root, keyType, pathLength: 3 });
    const client = await readFast({ id: 'c', kind: 'client', subject: 'CN=Client, E=client@example.com, DC=example', issuer: ca, keyType, dnsNames: ['a.example', 'b.example'] });
    const late = await readFast({ id: 'l', kind: 'client', subject: 'CN=Late', issuer: ca, keyType, notBefore: new Date('2051-01-02T03:04:05Z'), notAfter: new Date('2060-01-01T00:00:00Z') });
    for (const c of [root, ca, client, late]) agree(c.der, `${keyType} ${c.id}`);
    // non-ASCII names go to pkijs: the result must still be the same
    const umlaut = await generateCertificate({ id: 'u', kind: 'root', subject: 'CN=Müller Root, O=Ærø', keyType });
    assert.equal(certificateInfoFast(umlaut.der), undefined);
    agree(umlaut.der, `${keyType} umlaut`, false);
  }
});

const outcome = (read: () => unknown): unknown => {
  try {
    return read();
  } catch (e) {
    return `throws: ${(e as Error).message}`;
  }
};

/**
 * The reader with its fast path answers as pkijs does. Both may refuse in their own words when the fast path's guard
 * turns away an object identifier no certificate has (pkijs would take seconds over it).
 */
function agreeOrBothRefuse(bytes: Uint8Array, label: string): void {
  const fast = outcome(() => certificateInfoFromDer(bytes));
  const reference = outcome(() => certificateInfoFromDerPkijs(bytes));
  if (typeof fast === 'string' && typeof reference === 'string' && /an object identifier of \d+ bytes/.test(fast)) return;
  assert.deepEqual(fast, reference, `${label}, DER (base64): ${Buffer.from(bytes).toString('base64')}`);
}

test('fast certificate reader: a time tag (UTCTime, GeneralizedTime) put at any byte is read as pkijs reads it', async () => {
  // asn1js parses every time it meets (in extensions, algorithm parameters, wrapped DER) and throws on one that is no
  // time; the fast path read past them and answered where pkijs refused (a flaky mutation test found it).
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=Root, O=Contoso', keyType: 'ecdsa-p256' });
  const client = await generateCertificate({ id: 'c', kind: 'client', subject: 'CN=Client, O=Contoso', issuer: root, keyType: 'ecdsa-p256', dnsNames: ['a.example'] });
  for (const der of [root.der, client.der]) {
    for (let at = 0; at < der.length; at++) {
      for (const tag of [0x17, 0x18]) {
        if (der[at] === tag) continue;
        const bytes = Uint8Array.from(der);
        bytes[at] = tag;
        agreeOrBothRefuse(bytes, `byte ${at} set to 0x${tag.toString(16)}`);
      }
    }
  }
});

test('fast certificate reader: on mutated certificates it answers like pkijs or leaves them to it', async () => {
  const root = await generateCertificate({ id: 'r', kind: 'root', subject: 'CN=Root, O=Contoso', keyType: 'ecdsa-p256' });
  const client = await generateCertificate({ id: 'c', kind: 'client', subject: 'CN=Client, O=Contoso', issuer: root, keyType: 'ecdsa-p256', dnsNames: ['a.example'] });
  let seed = 7;
  const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  for (const der of [root.der, client.der]) {
    for (let i = 0; i < 400; i++) {
      const bytes = Uint8Array.from(der);
      const flips = 1 + rand(3);
      for (let k = 0; k < flips; k++) bytes[rand(bytes.length)] = rand(256);
      // The certificates are new each run (fresh keys): a failure names the bytes, so it can be replayed.
      agreeOrBothRefuse(bytes, `mutation #${i}`);
    }
  }
});
