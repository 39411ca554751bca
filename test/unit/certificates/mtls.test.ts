import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { after, before, test } from 'node:test';
import { makeTree, openssl, PASSWORD, run, tempDir } from './tools';

let dir = '';
let server: https.Server;
let url = '';
/** A server that trusts only the root: the client must send its intermediate itself. */
let rootOnly: https.Server;
let rootOnlyUrl = '';
const f = (name: string): string => path.join(dir, name);

before(async () => {
  dir = await makeTree('ecdsa-p256', ['--export-key']);
  const serverDir = tempDir('server');
  const key = path.join(serverDir, 'server.key');
  const cert = path.join(serverDir, 'server.cer');
  const made = openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1']);
  assert.equal(made.status, 0, made.out);
  server = https.createServer(
    {
      key: readFileSync(key),
      cert: readFileSync(cert),
      requestCert: true,
      rejectUnauthorized: true,
      // What APIM is given: the root (`Root`) and the DEV intermediate (`CertificateAuthority`); never the TST intermediate.
      ca: [readFileSync(f('root-ca.cer')), readFileSync(f('dev-intermediate-ca.cer'))],
    },
    (req, res) => {
      const peer = (req.socket as tls.TLSSocket).getPeerCertificate();
      res.end(`hello ${peer.subject.CN}`);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  rootOnly = https.createServer(
    { key: readFileSync(key), cert: readFileSync(cert), requestCert: true, rejectUnauthorized: true, ca: [readFileSync(f('root-ca.cer'))] },
    (req, res) => res.end(`hello ${(req.socket as tls.TLSSocket).getPeerCertificate().subject.CN}`),
  );
  await new Promise<void>((resolve) => rootOnly.listen(0, '127.0.0.1', resolve));
  rootOnlyUrl = `https://127.0.0.1:${(rootOnly.address() as AddressInfo).port}/`;
});

after(() => {
  server.close();
  rootOnly.close();
});

/**
 * curl with a client certificate (`pem`: `<id>.cer` and `<id>.key`; `chain`: `<id>.chain.cer` and `<id>.key`); a .pfx
 * password goes through a 0600 config file (-K), never the command line.
 */
async function curl(client: { pem?: string; chain?: string; pfx?: string }, target = url): Promise<{ code: number; out: string }> {
  const args = ['-sS', '-k', '--max-time', '10'];
  if (client.pem) args.push('--cert', f(`${client.pem}.cer`), '--key', f(`${client.pem}.key`));
  if (client.chain) args.push('--cert', f(`${client.chain}.chain.cer`), '--key', f(`${client.chain}.key`));
  if (client.pfx) {
    const config = path.join(tempDir('curl'), 'client.cfg');
    writeFileSync(config, `cert-type = "P12"\ncert = "${f(`${client.pfx}.pfx`)}:${PASSWORD}"\n`, { mode: 0o600 });
    args.push('-K', config);
  }
  return run('curl', [...args, target]);
}

test('mutual TLS: the valid client gets in with its .pfx and with cert + key', async () => {
  const viaPfx = await curl({ pfx: 'dev-valid-client' });
  assert.equal(viaPfx.code, 0, viaPfx.out);
  assert.equal(viaPfx.out, 'hello DEV Valid Client');
  const viaPem = await curl({ pem: 'dev-valid-client' });
  assert.equal(viaPem.out, 'hello DEV Valid Client');
});

test('mutual TLS: untrusted, expired, not-yet-valid and certificate-less clients stay out', async () => {
  for (const client of [{ pfx: 'tst-untrusted-client' }, { pem: 'tst-untrusted-client' }, { pfx: 'dev-expired-client' }, { pem: 'dev-notyetvalid-client' }, {}]) {
    const r = await curl(client);
    assert.notEqual(r.code, 0, `${JSON.stringify(client)} got in: ${r.out}`);
    assert.ok(!r.out.startsWith('hello'), JSON.stringify(client));
  }
});

test('mutual TLS with a server that trusts only the root: the .pfx and the .chain.cer send the intermediate, the bare .cer does not', async () => {
  // The .chain.cer holds the client and its intermediate; a root's direct children get none (nothing to send).
  assert.equal((readFileSync(f('dev-valid-client.chain.cer'), 'utf8').match(/-----BEGIN CERTIFICATE-----/g) ?? []).length, 2);
  assert.equal(openssl(['verify', '-CAfile', f('root-ca.cer'), '-untrusted', f('dev-valid-client.chain.cer'), f('dev-valid-client.cer')]).status, 0);
  for (const client of [{ pfx: 'dev-valid-client' }, { chain: 'dev-valid-client' }]) {
    const r = await curl(client, rootOnlyUrl);
    assert.equal(r.out, 'hello DEV Valid Client', `${JSON.stringify(client)}: ${r.out}`);
  }
  const bare = await curl({ pem: 'dev-valid-client' }, rootOnlyUrl);
  assert.notEqual(bare.code, 0, `the certificate alone got in: ${bare.out}`);
});

test('Node loads every client .pfx with its passphrase and refuses a wrong one', () => {
  for (const id of ['dev-valid-client', 'tst-untrusted-client', 'root-ca']) {
    const pfx = readFileSync(f(`${id}.pfx`));
    assert.doesNotThrow(() => tls.createSecureContext({ pfx, passphrase: PASSWORD }), id);
    assert.throws(() => tls.createSecureContext({ pfx, passphrase: 'wrong' }), id);
  }
});
