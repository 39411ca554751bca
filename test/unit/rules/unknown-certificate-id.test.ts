import * as fs from 'node:fs';
import * as path from 'node:path';
import { testRule } from '../../rule-tester';
import { unknownCertificateId } from '../../../server/src/rules/unknown-certificate-id';
import { examplesDir } from '../../helpers';
import { certificateLookupPolicy, policy, serviceBicep, servicePolicyBicep } from './bicep-service.fixtures';

/** Two client certificates of the examples, as Bicep loads them (base64 DER), with their thumbprints. */
const CERTS = {
  'certs/partner-a.without-markers.cer': fs.readFileSync(path.join(examplesDir, 'certs', 'dev-valid-client.without-markers.cer'), 'utf8'),
  'certs/partner-b.without-markers.cer': fs.readFileSync(path.join(examplesDir, 'certs', 'dev-unregistered-client.without-markers.cer'), 'utf8'),
};
const A = 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E';
const B = 'C446AD9286D473273AE435F0E867538113E27E0E';

/** A Premium service uploading the certificates `ids` (and more in a loop when `loop`), deploying api.policy.xml globally. */
const bicep = (ids: string[], loop = false) => `param certificateIds array = []

${serviceBicep("'Premium'")}${ids.map((id, i) => certificateBicep(`certificate${i}`, `'${id}'`, undefined, id)).join('')}${loop ? certificateBicep('more', 'id', 'for id in certificateIds') : ''}
${servicePolicyBicep('./api.policy.xml')}`;

/** A `service/certificates` resource of `apim` named `name` (an expression), loading `certs/<file>.without-markers.cer`. */
const certificateBicep = (symbol: string, name: string, loop?: string, file = 'partner-a') => `
resource ${symbol} 'Microsoft.ApiManagement/service/certificates@2024-05-01' = ${loop ? `[${loop}: ` : ''}{
  parent: apim
  name: ${name}
  properties: {
    data: loadTextContent('./certs/${file}.without-markers.cer')
  }
}${loop ? ']' : ''}
`;

/** The service and a certificate declared without `parent:`, named by its path `name` (an expression). */
const BY_PATH = (name: string) => ({ ...CERTS, 'main.bicep': bicep([]) + certificateBicep('byPath', name).replace('  parent: apim\n', '') });

const TWO = { ...CERTS, 'main.bicep': bicep(['partner-a', 'partner-b']) };

const indexer = certificateLookupPolicy;

const issuer = (id: string) =>
  policy(`<validate-client-certificate validate-trust="true">
            <identities>
                <identity issuer-certificate-id="${id}" />
            </identities>
        </validate-client-certificate>`);

testRule(unknownCertificateId, {
  valid: [
    { name: 'the thumbprint of an uploaded certificate', code: indexer(`"${A}"`), files: TWO },
    { name: 'the same thumbprint in lower case (how the dictionary compares keys is not documented)', code: indexer(`"${B.toLowerCase()}"`), files: TWO },
    { name: 'issuer-certificate-id of an uploaded certificate (by id), in another case', code: issuer('Partner-B'), files: TWO },
    {
      name: 'TryGetValue of an uploaded thumbprint',
      code: policy(`<set-variable name="found" value="@(context.Deployment.Certificates.TryGetValue(&quot;${A}&quot;, out var c))" />`),
      files: TWO,
    },
    { name: 'a key that is no thumbprint is certificate-key-not-thumbprint’s', code: indexer('"partner-c"'), files: TWO },
    { name: 'the Bicep uploads no certificates', code: indexer(`"${B}"`), files: { 'main.bicep': bicep([]) } },
    { name: 'some certificates are uploaded in a loop: their thumbprints are not known', code: indexer(`"${'0'.repeat(40)}"`), files: { ...CERTS, 'main.bicep': bicep(['partner-a'], true) } },
    { name: 'an uploaded certificate that can’t be read (its file is not in the workspace): thumbprints not judged', code: indexer(`"${'0'.repeat(40)}"`), files: { 'main.bicep': bicep(['partner-a']) } },
    { name: 'no Bicep deploys the policy', code: indexer(`"${'0'.repeat(40)}"`) },
    { name: "a certificate named by its path ('apim-mtls-demo/partner-a', no parent:), as ARM exports write it", code: issuer('partner-a'), files: BY_PATH("'apim-mtls-demo/partner-a'") },
    { name: 'a named value', code: issuer('{{partner-ca-id}}'), files: TWO },
  ],
  invalid: [
    {
      name: "issuer-certificate-id of a certificate named '${apim.name}/partner-a' (its own id is the last segment)",
      code: issuer('partner-c'),
      files: BY_PATH("'${apim.name}/partner-a'"),
      findings: [{ line: 6, text: 'partner-c', message: /uploads partner-a\. .*'partner-a'\?$/ }],
    },
    {
      name: 'the indexer with a thumbprint no uploaded certificate has: one digit off is offered',
      code: indexer(`"${A.slice(0, -1)}F"`),
      files: TWO,
      findings: [
        {
          line: 5,
          level: 'warning',
          text: `${A.slice(0, -1)}F`,
          message:
            `No certificate with the thumbprint ${A.slice(0, -1)}F is uploaded to the service apim (main.bicep); the Bicep that deploys this policy uploads partner-a (${A}), partner-b (${B}). ` +
            `The indexer throws KeyNotFoundException and the gateway answers 500. Use the thumbprint of an uploaded certificate (or TryGetValue): ${A} ('partner-a')?`,
        },
      ],
      output: indexer(`"${A}"`),
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
            <when condition="@(!context.Deployment.Certificates.ContainsKey("${'AB'.repeat(20)}") || context.Request.Certificate?.Thumbprint != context.Deployment.Certificates["${'AB'.repeat(20)}"].Thumbprint)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`),
      files: TWO,
      findings: [{ line: 5, text: 'AB'.repeat(20), message: /The lookup never finds it, so this check always takes the "not found" branch\. Use the thumbprint of an uploaded certificate\.$/ }],
    },
    {
      name: 'an xml-escaped literal: reported, not rewritten',
      code: indexer(`&quot;${B.slice(0, -1)}D&quot;`).replace('?.Thumbprint', '.Thumbprint'),
      files: TWO,
      findings: [{ line: 5, text: `&quot;${B.slice(0, -1)}D&quot;`, message: `No certificate with the thumbprint ${B.slice(0, -1)}D` }],
    },
  ],
});
