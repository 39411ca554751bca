import { testRule } from '../../rule-tester';
import { clientCertificateHttp2NotNegotiated } from '../../../server/src/rules/client-certificate-http2-not-negotiated';
import { SETTINGS_BICEP, apiBicep, avmServiceBicep, policy, serviceBicep } from './bicep-service.fixtures';

const VALIDATE = policy(`<validate-client-certificate validate-trust="true">
            <identities>
                <identity issuer-subject="CN=Contoso Partner CA" />
            </identities>
        </validate-client-certificate>`);

const RATE_LIMIT = policy('<rate-limit calls="10" renewal-period="60" />');

/** The API (in api.bicep, on the `existing` service) deploys `api.policy.xml`. */
function deploying(policyText: string): Record<string, string> {
  return { 'api.bicep': apiBicep('./api.policy.xml'), 'api.policy.xml': policyText, 'settings.bicep': SETTINGS_BICEP };
}

/** `customProperties` turning HTTP/2 on (or to `value`) for the gateway's clients. */
const http2 = (value = "'True'") => `customProperties: {
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2': ${value}
}`;

/** `customProperties` behind a condition: HTTP/2 `on` in one branch, `other` (an object literal) in the other. */
const http2When = (condition: string, other = '{}', on = "'True'") => `customProperties: ${condition} ? {
  'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2': ${on}
} : ${other}`;

/** One gateway host name; `negotiate` is written as given (nothing when empty). */
const hostnames = (negotiate = '', more = '') => `hostnameConfigurations: [
  {
    type: 'Proxy'
    hostName: 'api.contoso.com'
    certificateSource: 'KeyVault'
    keyVaultId: 'https://contoso-kv.vault.azure.net/secrets/api-contoso-com'${negotiate ? `\n    negotiateClientCertificate: ${negotiate}` : ''}
  }${more}
]`;

const PORTAL = `
  {
    type: 'DeveloperPortal'
    hostName: 'developer.contoso.com'
    certificateSource: 'Managed'
  }`;

const NEGOTIATING_SECOND = `
  {
    type: 'Proxy'
    hostName: 'partners.contoso.com'
    certificateSource: 'Managed'
    negotiateClientCertificate: true
  }`;

