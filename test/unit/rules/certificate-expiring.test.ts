import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { certificateExpiring } from '../../../server/src/rules/certificate-expiring';
import { judgeValidity } from '../../../server/src/rules/util/certificate-references';
import { testRule } from '../../rule-tester';
import { certFiles, clientCertificateBicep, NOW, pem, testCertificates, vccPolicy } from './certificate-helpers';

const [policyPart, bicepPart, certificatePart] = certificateExpiring;

describe('certificate-expiring', async () => {
  const c = await testCertificates();
  const files = certFiles(c.root, c.issuing, c.valid, c.partnerExpired, c.expiring);
  const soon = c.expiring.info.thumbprint;
  const partner = c.partnerExpired.info.thumbprint;

  testRule(policyPart, {
    valid: [
      { name: 'valid for long', code: vccPolicy(`<identity thumbprint="${c.valid.info.thumbprint}" />`), files, now: NOW },
      { name: 'expired is not expiring', code: vccPolicy(`<identity thumbprint="${partner}" />`), files, now: NOW },
      { name: 'one day outside the 30-day window', code: vccPolicy(`<identity thumbprint="${soon}" />`), files, now: new Date('2026-05-20T00:00:00Z') },
    ],
    invalid: [
      {
        name: 'an identity pins a certificate that expires in 19 days',
        code: vccPolicy(`<identity thumbprint="${soon}" />`),
        files,
        now: NOW,
        findings: [{ line: 6, level: 'warning', text: soon, message: 'expires on 2026-06-20, in 19 days: issue the renewed certificate and add an <identity>' }],
      },
      {
        name: 'exactly at the edge of the window',
        code: vccPolicy(`<identity thumbprint="${soon}" />`),
        files,
        now: new Date('2026-05-21T00:00:00Z'),
        findings: [{ line: 6, level: 'warning', message: 'in 30 days' }],
      },
      {
        name: 'a renewal exists: offered, not preferred (both are needed during the switch)',
        code: vccPolicy(`<identity thumbprint="${partner}" />`),
        files: { ...files, ...certFiles(c.partnerRenewed) },
        now: new Date('2026-04-20T00:00:00Z'),
        findings: [{ line: 6, level: 'warning', message: 'expires on 2026-05-01, in 11 days' }],
        output: vccPolicy(`<identity thumbprint="${c.partnerRenewed.info.thumbprint}" />`),
      },
    ],
  });

  testRule(bicepPart, {
    valid: [{ name: 'a certificate valid for long', code: clientCertificateBicep('./certs/valid.without-markers.cer'), files, now: NOW }],
    invalid: [
      {
        name: 'an uploaded client certificate expiring soon',
        code: clientCertificateBicep('./certs/expiring.without-markers.cer'),
        files,
        now: NOW,
        findings: [{ line: 11, level: 'warning', text: "loadTextContent('./certs/expiring.without-markers.cer')", message: 'expires on 2026-06-20, in 19 days' }],
      },
    ],
  });

  testRule(certificatePart, {
    valid: [{ name: 'an expired certificate is not expiring', code: pem(c.partnerExpired), filename: 'certs/partner.cer', now: NOW }],
    invalid: [
      {
        name: 'a certificate file expiring soon',
        code: pem(c.expiring),
        filename: 'certs/expiring.cer',
        now: NOW,
        findings: [{ line: 1, level: 'warning', text: pem(c.expiring).trimEnd(), message: 'expires on 2026-06-20, in 19 days. Renew it before then' }],
      },
    ],
  });

  it('the window comes from the settings', () => {
    const at = (days: number) => judgeValidity(c.valid.info, { now: NOW, certificateExpiryWarningDays: days }).state;
    assert.equal(at(30), 'valid');
    assert.equal(at(36500), 'expiring');
    assert.equal(at(0), 'valid');
  });
});
