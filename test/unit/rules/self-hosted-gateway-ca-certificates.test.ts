import { testRule } from '../../rule-tester';
import { selfHostedGatewayCaCertificates } from '../../../server/src/rules/self-hosted-gateway-ca-certificates';
import * as path from 'node:path';
import { EXISTING_SERVICE, apiBicep, policy, serviceBicep } from './bicep-service.fixtures';
import { expandSnippet, loadSnippets } from '../snippets/expand';
import { repoRoot } from '../../helpers';

/** The `apim-gateway-mtls` snippet, expanded for the fixture's service (`apim`) and API. */
const SNIPPET = expandSnippet(loadSnippets(path.join(repoRoot, 'snippets', 'bicep.code-snippets')).find((s) => s.prefix === 'apim-gateway-mtls')!.body)
  .replace(/apiManagementService/g, 'apim')
  .replace("'api-name'", "'protected-api'");

const VALIDATE_TRUST = policy(`<validate-client-certificate validate-revocation="false">
            <identities>
                <identity issuer-subject="CN=Contoso Partner CA" />
            </identities>
        </validate-client-certificate>`);

const PINNED = policy(`<validate-client-certificate validate-trust="false">
            <identities>
                <identity thumbprint="F01C8E2463256F9B5450FDDC900CE33B8F43C98E" />
            </identities>
        </validate-client-certificate>`);

const CA = "certificates: [\n  {\n    encodedCertificate: partnerCa\n    storeName: 'Root'\n  }\n]";
const SERVICE = serviceBicep("'Premium'", CA, 'param partnerCa string\n');

/** A self-hosted gateway of `apim` serving `api` (none when empty), with `extra` children. */
const gateway = (api = 'protected-api', extra = '') => `
resource onPrem 'Microsoft.ApiManagement/service/gateways@2024-05-01' = {
  parent: apim
  name: 'on-prem'
  properties: {
    locationData: {
      name: 'Contoso data centre'
    }
  }
${api ? `\n  resource servedApi 'apis' = {\n    name: '${api}'\n  }\n` : ''}${extra}}
`;

const AUTHORITY = `
  resource partnerAuthority 'certificateAuthorities' = {
    name: 'partner-ca'
    properties: {
      isTrusted: true
    }
  }
`;

/** The API (in api.bicep, on the `existing` service) deploys `api.policy.xml` as its operation's policy. */
const deploying = (policyText: string) => ({ 'api.bicep': apiBicep('./api.policy.xml'), 'api.policy.xml': policyText });

/** The gateway and its API assignment declared by name paths ('service/gateway', 'service/gateway/api'), as ARM exports them. */
const gatewayByNamePath = (api = 'protected-api', authority = false) => `
resource onPrem 'Microsoft.ApiManagement/service/gateways@2024-05-01' = {
  name: '\${apim.name}/on-prem'
  properties: {
    locationData: {
      name: 'Contoso data centre'
    }
  }
}

resource servedApi 'Microsoft.ApiManagement/service/gateways/apis@2024-05-01' = {
  name: '\${apim.name}/on-prem/${api}'
  dependsOn: [ onPrem ]
}
${authority ? `
resource partnerAuthority 'Microsoft.ApiManagement/service/gateways/certificateAuthorities@2024-05-01' = {
  name: 'apim-mtls-demo/on-prem/partner-ca'
  properties: {
    isTrusted: true
  }
  dependsOn: [ onPrem ]
}
` : ''}`;

const GLOBAL_VERIFY = `
resource globalPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: loadTextContent('./global.xml')
  }
}
`;
const VERIFY = policy(`<choose>
            <when condition="@(context.Request.Certificate == null || !context.Request.Certificate.VerifyNoRevocation())">
                <return-response><set-status code="401" /></return-response>
            </when>
        </choose>`);

testRule(selfHostedGatewayCaCertificates, {
  valid: [
    { name: 'the gateway has a certificate authority', code: SERVICE + gateway('protected-api', AUTHORITY), files: deploying(VALIDATE_TRUST) },
    { name: 'the apim-gateway-mtls snippet: a gateway that trusts the CA', code: `${SERVICE}\n${SNIPPET}\n`, files: deploying(VALIDATE_TRUST) },
    { name: 'the gateway serves another API', code: SERVICE + gateway('other-api'), files: deploying(VALIDATE_TRUST) },
    { name: 'the policy pins by thumbprint without validating the chain', code: SERVICE + gateway(), files: deploying(PINNED) },
    { name: 'no CA certificates uploaded to the service', code: serviceBicep("'Premium'") + gateway(), files: deploying(VALIDATE_TRUST) },
    { name: 'the gateway serves no API', code: SERVICE + gateway(''), files: deploying(VALIDATE_TRUST) },
    { name: 'name paths: the gateway has a certificate authority', code: SERVICE + gatewayByNamePath('protected-api', true), files: deploying(VALIDATE_TRUST) },
    { name: 'name paths: the gateway serves another API', code: SERVICE + gatewayByNamePath('other-api'), files: deploying(VALIDATE_TRUST) },
  ],
  invalid: [
    {
      name: 'an API whose operation policy validates the chain (validate-trust omitted: true)',
      code: SERVICE + gateway(),
      files: deploying(VALIDATE_TRUST),
      findings: [
        {
          line: 21,
          level: 'warning',
          text: 'onPrem',
          message:
            /^Self-hosted gateway 'on-prem' serves protected-api, whose policies validate the client certificate chain \(api\.policy\.xml: validate-client-certificate with validate-trust\), but it has no certificate authorities/,
        },
      ],
    },
    {
      name: 'a service-level policy that calls VerifyNoRevocation() applies on every API',
      code: SERVICE + GLOBAL_VERIFY + gateway('orders'),
      files: { 'global.xml': VERIFY },
      findings: [{ line: 30, message: '(global.xml: VerifyNoRevocation())' }],
    },
    {
      name: 'the gateway declared in another file, on the existing service',
      code: EXISTING_SERVICE + gateway(),
      files: { 'service.bicep': SERVICE, ...deploying(VALIDATE_TRUST) },
      findings: [{ line: 7, text: 'onPrem' }],
    },
    {
      name: "name paths: the gateway and its API assignment named 'service/gateway/api'",
      code: SERVICE + gatewayByNamePath(),
      files: deploying(VALIDATE_TRUST),
      findings: [{ line: 21, text: 'onPrem', message: /^Self-hosted gateway 'on-prem' serves protected-api, / }],
    },
  ],
});