testRule(clientCertificateHttp2NotNegotiated, {
  valid: [
    { name: 'HTTP/2 on, the gateway host name negotiates', code: serviceBicep("'Developer'", `${http2()}\n${hostnames('true')}`), files: deploying(VALIDATE) },
    { name: 'HTTP/2 off (the default)', code: serviceBicep("'Premium'"), files: deploying(VALIDATE) },
    { name: "HTTP/2 set to 'False'", code: serviceBicep("'Standard'", http2("'False'")), files: deploying(VALIDATE) },
    {
      name: 'a v2 tier asks for the certificate with enableClientCertificate, not per host name',
      code: serviceBicep("'StandardV2'", `enableClientCertificate: true\n${http2()}`),
      files: deploying(VALIDATE),
    },
    { name: 'no policy checks client certificates', code: serviceBicep("'Premium'", http2()), files: deploying(RATE_LIMIT) },
    { name: 'HTTP/2 from a parameter: unknown', code: serviceBicep("'Premium'", http2('http2'), 'param http2 string\n'), files: deploying(VALIDATE) },
    {
      name: 'host names from a parameter: unknown',
      code: serviceBicep("'Premium'", `${http2()}\nhostnameConfigurations: gatewayHostnames`, 'param gatewayHostnames array\n'),
      files: deploying(VALIDATE),
    },
    {
      name: 'one of two gateway host names negotiates: clients that need mutual TLS can use it',
      code: serviceBicep("'Premium'", `${http2()}\n${hostnames('', NEGOTIATING_SECOND)}`),
      files: deploying(VALIDATE),
    },
    {
      name: 'a key written with interpolation that the model can\'t read: not taken for the HTTP/2 switch',
      code: serviceBicep("'Premium'", "customProperties: {\n  '${gateway}.Protocols.Server.Http2': 'True'\n}", 'param gateway string\n'),
      files: deploying(VALIDATE),
    },
    { name: 'unknown SKU', code: serviceBicep('skuName', http2(), 'param skuName string\n'), files: deploying(VALIDATE) },
    { name: 'HTTP/2 on behind a condition that can be either: unknown', code: serviceBicep("'Premium'", http2When('enableHttp2'), 'param enableHttp2 bool\n'), files: deploying(VALIDATE) },
    { name: 'HTTP/2 on behind a condition that is false', code: serviceBicep("'Premium'", http2When('enableHttp2'), 'var enableHttp2 = false\n'), files: deploying(VALIDATE) },
  ],
  invalid: [
    {
      // The Azure Verified Module writes its keys this way (review of the Bicep parser against AVM; the key was dropped).
      name: 'HTTP/2 on under a key written with interpolation, whose value the model reads',
      code: serviceBicep("'Premium'", "customProperties: {\n  '${gateway}.Protocols.Server.Http2': 'True'\n}", "var gateway = 'Microsoft.WindowsAzure.ApiManagement.Gateway'\n"),
      files: deploying(VALIDATE),
      findings: [{ line: 13, text: "'${gateway}.Protocols.Server.Http2'" }],
    },
    {
      name: 'HTTP/2 on behind a condition that is true (a variable)',
      code: serviceBicep("'Premium'", http2When('enableHttp2'), 'var enableHttp2 = true\n'),
      files: deploying(VALIDATE),
      findings: [{ line: 13, text: "'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2'" }],
    },
    {
      name: 'HTTP/2 on in both branches of a condition that can be either',
      code: serviceBicep("'Premium'", http2When('enableHttp2', "{\n  'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2': 'true'\n}"), 'param enableHttp2 bool\n'),
      files: deploying(VALIDATE),
      findings: [{ line: 13, text: "'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2'" }],
    },
    {
      name: 'HTTP/2 on and only the default host name: the fix offered turns HTTP/2 off',
      code: serviceBicep("'Premium'", http2()),
      files: deploying(VALIDATE),
      findings: [
        {
          line: 12,
          level: 'warning',
          text: "'Microsoft.WindowsAzure.ApiManagement.Gateway.Protocols.Server.Http2'",
          message:
            /^HTTP\/2 is on for clients, but the gateway has only its default host name, which doesn’t negotiate client certificates\. On Premium \(from main\.bicep\) .* api\.policy\.xml checks it \(validate-client-certificate\)/,
        },
      ],
      output: serviceBicep("'Premium'", http2("'False'")),
    },
    {
      name: 'a custom gateway host name without negotiateClientCertificate (the developer portal does not count): the fix adds it',
      code: serviceBicep("'Developer'", `${http2("'true'")}\n${hostnames('', PORTAL)}`),
      files: deploying(VALIDATE),
      findings: [{ line: 12, level: 'warning', message: 'no gateway host name in hostnameConfigurations negotiates client certificates (api.contoso.com)' }],
      output: serviceBicep("'Developer'", `${http2("'true'")}\n${hostnames('true', PORTAL)}`),
    },
    {
      name: 'a policy that only forwards the thumbprint reads the certificate: said so, not as a failing check',
      code: serviceBicep("'Premium'", http2()),
      files: deploying(policy('<set-header name="X-Client-Thumbprint" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint ?? "")</value></set-header>')),
      findings: [{ line: 12, message: /requests over HTTP\/2 arrive without one, and api\.policy\.xml reads it \(context\.Request\.Certificate\), which finds none\./ }],
      output: serviceBicep("'Premium'", http2("'False'")),
    },
    {
      name: 'negotiateClientCertificate: false is set to true',
      code: serviceBicep("'Standard'", `${http2()}\n${hostnames('false')}`),
      files: deploying(VALIDATE),
      findings: [{ line: 12, message: 'api.contoso.com' }],
      output: serviceBicep("'Standard'", `${http2()}\n${hostnames('true')}`),
    },
    {
      name: 'a host name written on one line: no member can be added there, HTTP/2 off is still offered',
      code: serviceBicep("'Premium'", `${http2()}\nhostnameConfigurations: [\n  { type: 'Proxy', hostName: 'api.contoso.com', certificateSource: 'Managed' }\n]`),
      files: deploying(VALIDATE),
      findings: [{ line: 12, message: 'api.contoso.com' }],
      output: serviceBicep("'Premium'", `${http2("'False'")}\nhostnameConfigurations: [\n  { type: 'Proxy', hostName: 'api.contoso.com', certificateSource: 'Managed' }\n]`),
    },
    {
      name: 'Azure Verified Module: customProperties and hostnameConfigurations are module parameters',
      code: avmServiceBicep("'Premium'", `${http2()}\n${hostnames()}`),
      files: { 'api.policy.xml': VALIDATE },
      findings: [{ line: 7, message: 'api.contoso.com' }],
      output: avmServiceBicep("'Premium'", `${http2()}\n${hostnames('true')}`),
    },
  ],
});
