import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lintCase, testRule } from '../../rule-tester';
import { clientCertificateNotEnabled } from '../../../server/src/rules/client-certificate-not-enabled';
import { SETTINGS_BICEP, apiBicep, avmServiceBicep, policy, serviceBicep, servicePolicyBicep, settingsHeader } from './bicep-service.fixtures';

const VALIDATE = policy(`<validate-client-certificate validate-trust="false">
            <identities>
                <identity thumbprint="{{client-certificate-thumbprint}}" />
            </identities>
        </validate-client-certificate>`);

/** rawxml: raw quotes inside the attribute. */
const EXPRESSION = policy(
  `<check-header name="x" failed-check-httpcode="401" failed-check-error-message="no" />
        <choose>
            <when condition="@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != "{{client-certificate-thumbprint}}")">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`,
);

const RATE_LIMIT = policy('<rate-limit calls="10" renewal-period="60" />');

/** The API (in api.bicep, on the `existing` service) deploys `api.policy.xml`. */
function deploying(policyText: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'api.bicep': apiBicep('./api.policy.xml'), 'api.policy.xml': policyText, 'settings.bicep': SETTINGS_BICEP, ...extra };
}

const V2 = settingsHeader('apiManagementV2SettingsType');
const ANY = settingsHeader('apiManagementSettingsType');
const ENABLED = 'enableClientCertificate: true';

/** A Consumption service without `properties`, and its API policy in the same file. */
const NO_PROPERTIES = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-consumption'
  location: 'westeurope'
  sku: {
    name: 'Consumption'
    capacity: 0
  }
}

