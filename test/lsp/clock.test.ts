import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { generateCertificate } from '../../server/src/certificates/generate';
import { toPem } from '../../server/src/certificates/encoding';
import { makeTempDir, removeTempDir } from '../helpers';
import { TestClient } from './client';

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code)).sort();

describe('language server: findings that change with time alone', () => {
  let dir: string;
  let client: TestClient;

  before(async () => {
    dir = makeTempDir('lsp-clock');
    client = await TestClient.start(dir);
  });

  after(async () => {
    await client.stop();
    removeTempDir(dir);
  });

  it('a pinned certificate that expires while the policy is open turns from expiring to expired without an edit', async () => {
    // X.509 times have whole seconds: the certificate expires 7–8 s from now.
    const notAfter = new Date((Math.floor(Date.now() / 1000) + 8) * 1000);
    const cert = await generateCertificate({ id: 'short', kind: 'root', subject: 'CN=Short-lived, O=Contoso', keyType: 'ecdsa-p256', notBefore: new Date(Date.now() - 86_400_000), notAfter });
    fs.writeFileSync(path.join(dir, 'short.cer'), toPem('CERTIFICATE', cert.der));
    const policy = path.join(dir, 'api.policy.xml');
    const text = `<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false">\n      <identities>\n        <identity thumbprint="${cert.info.thumbprint}" />\n      </identities>\n    </validate-client-certificate>\n  </inbound>\n</policies>\n`;
    fs.writeFileSync(policy, text);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(path.join(dir, 'short.cer')), type: 1 }] });
    client.open(policy, text);
    const expiring = await client.waitFor(policy, (d) => codes(d).includes('certificate-expiring'));
    assert.ok(Date.now() < notAfter.getTime(), 'seen before expiry');
    assert.match(String(expiring.find((d) => d.code === 'certificate-expiring')!.message), /in 1 day/);
    const expired = await client.waitFor(policy, (d) => codes(d).includes('certificate-expired'), 15_000);
    assert.ok(Date.now() >= notAfter.getTime());
    assert.ok(!codes(expired).includes('certificate-expiring'), codes(expired).join(', '));
  });
});
