// Times generating the whole sample certificate tree (8 certificates, .cer + .without-markers.cer + .pfx each)
// with the library against an equivalent openssl req / x509 / pkcs12 shell script. Median of 3 runs.
// Usage: npx tsc -p tsconfig.test.json && node bench/certs.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { generateSampleTree, sampleTreeOutputs } = require('../out/server/src/certificates/tree.js');
const { writeOutputs } = require('../out/server/src/certificates/write.js');

const RUNS = 3;
const PASSWORD = 'bench-password';
const KEY_TYPES = { 'rsa-2048': 'rsa:2048', 'ecdsa-p256': 'ec -pkeyopt ec_paramgen_curve:P-256' };

// id, CN, issuer id, kind
const TREE = [
  ['root-ca', 'APIM Sample Root CA', '', 'root'],
  ['dev-intermediate-ca', 'APIM Sample DEV Intermediate CA', 'root-ca', 'ca'],
  ['tst-intermediate-ca', 'APIM Sample TST Intermediate CA', 'root-ca', 'ca'],
  ['dev-valid-client', 'DEV Valid Client', 'dev-intermediate-ca', 'client'],
  ['dev-unregistered-client', 'DEV Unregistered Client', 'dev-intermediate-ca', 'client'],
  ['dev-expired-client', 'DEV Expired Client', 'dev-intermediate-ca', 'client'],
  ['dev-notyetvalid-client', 'DEV Not Yet Valid Client', 'dev-intermediate-ca', 'client'],
  ['tst-untrusted-client', 'TST Untrusted Client', 'tst-intermediate-ca', 'client'],
];

/** The openssl script: same key types, extensions, one .pfx per key (OpenSSL 3 defaults: PBES2 AES-256-CBC, SHA-256 MAC). */
function opensslScript(newkey) {
  const ext = {
    root: 'basicConstraints=critical,CA:TRUE,pathlen:1\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always',
    ca: 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always',
    client: `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature${newkey.startsWith('rsa') ? ',keyEncipherment' : ''}\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\nsubjectAltName=DNS:$ID.apim-mtls.example`,
  };
  const lines = ['set -e', `printf '%s\\n' '${ext.root}' > root.ext`, `printf '%s\\n' '${ext.ca}' > ca.ext`];
  for (const [id, cn, issuer, kind] of TREE) {
    const subj = `/O=apim-mtls sample/CN=${cn}`;
    if (kind === 'root') {
      lines.push(`openssl req -x509 -new -newkey ${newkey} -sha256 -nodes -keyout ${id}.key -subj '${subj}' -days 3650 -set_serial 0x$(openssl rand -hex 16) -extensions v3 -config <(printf '[req]\\ndistinguished_name=dn\\n[dn]\\n[v3]\\n'; cat root.ext) -out ${id}.cer 2>/dev/null`);
    } else {
      const extFile = kind === 'client' ? `${id}.ext` : 'ca.ext';
      if (kind === 'client') lines.push(`ID=${id}; printf '%s\\n' "${ext.client}" > ${id}.ext`);
      lines.push(`openssl req -new -newkey ${newkey} -nodes -keyout ${id}.key -subj '${subj}' -out ${id}.csr 2>/dev/null`);
      lines.push(`openssl x509 -req -in ${id}.csr -CA ${issuer}.cer -CAkey ${issuer}.key -set_serial 0x$(openssl rand -hex 16) -sha256 -days ${kind === 'ca' ? 1825 : 365} -extfile ${extFile} -out ${id}.cer 2>/dev/null`);
    }
    const chain = kind === 'client' && id !== 'tst-untrusted-client' ? `-certfile ${issuer}.cer` : '';
    lines.push(`openssl pkcs12 -export -in ${id}.cer -inkey ${id}.key ${chain} -name '${cn}' -passout env:BENCH_PFX_PASSWORD -out ${id}.pfx`);
    lines.push(`openssl x509 -in ${id}.cer -outform DER | base64 -w0 > ${id}.without-markers.cer`);
  }
  return lines.join('\n') + '\n';
}

async function timeLibrary(keyType) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-lib-'));
  const start = performance.now();
  const tree = await generateSampleTree({ keyType });
  await writeOutputs(dir, await sampleTreeOutputs(tree, { password: PASSWORD }));
  const ms = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

function timeOpenssl(keyType) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-openssl-'));
  writeFileSync(join(dir, 'tree.sh'), opensslScript(KEY_TYPES[keyType]));
  const start = performance.now();
  execFileSync('bash', ['tree.sh'], { cwd: dir, env: { ...process.env, BENCH_PFX_PASSWORD: PASSWORD }, stdio: ['ignore', 'ignore', 'inherit'] });
  const ms = performance.now() - start;
  rmSync(dir, { recursive: true, force: true });
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const result = {};
await timeLibrary('ecdsa-p256'); // warm-up: module loading, JIT
for (const keyType of Object.keys(KEY_TYPES)) {
  const lib = [];
  const ossl = [];
  for (let i = 0; i < RUNS; i++) {
    lib.push(await timeLibrary(keyType));
    ossl.push(timeOpenssl(keyType));
  }
  result[keyType] = { libraryMs: Math.round(median(lib)), opensslMs: Math.round(median(ossl)), runs: RUNS, certificates: TREE.length };
}

console.log('key type     library (ms)  openssl script (ms)  ratio');
for (const [k, v] of Object.entries(result)) {
  console.log(`${k.padEnd(12)} ${String(v.libraryMs).padStart(12)}  ${String(v.opensslMs).padStart(19)}  ${(v.opensslMs / v.libraryMs).toFixed(1)}x`);
}
console.log(JSON.stringify({ certTree: result }));
