import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { identityClaimsMismatch } from '../../../server/src/rules/identity-claims-mismatch';
import { applyFix, lintCase, testRule } from '../../rule-tester';
import { certFiles, testCertificates, vccPolicy } from './certificate-helpers';

const V2_API_BICEP = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-contoso'
  location: 'westeurope'
  sku: {
    name: 'StandardV2'
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@contoso.example'
    publisherName: 'Contoso'
  }
}

resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'partner-api'
  properties: {
    displayName: 'Partner API'
    path: 'partner'
    protocols: [ 'https' ]
  }
}

resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('./api.policy.xml')
  }
}
`;

describe('identity-claims-mismatch', async () => {
  const c = await testCertificates();
  const v = c.valid.info;
  const files = certFiles(c.root, c.issuing, c.other, c.valid, c.comma);
  const pin = `thumbprint="${v.thumbprint}"`;

  testRule(identityClaimsMismatch, {
    valid: [
      { name: 'thumbprint and subject of the same certificate', code: vccPolicy(`<identity ${pin} subject="${v.subject}" />`), files },
      {
        name: 'every claim matches',
        code: vccPolicy(
          `<identity ${pin} subject="${v.subject}" issuer-subject="${v.issuer}" common-name="Valid Client" dns-name="valid.alt.contoso.example" serial-number="${v.serialNumber}" issuer-thumbprint="${c.issuing.info.thumbprint}" />`,
        ),
        files,
      },
      {
        name: 'a quoted RDN value written with &quot; as the docs show',
        code: vccPolicy(`<identity thumbprint="${c.comma.info.thumbprint}" subject="CN=Comma Client, O=&quot;Contoso, Inc.&quot;, C=NL" />`),
        files,
      },
      { name: 'DNS names compare without case', code: vccPolicy(`<identity ${pin} dns-name="VALID.contoso.example" />`), files },
      { name: 'a lower-case serial number', code: vccPolicy(`<identity ${pin} serial-number="${v.serialNumber.toLowerCase()}" />`), files },
      { name: 'a named value claim is not judged', code: vccPolicy(`<identity ${pin} subject="{{partner-subject}}" />`), files },
      { name: 'a named value thumbprint is not judged', code: vccPolicy('<identity thumbprint="{{partner-thumbprint}}" subject="CN=Someone Else" />'), files },
      { name: 'a thumbprint no workspace certificate has', code: vccPolicy(`<identity thumbprint="${'AB'.repeat(20)}" subject="CN=Someone Else" />`), files },
      { name: 'no certificate files at all', code: vccPolicy(`<identity ${pin} subject="CN=Someone Else" />`) },
      { name: 'an identity without thumbprint', code: vccPolicy('<identity subject="CN=Someone Else" issuer-subject="CN=Whoever" />'), files },
      {
        name: 'issuer-thumbprint of a CA that is not in the workspace',
        code: vccPolicy(`<identity ${pin} issuer-thumbprint="${'CD'.repeat(20)}" />`),
        files,
      },
      {
        name: 'deployed by Bicep on a v2 tier (the tier does not matter here)',
        code: vccPolicy(`<identity ${pin} subject="${v.subject}" />`),
        files: { ...files, 'main.bicep': V2_API_BICEP },
      },
    ],
    invalid: [
      {
        name: 'the subject of another certificate',
        code: vccPolicy(`<identity ${pin} subject="CN=Partner Client, O=Contoso" />`),
        files,
        findings: [{ line: 6, level: 'error', text: 'CN=Partner Client, O=Contoso', message: 'that certificate\'s subject is "CN=Valid Client, O=Contoso", not "CN=Partner Client, O=Contoso"' }],
        output: vccPolicy(`<identity ${pin} subject="CN=Valid Client, O=Contoso" />`),
      },
      {
        name: 'the issuer-subject of another CA, in a v2 deployment',
        code: vccPolicy(`<identity ${pin} issuer-subject="CN=Other Issuing CA, O=Contoso" />`),
        files: { ...files, 'main.bicep': V2_API_BICEP },
        findings: [{ line: 6, level: 'error', text: 'CN=Other Issuing CA, O=Contoso', message: 'never matches' }],
        output: vccPolicy(`<identity ${pin} issuer-subject="CN=Test Issuing CA, O=Contoso" />`),
      },
      {
        name: 'a wrong common name',
        code: vccPolicy(`<identity ${pin} common-name="Partner Client" />`),
        files,
        findings: [{ line: 6, level: 'error', text: 'Partner Client', message: 'that certificate\'s common name is "Valid Client"' }],
        output: vccPolicy(`<identity ${pin} common-name="Valid Client" />`),
      },
      {
        name: 'a DNS name the certificate does not carry',
        code: vccPolicy(`<identity ${pin} dns-name="partner.contoso.example" />`),
        files,
        findings: [{ line: 6, level: 'error', text: 'partner.contoso.example', message: 'that certificate\'s DNS names are "valid.contoso.example", "valid.alt.contoso.example"' }],
        output: vccPolicy(`<identity ${pin} dns-name="valid.contoso.example" />`),
      },
      {
        name: 'the serial number of another certificate',
        code: vccPolicy(`<identity ${pin} serial-number="${c.comma.info.serialNumber}" />`),
        files,
        findings: [{ line: 6, level: 'error', text: c.comma.info.serialNumber, message: 'serial number' }],
        output: vccPolicy(`<identity ${pin} serial-number="${v.serialNumber}" />`),
      },
      {
        name: 'issuer-thumbprint of another workspace CA',
        code: vccPolicy(`<identity ${pin} issuer-thumbprint="${c.other.info.thumbprint}" />`),
        files,
        findings: [{ line: 6, level: 'error', text: c.other.info.thumbprint, message: 'issuer-thumbprint is that of "CN=Other Issuing CA, O=Contoso"' }],
        output: vccPolicy(`<identity ${pin} issuer-thumbprint="${c.issuing.info.thumbprint}" />`),
      },
      {
        name: 'two wrong claims give two findings',
        code: vccPolicy(`<identity subject="CN=Partner Client, O=Contoso" ${pin} common-name="Partner Client" />`),
        files,
        findings: [
          { line: 6, level: 'error', text: 'CN=Partner Client, O=Contoso' },
          { line: 6, level: 'error', text: 'Partner Client' },
        ],
        output: vccPolicy(`<identity subject="CN=Valid Client, O=Contoso" ${pin} common-name="Partner Client" />`),
      },
      {
        name: 'only the mismatching identity of several',
        code: vccPolicy(`<identity thumbprint="${c.comma.info.thumbprint}" />\n<identity ${pin} subject="CN=Comma Client, O=&quot;Contoso, Inc.&quot;, C=NL" />`),
        files,
        findings: [{ line: 7, level: 'error', text: 'CN=Comma Client, O=&quot;Contoso, Inc.&quot;, C=NL' }],
        output: vccPolicy(`<identity thumbprint="${c.comma.info.thumbprint}" />\n<identity ${pin} subject="CN=Valid Client, O=Contoso" />`),
      },
      {
        name: 'the certificate with a quoted RDN, written without the quotes: fix writes &quot;',
        code: vccPolicy(`<identity thumbprint="${c.comma.info.thumbprint}" subject="CN=Comma Client, O=Contoso Inc., C=NL" />`),
        files,
        findings: [{ line: 6, level: 'error', message: 'that certificate\'s subject is "CN=Comma Client, O="Contoso, Inc.", C=NL"' }],
        output: vccPolicy(`<identity thumbprint="${c.comma.info.thumbprint}" subject="CN=Comma Client, O=&quot;Contoso, Inc.&quot;, C=NL" />`),
      },
      {
        name: 'RDNs in another order: only a warning (APIM may compare loosely)',
        code: vccPolicy(`<identity ${pin} subject="O=Contoso, CN=Valid Client" />`),
        files,
        findings: [{ line: 6, level: 'warning', text: 'O=Contoso, CN=Valid Client', message: 'written differently' }],
        output: vccPolicy(`<identity ${pin} subject="CN=Valid Client, O=Contoso" />`),
      },
      {
        name: 'no blank after the comma, escaped xml format with an expression nearby',
        code: vccPolicy(`<identity ${pin} issuer-subject="CN=Test Issuing CA,O=Contoso" />`, 'validate-trust="false" ignore-error="false"').replace(
          '<base />\n        <validate',
          '<base />\n        <set-variable name="cn" value="@(context.Request.Certificate?.SubjectName.Name ?? &quot;none&quot;)" />\n        <validate',
        ),
        files,
        findings: [{ line: 7, level: 'warning', text: 'CN=Test Issuing CA,O=Contoso' }],
      },
    ],
  });

  it('also offers to remove the wrong claim', () => {
    const code = vccPolicy(`<identity ${pin} common-name="Partner Client" />`);
    const { findings, file } = lintCase(identityClaimsMismatch, { name: 'remove', code, files });
    const remove = findings[0]!.fixes.find((f) => f.title.startsWith('Remove common-name'));
    assert.ok(remove, 'a remove fix');
    assert.equal(remove.preferred, undefined);
    assert.equal(applyFix(code, remove, file), vccPolicy(`<identity ${pin} />`));
  });
});
