import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { rc2CbcDecrypt } from '../../../server/src/certificates/pkcs12-pbe';
import { certs, openssl, PASSWORD_VAR, tempDir } from './tools';

/**
 * .pfx files made before PBES2, as OpenSSL 1.1 (`-legacy` in OpenSSL 3: certificates under 40-bit RC2, the key under
 * 3DES), Windows' "TripleDES-SHA1" export and older Java write them, read by `certs inspect` and usable as `--issuer`.
 * They are made here by the openssl command line (its legacy provider for RC2).
 */

let dir = '';
const f = (name: string): string => path.join(dir, name);

interface Inspected {
  file: string;
  certificates: { subject: string; thumbprint: string }[];
  hasKey?: boolean;
  problems: string[];
}

async function inspect(file: string, env?: NodeJS.ProcessEnv): Promise<{ code: number; report: Inspected }> {
  const r = await certs(['inspect', file, '--format', 'json', '--password-env', PASSWORD_VAR], env);
  return { code: r.code, report: (JSON.parse(r.stdout) as Inspected[])[0]! };
}

/** `openssl pkcs12 -export` of the CA with these options (`-legacy` first when RC2 is used). */
function exportPfx(name: string, options: string[]): string {
  const made = openssl(['pkcs12', '-export', ...options, '-in', f('ca.cer'), '-inkey', f('ca.key'), '-out', f(name), '-passout', `env:${PASSWORD_VAR}`]);
  assert.equal(made.status, 0, made.out);
  return f(name);
}

before(() => {
  dir = tempDir('pfx-legacy');
  const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.cer'), '-subj', '/O=Contoso/CN=Legacy Export CA', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  assert.equal(made.status, 0, made.out);
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
  assert.match(refused.report.problems[0]!, /PBE-SHA1-3DES with 2,000,000 iterations: more than the 1,000,000 apim-mtls reads/);
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
