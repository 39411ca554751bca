import { testRule } from '../../rule-tester';
import { caCertificatesLimit } from '../../../server/src/rules/ca-certificates-limit';
import { avmServiceBicep, serviceBicep, settingsHeader, SETTINGS_BICEP } from './bicep-service.fixtures';

/** `n` CA certificates, each from the partner CA list parameter, as a `certificates` array. */
const cas = (n: number) =>
  `[\n${Array.from({ length: n }, (_, i) => `  {\n    encodedCertificate: partnerCas[${i}]\n    storeName: 'Root'\n  }`).join('\n')}\n]`;
const HEADER = 'param partnerCas array\n';
const GUARD = `${settingsHeader('apiManagementSettingsType')}param partnerCas array
var classic = [ 'Developer', 'Basic', 'Standard', 'Premium' ]
`;

testRule(caCertificatesLimit, {
  valid: [
    { name: 'ten CA certificates', code: serviceBicep("'Premium'", `certificates: ${cas(10)}`, HEADER) },
    { name: 'no CA certificates', code: serviceBicep("'Premium'") },
    { name: 'a list from a parameter: its length is not known', code: serviceBicep("'Premium'", 'certificates: partnerCas', HEADER) },
    {
      name: 'the Azure Verified Module: its certificates parameter is @maxLength(10), which Bicep checks itself',
      code: avmServiceBicep("'Premium'", `certificates: ${cas(11).replace(/\n/g, '\n  ')}`, HEADER),
    },
  ],
  invalid: [
    {
      name: 'eleven CA certificates',
      code: serviceBicep("'Premium'", `certificates: ${cas(11)}`, HEADER),
      findings: [
        {
          line: 12,
          level: 'error',
          text: 'certificates',
          message: /^properties\.certificates lists 11 CA certificates, but API Management installs at most 10: the deployment is over the limit\./,
        },
      ],
    },
    {
      name: 'twelve behind the tier guard',
      code: serviceBicep('apiManagementSettings.sku', `certificates: contains(classic, apiManagementSettings.sku) ? ${cas(12)} : null`, GUARD),
      files: { 'settings.bicep': SETTINGS_BICEP },
      findings: [{ line: 16, message: 'lists 12 CA certificates' }],
    },
  ],
});
