import { testRule } from '../../rule-tester';
import { unknownCertificateId } from '../../../server/src/rules/unknown-certificate-id';
import { policy, serviceBicep, servicePolicyBicep } from './bicep-service.fixtures';

/** A Premium service uploading the certificates `ids` (and more in a loop when `loop`), deploying api.policy.xml globally. */
const bicep = (ids: string[], loop = false) => `param certificateIds array = []

${serviceBicep("'Premium'")}${ids.map((id, i) => certificateBicep(`certificate${i}`, `'${id}'`)).join('')}${loop ? certificateBicep('more', 'id', 'for id in certificateIds') : ''}
${servicePolicyBicep('./api.policy.xml')}`;

/** A `service/certificates` resource of `apim` named `name` (an expression), in a loop when `loop` is given. */
const certificateBicep = (symbol: string, name: string, loop?: string) => `
resource ${symbol} 'Microsoft.ApiManagement/service/certificates@2024-05-01' = ${loop ? `[${loop}: ` : ''}{
  parent: apim
  name: ${name}
  properties: {
    data: loadTextContent('./partner.without-markers.cer')
  }
}${loop ? ']' : ''}
`;

/** The service and a certificate declared without `parent:`, named by its path `name` (an expression). */
const BY_PATH = (name: string) => ({ 'main.bicep': bicep([]) + certificateBicep('byPath', name).replace('  parent: apim\n', '') });

const TWO = { 'main.bicep': bicep(['partner-a', 'partner-b']) };

/** A check that the client's certificate is the one uploaded under `id`. */
const indexer = (key: string) =>
  policy(`<choose>
            <when condition="@(context.Request.Certificate?.Thumbprint != context.Deployment.Certificates[${key}].Thumbprint)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`);

const issuer = (id: string) =>
  policy(`<validate-client-certificate validate-trust="true">
            <identities>
                <identity issuer-certificate-id="${id}" />
            </identities>
        </validate-client-certificate>`);

testRule(unknownCertificateId, {
  valid: [
    { name: 'an uploaded id', code: indexer('"partner-a"'), files: TWO },
    { name: 'the same id in another case', code: indexer('"Partner-B"'), files: TWO },
    { name: 'issuer-certificate-id of an uploaded certificate', code: issuer('partner-b'), files: TWO },
    {
      name: 'TryGetValue of an uploaded id',
      code: policy(`<set-variable name="found" value="@(context.Deployment.Certificates.TryGetValue(&quot;partner-a&quot;, out var c))" />`),
      files: TWO,
    },
    { name: 'the Bicep uploads no certificates', code: indexer('"partner-c"'), files: { 'main.bicep': bicep([]) } },
    { name: 'some certificates are uploaded in a loop: their ids are not known', code: indexer('"partner-c"'), files: { 'main.bicep': bicep(['partner-a'], true) } },
    { name: 'no Bicep deploys the policy', code: indexer('"partner-c"') },
    { name: "a certificate named by its path ('apim-mtls-demo/partner-a', no parent:), as ARM exports write it", code: indexer('"partner-a"'), files: BY_PATH("'apim-mtls-demo/partner-a'") },
    { name: 'a named value', code: issuer('{{partner-ca-id}}'), files: TWO },
  ],
  invalid: [
    {
      name: "a certificate named '${apim.name}/partner-a' (its own id is the last segment)",
      code: indexer('"partner-c"'),
      files: BY_PATH("'${apim.name}/partner-a'"),
      findings: [{ line: 5, text: 'partner-c', message: /uploads partner-a\. .*'partner-a'\?$/ }],
    },
    {
      name: 'the indexer with an id no certificate has: a typo is offered',
      code: indexer('"partner-c"'),
      files: TWO,
      findings: [
        {
          line: 5,
          level: 'warning',
          text: 'partner-c',
          message:
            "No certificate with the id 'partner-c' is uploaded to the service apim (main.bicep); the Bicep that deploys this policy uploads partner-a, partner-b. The indexer throws KeyNotFoundException and the gateway answers 500. Use the id of an uploaded certificate (or TryGetValue): 'partner-a'?",
        },
      ],
      output: indexer('"partner-a"'),
    },
    {
      name: 'issuer-certificate-id: the identity never matches',
      code: issuer('partnr-b'),
      files: TWO,
      findings: [{ line: 6, text: 'partnr-b', message: /This identity never matches\. Use the id of an uploaded certificate: 'partner-b'\?$/ }],
      output: issuer('partner-b'),
    },
    {
      name: 'ContainsKey first: the indexer after it does not throw, the check never finds the certificate (one finding)',
      code: policy(`<choose>
            <when condition="@(!context.Deployment.Certificates.ContainsKey("partner-x") || context.Request.Certificate?.Thumbprint != context.Deployment.Certificates["partner-x"].Thumbprint)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`),
      files: TWO,
      findings: [{ line: 5, text: 'partner-x', message: /The lookup never finds it, so this check always takes the "not found" branch\. Use the id of an uploaded certificate: 'partner-a'\?$/ }],
    },
    {
      name: 'an xml-escaped literal: reported, not rewritten',
      code: indexer('&quot;legacy-partner&quot;').replace('?.Thumbprint', '.Thumbprint'),
      files: TWO,
      findings: [{ line: 5, text: '&quot;legacy-partner&quot;', message: "No certificate with the id 'legacy-partner'" }],
    },
  ],
});