${servicePolicyBicep('./api.policy.xml')}`;

testRule(clientCertificateNotEnabled, {
  valid: [
    { name: 'v2 with enableClientCertificate: true', code: serviceBicep('apiManagementSettings.sku', ENABLED, V2), files: deploying(VALIDATE) },
    { name: 'classic tier: the certificate is negotiated', code: serviceBicep("'Developer'"), files: deploying(VALIDATE) },
    { name: 'v2 whose policies check no certificate', code: serviceBicep('apiManagementSettings.sku', '', V2), files: deploying(RATE_LIMIT) },
    { name: 'unknown SKU: nothing says the tier needs the flag', code: serviceBicep('skuName', '', 'param skuName string\n'), files: deploying(VALIDATE) },
    {
      name: 'enableClientCertificate from a parameter (true or false)',
      code: serviceBicep("'StandardV2'", 'enableClientCertificate: enableClientCertificate', 'param enableClientCertificate bool\n'),
      files: deploying(VALIDATE),
    },
    { name: "Azure Verified Module with the module's default tier (Premium)", code: avmServiceBicep(undefined), files: { 'api.policy.xml': VALIDATE } },
    {
      name: 'two .bicepparam files: false only where the tier is classic (Developer), true on StandardV2',
      code: serviceBicep('skuName', 'enableClientCertificate: enableMtls', 'param skuName string\nparam enableMtls bool = false\n'),
      files: deploying(VALIDATE, {
        'dev.bicepparam': "using './main.bicep'\nparam skuName = 'Developer'\n",
        'prod.bicepparam': "using './main.bicep'\nparam skuName = 'StandardV2'\nparam enableMtls = true\n",
      }),
    },
    { name: 'Azure Verified Module on v2 with enableClientCertificate: true', code: avmServiceBicep("'StandardV2'", ENABLED), files: { 'api.policy.xml': VALIDATE } },
  ],
  invalid: [
    {
      name: 'Azure Verified Module on a v2 tier: the enableClientCertificate parameter is added to its params',
      code: avmServiceBicep("'StandardV2'"),
      files: { 'api.policy.xml': VALIDATE },
      findings: [
        {
          line: 5,
          level: 'error',
          text: "'StandardV2'",
          message: /^enableClientCertificate is not set, but api\.policy\.xml checks client certificates .* Set enableClientCertificate: true in the module’s params\.$/,
        },
      ],
      output: avmServiceBicep("'StandardV2'").replace('  params: {\n', `  params: {\n    ${ENABLED}\n`),
    },
    {
      name: 'v2-only typed parameter, validate-client-certificate in another file: add the property',
      code: serviceBicep('apiManagementSettings.sku', '', V2),
      files: deploying(VALIDATE),
      findings: [
        {
          line: 8,
          level: 'error',
          text: 'apiManagementSettings.sku',
          message: 'enableClientCertificate is not set, but api.policy.xml checks client certificates (validate-client-certificate) and on BasicV2, StandardV2, PremiumV2 (from main.bicep, settings.bicep) the gateway only receives one',
        },
      ],
      output: serviceBicep('apiManagementSettings.sku', '', V2).replace('  properties: {\n', `  properties: {\n    ${ENABLED}\n`),
    },
    {
      name: 'any tier: a warning',
      code: serviceBicep('apiManagementSettings.sku', '', ANY),
      files: deploying(EXPRESSION),
      findings: [{ line: 8, level: 'warning', message: /context\.Request\.Certificate.*Consumption, BasicV2, StandardV2, PremiumV2 \(among the possible SKUs/ }],
    },
    {
      name: 'explicit false on a literal v2 SKU, policy in an xml-escaped file',
      code: serviceBicep("'BasicV2'", 'enableClientCertificate: false'),
      files: deploying(
        policy('<set-header name="x-thumbprint" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint ?? &quot;none&quot;)</value></set-header>'),
        { 'api.bicep': apiBicep('./api.policy.xml', "'xml'") },
      ),
      // It only forwards the thumbprint: said as read, not as a check.
      findings: [{ line: 5, level: 'error', text: "'BasicV2'", message: 'enableClientCertificate is false, but api.policy.xml reads the client certificate (context.Request.Certificate) and on BasicV2 (from main.bicep) the gateway only receives one' }],
      output: serviceBicep("'BasicV2'", ENABLED),
    },
    {
      name: "false by a parameter's default that nothing sets: a warning that says so (a deployment may pass true)",
      code: serviceBicep("'Consumption'", 'enableClientCertificate: enableMTLS', 'param enableMTLS bool = false\n'),
      files: deploying(VALIDATE),
      findings: [{ line: 6, level: 'warning', text: "'Consumption'", message: /^enableClientCertificate is false by the default of parameter enableMTLS \(unless a deployment passes true\), but api\.policy\.xml/ }],
    },
    {
      name: 'false by a .bicepparam that sets the parameter: an error again',
      code: serviceBicep("'Consumption'", 'enableClientCertificate: enableMTLS', 'param enableMTLS bool = true\n'),
      files: deploying(VALIDATE, { 'main.bicepparam': "using './main.bicep'\nparam enableMTLS = false\n" }),
      findings: [{ line: 6, level: 'error', message: /^enableClientCertificate is false, but/ }],
    },
    {
      // A sweep's repro: per environment, dev (Consumption) requests certificates and uat (StandardV2) doesn't.
      name: 'one template, two .bicepparam files: true in one, false in the other, each deployment read as a whole',
      code: serviceBicep('skuName', 'enableClientCertificate: enableMtls', 'param skuName string\nparam enableMtls bool = false\n'),
      files: deploying(VALIDATE, {
        'dev.bicepparam': "using './main.bicep'\nparam skuName = 'Consumption'\nparam enableMtls = true\n",
        'uat.bicepparam': "using './main.bicep'\nparam skuName = 'StandardV2'\n",
      }),
      findings: [{ line: 7, level: 'error', text: 'skuName', message: /^enableClientCertificate is false in some of this template's deployments, but api\.policy\.xml .* StandardV2 \(from uat\.bicepparam/ }],
    },
    {
      name: 'service policy in the same file, service without properties: add properties',
      code: NO_PROPERTIES,
      files: { 'api.policy.xml': VALIDATE },
      findings: [{ line: 5, level: 'error', text: "'Consumption'" }],
      output: NO_PROPERTIES.replace('    capacity: 0\n  }\n', `    capacity: 0\n  }\n  properties: {\n    ${ENABLED}\n  }\n`),
    },
  ],
});

/** A StandardV2 service without enableClientCertificate and `count` APIs whose policies (api0.xml…) validate certificates. */
function manyApis(count: number): { code: string; files: Record<string, string> } {
  const apis = Array.from({ length: count }, (_, i) => `  resource api${i} 'apis' = {\n    name: 'api${i}'\n    properties: { displayName: 'api${i}', path: 'api${i}' }\n    resource policy 'policies' = {\n      name: 'policy'\n      properties: { format: 'rawxml', value: loadTextContent('api${i}.xml') }\n    }\n  }`).join('\n');
  const code = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim'\n  location: 'westeurope'\n  sku: { name: 'StandardV2', capacity: 1 }\n  properties: { publisherEmail: 'a@b.c', publisherName: 'x' }\n${apis}\n}\n`;
  const files = Object.fromEntries(Array.from({ length: count }, (_, i) => [`api${i}.xml`, VALIDATE]));
  return { code, files };
}

test('three policies that check certificates are all named, not "and 1 more policies"', () => {
  const { findings } = lintCase(clientCertificateNotEnabled, { name: 'three APIs', ...manyApis(3), filename: 'main.bicep' });
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /api0\.xml, api1\.xml and api2\.xml check client certificates/);
});

test('a service with many policies that check certificates: the first five are related, the message counts them all', () => {
  const { code, files } = manyApis(7);
  const { findings } = lintCase(clientCertificateNotEnabled, { name: 'seven APIs', code, files, filename: 'main.bicep' });
  assert.equal(findings.length, 1);
  assert.match(findings[0]!.message, /api0\.xml, api1\.xml and 5 more policies check client certificates/);
  const policies = (findings[0]!.related ?? []).filter((r) => r.file.endsWith('.xml'));
  assert.equal(policies.length, 5);
});
