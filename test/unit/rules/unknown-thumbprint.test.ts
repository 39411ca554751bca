import { describe } from 'node:test';
import { unknownThumbprint } from '../../../server/src/rules/unknown-thumbprint';
import { testRule } from '../../rule-tester';
import { policy as inbound } from './bicep-service.fixtures';
import { certFiles, testCertificates, vccPolicy } from './certificate-helpers';


/** Changes the last hex digit: a one-digit typo. */
function typo(thumbprint: string): string {
  return thumbprint.slice(0, -1) + (thumbprint.endsWith('0') ? '1' : '0');
}

const UNKNOWN = '0123456789ABCDEF0123456789ABCDEF01234567';

describe('unknown-thumbprint', async () => {
  const c = await testCertificates();
  const files = certFiles(c.root, c.issuing, c.valid, c.comma);
  const tp = c.valid.info.thumbprint;

  testRule(unknownThumbprint, {
    valid: [
      { name: 'identity thumbprint of a workspace certificate', code: vccPolicy(`<identity thumbprint="${tp}" />`), files },
      {
        // A broken .cer is its own problem: it is no certificate, so nothing is known to be missing.
        name: 'the only certificate file cannot be read',
        code: vccPolicy(`<identity thumbprint="${UNKNOWN}" />`),
        files: { 'certs/broken.cer': '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n' },
      },
      { name: 'lower case', code: vccPolicy(`<identity thumbprint="${tp.toLowerCase()}" />`), files },
      { name: 'copied from the Windows dialog (U+200E in front)', code: vccPolicy(`<identity thumbprint="\u200e${tp}" />`), files },
      { name: 'issuer-thumbprint of the issuing CA', code: vccPolicy(`<identity issuer-thumbprint="${c.issuing.info.thumbprint}" />`), files },
      { name: 'a named value', code: vccPolicy('<identity thumbprint="{{partner-thumbprint}}" />'), files },
      { name: 'no certificate files in the workspace', code: vccPolicy(`<identity thumbprint="${UNKNOWN}" />`) },
      {
        name: 'a known thumbprint in a rawxml expression',
        code: inbound(`<choose>
            <when condition="@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != "${tp}")">
                <return-response><set-status code="403" reason="Forbidden" /></return-response>
            </when>
        </choose>`),
        files,
      },
      {
        name: 'a 40-hex literal in an expression that reads no Thumbprint',
        code: inbound(`<set-variable name="hash" value="@(context.Request.Headers.GetValueOrDefault("X-Hash", "") == "${UNKNOWN}")" />`),
        files,
      },
      { name: 'not 40 hex digits (another rule judges the format)', code: vccPolicy('<identity thumbprint="ABC123" />'), files },
    ],
    invalid: [
      {
        name: 'identity thumbprint nobody has',
        code: vccPolicy(`<identity thumbprint="${UNKNOWN}" />`),
        files,
        findings: [{ line: 6, level: 'info', text: UNKNOWN, message: 'No certificate in the workspace (8 certificate files) has the thumbprint this identity pins' }],
      },
      {
        name: 'a certificate file that cannot be read is not counted',
        code: vccPolicy(`<identity thumbprint="${UNKNOWN}" />`),
        files: { ...files, 'certs/broken.cer': '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n' },
        findings: [{ line: 6, level: 'info', text: UNKNOWN, message: 'No certificate in the workspace (8 certificate files) has the thumbprint this identity pins' }],
      },
      {
        name: 'a one-digit typo: fix to the near thumbprint',
        code: vccPolicy(`<identity thumbprint="${typo(tp)}" subject="CN=Valid Client, O=Contoso" />`),
        files,
        findings: [{ line: 6, level: 'info', text: typo(tp), message: `1 digit away from ${tp} ("CN=Valid Client, O=Contoso")` }],
        output: vccPolicy(`<identity thumbprint="${tp}" subject="CN=Valid Client, O=Contoso" />`),
      },
      {
        name: 'issuer-thumbprint nobody has',
        code: vccPolicy(`<identity issuer-thumbprint="${UNKNOWN}" />`),
        files,
        findings: [{ line: 6, level: 'info', text: UNKNOWN, message: 'pins as issuer' }],
      },
      {
        name: 'rawxml expression with raw quotes',
        code: inbound(`<choose>
            <when condition="@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != "${UNKNOWN}")">
                <return-response><set-status code="403" reason="Forbidden" /></return-response>
            </when>
        </choose>`),
        files,
        findings: [{ line: 5, level: 'info', text: UNKNOWN, message: 'this expression compares with' }],
      },
      {
        name: 'escaped xml expression with string.Equals',
        code: inbound(
          `<set-variable name="ok" value="@(string.Equals(context.Request.Certificate?.Thumbprint, &quot;${typo(tp)}&quot;, StringComparison.OrdinalIgnoreCase))" />`,
        ),
        files,
        findings: [{ line: 4, level: 'info', text: typo(tp) }],
        output: inbound(`<set-variable name="ok" value="@(string.Equals(context.Request.Certificate?.Thumbprint, &quot;${tp}&quot;, StringComparison.OrdinalIgnoreCase))" />`),
      },
      {
        name: 'an allow-list in a multi-statement expression: only the unknown entry',
        code: inbound(`<choose>
            <when condition="@{
                var certificate = context.Request.Certificate;
                return certificate == null || !new[] { "${tp}", "${UNKNOWN}" }.Contains(certificate.Thumbprint);
            }">
                <return-response><set-status code="403" reason="Forbidden" /></return-response>
            </when>
        </choose>`),
        files,
        findings: [{ line: 7, level: 'info', text: UNKNOWN }],
      },
      {
        name: 'the configured level applies',
        code: vccPolicy(`<identity thumbprint="${UNKNOWN}" />`),
        files,
        level: 'warning',
        findings: [{ line: 6, level: 'warning', text: UNKNOWN }],
      },
    ],
  });
});
