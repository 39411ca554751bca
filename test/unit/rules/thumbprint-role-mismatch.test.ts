import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { thumbprintRoleMismatch } from '../../../server/src/rules/thumbprint-role-mismatch';
import { lintCase, testRule } from '../../rule-tester';
import { certFiles, testCertificates, vccPolicy } from './certificate-helpers';

describe('thumbprint-role-mismatch', async () => {
  const c = await testCertificates();
  const files = certFiles(c.root, c.issuing, c.other, c.valid);
  // A self-signed client certificate that its tool marked as a CA: it issued nothing, so it may well be pinned.
  const selfSigned = await generateCertificate({ id: 'self-signed', kind: 'root', subject: 'CN=Self-signed Client, O=Contoso', notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01') });

  testRule(thumbprintRoleMismatch, {
    valid: [
      { name: 'a client certificate pinned as thumbprint', code: vccPolicy(`<identity thumbprint="${c.valid.info.thumbprint}" />`), files },
      { name: 'its issuing CA as issuer-thumbprint', code: vccPolicy(`<identity issuer-thumbprint="${c.issuing.info.thumbprint}" />`, 'validate-trust="true"'), files },
      { name: 'a CA that issued nothing in the workspace (a self-signed client marked CA)', code: vccPolicy(`<identity thumbprint="${selfSigned.info.thumbprint}" />`), files: { ...files, ...certFiles(selfSigned) } },
      { name: 'a thumbprint no workspace certificate has', code: vccPolicy(`<identity thumbprint="${'AB'.repeat(20)}" />`), files },
      { name: 'a named value', code: vccPolicy('<identity thumbprint="{{partner-thumbprint}}" />'), files },
      { name: 'no certificate files', code: vccPolicy(`<identity thumbprint="${c.issuing.info.thumbprint}" />`) },
    ],
    invalid: [
      {
        name: 'the issuing CA pinned as thumbprint, the chain validated on a classic tier: the fix pins it as issuer-thumbprint',
        code: vccPolicy(`<identity thumbprint="${c.issuing.info.thumbprint}" />`, 'validate-trust="true"'),
        files,
        sku: ['Premium'],
        findings: [
          {
            line: 6,
            level: 'warning',
            text: c.issuing.info.thumbprint,
            message: /^thumbprint pins "CN=Test Issuing CA, O=Contoso" \(issuing\.cer, issuing\.without-markers\.cer\), a CA certificate that issued 1 certificate of the workspace \("CN=Valid Client, O=Contoso"\)\. A client presents its own certificate/,
          },
        ],
        output: vccPolicy(`<identity issuer-thumbprint="${c.issuing.info.thumbprint}" />`, 'validate-trust="true"'),
      },
      {
        // From the UX review: the rename traded a pin that never matches for a check the tier can't make, silently.
        name: 'the same without chain validation (validate-trust="false"): reported, no rename offered',
        code: vccPolicy(`<identity thumbprint="${c.issuing.info.thumbprint}" />`),
        files,
        sku: ['StandardV2'],
        findings: [{ line: 6, level: 'warning', text: c.issuing.info.thumbprint }],
      },
      {
        name: 'the root CA (it issued the two issuing CAs)',
        code: vccPolicy(`<identity thumbprint="${c.root.info.thumbprint.toLowerCase()}" />`),
        files,
        findings: [{ line: 6, message: 'issued 2 certificates of the workspace ("CN=Test Issuing CA, O=Contoso", "CN=Other Issuing CA, O=Contoso")' }],
      },
      {
        name: 'a client certificate as issuer-thumbprint: the fix pins it as thumbprint',
        code: vccPolicy(`<identity issuer-thumbprint="${c.valid.info.thumbprint}" />`),
        files,
        findings: [{ line: 6, level: 'warning', message: /^issuer-thumbprint names "CN=Valid Client, O=Contoso" .*, which is not a CA certificate/ }],
        output: vccPolicy(`<identity thumbprint="${c.valid.info.thumbprint}" />`),
      },
      {
        name: 'both swapped in one identity: reported twice, no rename (each attribute is taken)',
        code: vccPolicy(`<identity thumbprint="${c.issuing.info.thumbprint}" issuer-thumbprint="${c.valid.info.thumbprint}" />`),
        files,
        findings: [{ line: 6, message: 'thumbprint pins' }, { line: 6, message: "issuer-thumbprint names" }],
      },
    ],
  });
});

test('thumbprint-role-mismatch: without chain validation no rename to issuer-thumbprint is offered', async () => {
  const c = await testCertificates();
  const { findings } = lintCase(thumbprintRoleMismatch, {
    name: 'no rename',
    code: vccPolicy(`<identity thumbprint="${c.issuing.info.thumbprint}" />`),
    files: certFiles(c.root, c.issuing, c.other, c.valid),
    sku: ['StandardV2'],
  });
  assert.equal(findings.length, 1);
  assert.deepEqual(findings[0]!.fixes, []);
});
