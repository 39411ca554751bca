import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { certificateNotYetValid } from '../../../server/src/rules/certificate-not-yet-valid';
import { Workspace } from '../../../server/src/engine/workspace';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { testRule } from '../../rule-tester';
import { caBicep, certFiles, clientCertificateBicep, pem, testCertificates, vccPolicy } from './certificate-helpers';

const [policyPart, bicepPart] = certificateNotYetValid;

/** Before `valid` (from 2026-01-01) and `partnerRenewed` (from 2026-04-15) start; `partnerExpired` is valid then. */
const DECEMBER = new Date('2025-12-01T00:00:00Z');
/** `partnerExpired` (until 2026-05-01) still valid, `partnerRenewed` not yet. */
const MARCH = new Date('2026-03-01T00:00:00Z');

describe('certificate-not-yet-valid', async () => {
  const c = await testCertificates();
  const files = certFiles(c.root, c.issuing, c.valid, c.partnerExpired, c.partnerRenewed);
  const pin = (...certs: { info: { thumbprint: string } }[]) => certs.map((x) => `<identity thumbprint="${x.info.thumbprint}" />`).join('\n');

  testRule(policyPart, {
    valid: [
      { name: 'a pinned certificate already valid', code: vccPolicy(pin(c.valid)), files, now: MARCH },
      { name: 'the renewal pinned ahead of its start beside the certificate in use (a planned switch)', code: vccPolicy(pin(c.partnerExpired, c.partnerRenewed)), files, now: MARCH },
      { name: 'beside an identity of claims only, which may let a client in now', code: vccPolicy(`${pin(c.partnerRenewed)}\n<identity subject="CN=Partner Client, O=Contoso" issuer-thumbprint="${c.issuing.info.thumbprint}" />`), files, now: MARCH },
      { name: 'validate-not-before="false": the certificate passes before its start', code: vccPolicy(pin(c.partnerRenewed), 'validate-trust="false" validate-not-before="false"'), files, now: MARCH },
      { name: 'a thumbprint no workspace certificate has', code: vccPolicy(`<identity thumbprint="${'AB'.repeat(20)}" />`), files, now: MARCH },
      { name: 'the issuer not valid yet is no check of the client', code: vccPolicy(`<identity issuer-thumbprint="${c.issuing.info.thumbprint}" />`), files, now: new Date('2019-06-01T00:00:00Z') },
    ],
    invalid: [
      {
        name: 'the only pinned certificate starts later: no client gets in until then',
        code: vccPolicy(pin(c.partnerRenewed)),
        files,
        now: MARCH,
        findings: [{ line: 6, level: 'warning', text: c.partnerRenewed.info.thumbprint, message: '"CN=Partner Client, O=Contoso" (partner-renewed.cer, partner-renewed.without-markers.cer), is valid only from 2026-04-15, in 45 days: APIM rejects it until then (validate-not-before)' }],
      },
      {
        // The same certificate copied into every API's folder: the message named all the files, and every pin repeated
        // them (1,000 pins of 1,000 copies: 3 s in the rule, and 27 s writing the report).
        name: 'the certificate copied into 40 folders: three files named, and how many more',
        code: vccPolicy(pin(c.partnerRenewed)),
        files: { ...files, ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`apis/api-${String(i).padStart(2, '0')}/partner-renewed.cer`, pem(c.partnerRenewed)])) },
        now: MARCH,
        findings: [{ line: 6, level: 'warning', message: '"CN=Partner Client, O=Contoso" (partner-renewed.cer, partner-renewed.cer, partner-renewed.cer and 39 more), is valid only from 2026-04-15' }],
      },
      {
        name: 'two pins, neither valid yet (each reported), validate-not-before from a named value (said so, and not certain)',
        code: vccPolicy(pin(c.valid, c.partnerExpired), 'validate-trust="false" validate-not-before="{{check-start}}"'),
        files,
        now: new Date('2025-04-01T00:00:00Z'),
        findings: [
          { line: 6, level: 'warning', message: 'while validate-not-before ({{check-start}}) is true' },
          { line: 7, level: 'warning', message: 'is valid only from 2025-05-01, in 30 days' },
        ],
      },
    ],
  });

  testRule(bicepPart, {
    valid: [
      { name: 'a CA certificate already valid', code: caBicep('root'), files, now: MARCH },
      { name: 'a client certificate already valid', code: clientCertificateBicep('./certs/valid.without-markers.cer'), files, now: MARCH },
    ],
    invalid: [
      {
        name: 'a CA certificate whose validity starts later',
        code: caBicep('root'),
        files,
        now: new Date('2019-12-31T12:00:00Z'),
        findings: [{ line: 13, level: 'warning', text: "loadTextContent('./certs/root.without-markers.cer')", message: 'root.without-markers.cer holds "CN=Test Root CA, O=Contoso", which is valid only from 2020-01-01 00:00 UTC, in less than a day: until then, client certificates that chain through this CA fail' }],
      },
      {
        name: 'an uploaded client certificate whose validity starts later',
        code: clientCertificateBicep('./certs/valid.without-markers.cer'),
        files,
        now: DECEMBER,
        findings: [{ line: 11, level: 'warning', message: 'which is valid only from 2026-01-01, in 31 days' }],
      },
    ],
  });

  it('tells the moment the finding goes: the certificate\'s start', () => {
    const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }), now: () => MARCH, rules: [policyPart] });
    const root = path.resolve('/not-yet-valid');
    ws.set(path.join(root, 'certs', 'partner-renewed.cer'), { text: pem(c.partnerRenewed) });
    ws.set(path.join(root, 'p.policy.xml'), { text: vccPolicy(pin(c.partnerRenewed)) });
    const result = ws.lint(path.join(root, 'p.policy.xml'));
    assert.equal(result.findings.length, 1);
    assert.equal(result.stableUntil, c.partnerRenewed.info.notBefore.getTime());
  });
});
