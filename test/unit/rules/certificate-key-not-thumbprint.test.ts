import * as fs from 'node:fs';
import * as path from 'node:path';
import { testRule } from '../../rule-tester';
import { certificateKeyNotThumbprint } from '../../../server/src/rules/certificate-key-not-thumbprint';
import { examplesDir } from '../../helpers';
import { certificateLookupPolicy, policy, serviceBicep, servicePolicyBicep } from './bicep-service.fixtures';

const THUMBPRINT = 'F01C8E2463256F9B5450FDDC900CE33B8F43C98E';

/** A Premium service uploading dev-valid-client as 'partner-client', deploying api.policy.xml globally. */
const UPLOADED = {
  'certs/partner-client.without-markers.cer': fs.readFileSync(path.join(examplesDir, 'certs', 'dev-valid-client.without-markers.cer'), 'utf8'),
  'main.bicep': `${serviceBicep("'Premium'")}
resource partnerCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  parent: apim
  name: 'partner-client'
  properties: {
    data: loadTextContent('./certs/partner-client.without-markers.cer')
  }
}
${servicePolicyBicep('./api.policy.xml')}`,
};

const indexer = certificateLookupPolicy;

testRule(certificateKeyNotThumbprint, {
  valid: [
    { name: 'a thumbprint', code: indexer(`"${THUMBPRINT}"`) },
    { name: 'a thumbprint in lower case (how keys compare is not documented)', code: indexer(`"${THUMBPRINT.toLowerCase()}"`) },
    { name: 'a named value holding the thumbprint (the usual way)', code: indexer('"{{partner-client-thumbprint}}"') },
    { name: 'a template placeholder filled in before deployment', code: indexer('"${JWT_CERTIFICATE_THUMBPRINT}"') },
    { name: 'a key held in a variable: not judged', code: policy('<set-variable name="c" value="@(context.Deployment.Certificates[(string)context.Variables[&quot;thumb&quot;]])" />') },
    { name: 'the certificates iterated (Any)', code: policy('<set-variable name="ok" value="@(context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate?.Thumbprint))" />') },
  ],
  invalid: [
    {
      name: 'the id of an uploaded certificate: its thumbprint is offered',
      code: indexer('"partner-client"'),
      files: UPLOADED,
      findings: [
        {
          line: 5,
          level: 'warning',
          text: 'partner-client',
          message:
            "'partner-client' is the id of a certificate uploaded in main.bicep, but context.Deployment.Certificates is keyed by thumbprint, not by id: the indexer throws KeyNotFoundException and the gateway answers 500. " +
            `Use its thumbprint, ${THUMBPRINT}, or a {{named value}} that holds it.`,
        },
      ],
      output: indexer(`"${THUMBPRINT}"`),
    },
    {
      name: 'a name, with no Bicep: still never a key',
      code: indexer('"sf-jwt-bearer"'),
      findings: [{ line: 5, text: 'sf-jwt-bearer', message: /^'sf-jwt-bearer' is not a thumbprint, but context\.Deployment\.Certificates is keyed by the uploaded certificates’ thumbprints \(not by their ids or names\): the indexer throws/ }],
    },
    {
      name: 'ContainsKey then the indexer of the same key: one finding, on the lookup',
      code: policy(`<choose>
            <when condition="@(!context.Deployment.Certificates.ContainsKey("partner-client") || context.Request.Certificate?.Thumbprint != context.Deployment.Certificates["partner-client"].Thumbprint)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`),
      findings: [{ line: 5, text: 'partner-client', message: 'the lookup never finds it, so this check always takes the "not found" branch' }],
    },
    {
      name: 'a thumbprint written with blanks (copied from the Windows certificate dialog)',
      code: indexer('"f0 1c 8e 24 63 25 6f 9b 54 50 fd dc 90 0c e3 3b 8f 43 c9 8e"'),
      findings: [{ line: 5, message: `Write ${THUMBPRINT}.` }],
      output: indexer(`"${THUMBPRINT}"`),
    },
    {
      name: 'an xml-escaped literal: reported, not rewritten',
      code: indexer('&quot;partner-client&quot;'),
      files: UPLOADED,
      findings: [{ line: 5, text: '&quot;partner-client&quot;', message: "'partner-client' is the id of a certificate uploaded in main.bicep" }],
    },
  ],
});
