import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { makeTree, openssl, PASSWORD_VAR } from './tools';

test('RSA-2048 tree: sha256WithRSAEncryption carries the NULL parameter, chain verifies, pfx opens', async () => {
  const dir = await makeTree('rsa-2048');
  const f = (name: string): string => path.join(dir, name);
  for (const name of ['root-ca.cer', 'dev-intermediate-ca.cer', 'dev-valid-client.cer']) {
    const lines = openssl(['asn1parse', '-in', f(name)]).out.split('\n');
    const algs = lines.map((l, i) => [l, lines[i + 1] ?? ''] as const).filter(([l]) => l.includes(':sha256WithRSAEncryption'));
    assert.equal(algs.length, 2, `${name}: signature in TBS and outer`);
    for (const [, next] of algs) assert.match(next, /prim: NULL/, name);
  }
  const text = openssl(['x509', '-noout', '-text', '-in', f('dev-valid-client.cer')]).out;
  assert.match(text, /Digital Signature, Key Encipherment/);
  const v = openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', f('root-ca.cer'), '-untrusted', f('dev-intermediate-ca.cer'), f('dev-valid-client.cer')]);
  assert.equal(v.status, 0, v.out);
  assert.equal(openssl(['pkcs12', '-info', '-noout', '-in', f('dev-valid-client.pfx'), '-passin', `env:${PASSWORD_VAR}`]).status, 0);
});
