import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { certificateExpired } from '../../../server/src/rules/certificate-expired';
import { lintCase, testRule } from '../../rule-tester';
import { base64, caBicep, certFiles, clientCertificateBicep, NOW, pem, testCertificates, vccPolicy } from './certificate-helpers';

const [policyPart, bicepPart, certificatePart] = certificateExpired;

const GUARDED = `import { apimSkuType } from './settings.bicep'

param sku apimSkuType
var skusThatSupportCACertificates = [ 'Developer', 'Basic', 'Standard', 'Premium' ]

resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-contoso'
  location: 'westeurope'
  sku: {
    name: sku
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@contoso.example'
    publisherName: 'Contoso'
    certificates: contains(skusThatSupportCACertificates, sku) ? [
      {
        encodedCertificate: loadTextContent('./certs/expired-ca.without-markers.cer')
        storeName: 'CertificateAuthority'
      }
    ] : null
  }
}
`;

const SETTINGS = `@export()
type apimSkuType = 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'BasicV2' | 'StandardV2' | 'PremiumV2'
`;

describe('certificate-expired', async () => {
  const c = await testCertificates();
  const files = certFiles(c.root, c.issuing, c.expiredCa, c.valid, c.partnerExpired, c.expiring);
  const withRenewal = { ...files, ...certFiles(c.partnerRenewed) };
  const expired = c.partnerExpired.info.thumbprint;
  const renewed = c.partnerRenewed.info.thumbprint;

  testRule(policyPart, {
    valid: [
      { name: 'a valid pinned certificate', code: vccPolicy(`<identity thumbprint="${c.valid.info.thumbprint}" />`), files, now: NOW },
      { name: 'an expiring one is not expired', code: vccPolicy(`<identity thumbprint="${c.expiring.info.thumbprint}" />`), files, now: NOW },
      { name: 'a thumbprint not in the workspace', code: vccPolicy(`<identity thumbprint="${'AB'.repeat(20)}" />`), files, now: NOW },
      { name: 'a named value', code: vccPolicy('<identity thumbprint="{{partner-thumbprint}}" />'), files, now: NOW },
      { name: 'before it expired', code: vccPolicy(`<identity thumbprint="${expired}" />`), files, now: new Date('2026-04-30T00:00:00Z') },
      {
        // The expired certificate still passes: validity-check-disabled reports the attribute, not this rule.
        name: 'validate-not-after="false": the identity still lets the expired certificate in',
        code: vccPolicy(`<identity thumbprint="${expired}" />`, 'validate-trust="false" validate-not-after="false"'),
        files,
        now: NOW,
      },
    ],
    invalid: [
      {
        name: 'identity pins an expired certificate',
        code: vccPolicy(`<identity thumbprint="${expired}" />`),
        files,
        now: NOW,
        findings: [{ line: 6, level: 'error', text: expired, message: '"CN=Partner Client, O=Contoso" (partner.cer, partner.without-markers.cer), expired on 2026-05-01 (31 days ago)' }],
      },
      {
        name: 'validate-not-after from a named value: a warning that names it',
        code: vccPolicy(`<identity thumbprint="${expired}" />`, 'validate-trust="false" validate-not-after="{{check-expiry}}"'),
        files,
        now: NOW,
        findings: [{ line: 6, level: 'warning', text: expired, message: 'while validate-not-after ({{check-expiry}}) is true' }],
      },
      {
        name: 'validate-not-after="true" written out: still an error',
        code: vccPolicy(`<identity thumbprint="${expired}" />`, 'validate-trust="false" validate-not-after="true"'),
        files,
        now: NOW,
        findings: [{ line: 6, level: 'error', message: 'APIM rejects an expired client certificate, so this identity lets no one in' }],
      },
      {
        name: 'whole days since expiry, rounded down: a day and 20 minutes is 1 day',
        code: vccPolicy(`<identity thumbprint="${expired}" />`),
        files,
        now: new Date(c.partnerExpired.info.notAfter.getTime() + 24 * 3600_000 + 20 * 60_000),
        findings: [{ line: 6, message: '(1 day ago)' }],
      },
      {
        name: 'two hours after expiry',
        code: vccPolicy(`<identity thumbprint="${expired}" />`),
        files,
        now: new Date(c.partnerExpired.info.notAfter.getTime() + 2 * 3600_000),
        findings: [{ line: 6, message: '(less than a day ago)' }],
      },
      {
        name: 'a renewal in the workspace: fix pins it',
        code: vccPolicy(`<identity thumbprint="${expired.toLowerCase()}" subject="CN=Partner Client, O=Contoso" />`),
        files: withRenewal,
        now: NOW,
        findings: [{ line: 6, level: 'error', text: expired.toLowerCase() }],
        output: vccPolicy(`<identity thumbprint="${renewed}" subject="CN=Partner Client, O=Contoso" />`),
      },
      {
        name: 'issuer-thumbprint of an expired CA',
        code: vccPolicy(`<identity issuer-thumbprint="${c.expiredCa.info.thumbprint}" />`),
        files,
        now: NOW,
        findings: [{ line: 6, level: 'error', text: c.expiredCa.info.thumbprint, message: 'The issuing CA this identity pins by issuer-thumbprint' }],
      },
      {
        name: 'a literal compared with Thumbprint in a rawxml expression',
        code: vccPolicy('').replace(
          /<validate-client-certificate[\s\S]*<\/validate-client-certificate>/,
          `<choose>
            <when condition="@(context.Request.Certificate?.Thumbprint != "${expired}")">
                <return-response><set-status code="403" reason="Forbidden" /></return-response>
            </when>
        </choose>`,
        ),
        files,
        now: NOW,
        findings: [{ line: 5, level: 'error', text: expired, message: 'The certificate whose thumbprint this expression compares with' }],
      },
    ],
  });

  testRule(bicepPart, {
    valid: [
      { name: 'valid CA certificates', code: caBicep('root', 'issuing'), files, now: NOW },
      { name: 'a certificate file that is not in the workspace', code: caBicep('root', 'missing'), files, now: NOW },
      { name: 'a valid client certificate', code: clientCertificateBicep('./certs/valid.without-markers.cer'), files, now: NOW },
    ],
    invalid: [
      {
        name: 'an expired CA certificate uploaded to a classic service',
        code: caBicep('root', 'expired-ca'),
        files,
        now: NOW,
        findings: [
          {
            line: 17,
            level: 'error',
            text: "loadTextContent('./certs/expired-ca.without-markers.cer')",
            message: 'expired-ca.without-markers.cer holds "CN=Old Issuing CA, O=Contoso", which expired on 2026-03-01 (92 days ago): client certificates that chain through this CA',
          },
        ],
      },
      {
        name: 'tier-guarded CA certificates (the SKU comes from an imported type)',
        code: GUARDED,
        files: { ...files, 'settings.bicep': SETTINGS },
        now: NOW,
        findings: [{ line: 18, level: 'error', text: "loadTextContent('./certs/expired-ca.without-markers.cer')" }],
      },
      {
        name: 'a client certificate loaded as DER from another folder: fix loads the renewed DER',
        code: clientCertificateBicep('../certs/partner.der', 'loadFileAsBase64'),
        filename: 'infra/partner.bicep',
        files: { ...withRenewal, 'certs/partner.der': c.partnerExpired.der, 'certs/partner-renewed.der': c.partnerRenewed.der },
        now: NOW,
        findings: [{ line: 11, level: 'error', text: "loadFileAsBase64('../certs/partner.der')", message: 'authentication-certificate' }],
        output: clientCertificateBicep('../certs/partner-renewed.der', 'loadFileAsBase64'),
      },
      {
        name: 'a renewal in the same encoding keeps the ./ prefix',
        code: clientCertificateBicep('./certs/partner.without-markers.cer'),
        files: withRenewal,
        now: NOW,
        findings: [{ line: 11, level: 'error' }],
        output: clientCertificateBicep('./certs/partner-renewed.without-markers.cer'),
      },
      {
        name: 'the certificate written inline',
        code: caBicep('root').replace("loadTextContent('./certs/root.without-markers.cer')", `'${base64(c.expiredCa)}'`),
        files,
        now: NOW,
        findings: [{ line: 13, level: 'error', text: `'${base64(c.expiredCa)}'`, message: 'The certificate written here is "CN=Old Issuing CA, O=Contoso"' }],
      },
    ],
  });

  const validLines = pem(c.valid).split('\n').length - 1;
  testRule(certificatePart, {
    valid: [
      { name: 'a valid certificate', code: pem(c.valid), filename: 'certs/valid.cer', now: NOW },
      { name: 'an expiring certificate is not expired', code: pem(c.expiring), filename: 'certs/expiring.cer', now: NOW },
    ],
    invalid: [
      {
        name: 'an expired PEM certificate: the block',
        code: pem(c.partnerExpired),
        filename: 'certs/partner.cer',
        now: NOW,
        findings: [{ line: 1, level: 'error', text: pem(c.partnerExpired).trimEnd(), message: 'This certificate, "CN=Partner Client, O=Contoso"' }],
      },
      {
        name: 'a bundle: only the expired block',
        code: pem(c.valid) + pem(c.expiredCa),
        filename: 'certs/chain.pem',
        now: NOW,
        findings: [{ line: validLines + 1, level: 'error', text: pem(c.expiredCa).trimEnd(), message: 'expired on 2026-03-01' }],
      },
      {
        name: 'base64 without markers: the first line',
        code: `${base64(c.partnerExpired)}\n`,
        filename: 'certs/partner.without-markers.cer',
        now: NOW,
        findings: [{ line: 1, level: 'error', text: base64(c.partnerExpired) }],
      },
    ],
  });

  it('one renewal held by several files is one choice, and preferred', () => {
    const second = { ...withRenewal, 'certs/partner-renewed-copy.cer': pem(c.partnerRenewed), ...certFiles(c.valid) };
    const { findings } = lintCase(policyPart, { name: 'x', code: vccPolicy(`<identity thumbprint="${expired}" />`), files: second, now: NOW });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.fixes.length, 1, 'the same renewal in two files is one choice');
    assert.equal(findings[0]!.fixes[0]!.preferred, true);
  });
});
