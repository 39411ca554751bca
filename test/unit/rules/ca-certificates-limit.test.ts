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
      name: 'six or six others, chosen by a condition: six are installed',
      code: serviceBicep("'Premium'", `certificates: useNew ? ${cas(6)} : ${cas(6)}`, `${HEADER}param useNew bool\n`),
    },
    {
      name: 'variables joined with concat, each guarded, ten at most',
      code: serviceBicep("'Premium'", 'certificates: concat(roots, intermediates)', `${HEADER}param useNew bool\nvar roots = useNew ? ${cas(4)} : ${cas(2)}\nvar intermediates = !empty(partnerCas) ? ${cas(6)} : []\n`),
    },
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
      name: 'variables joined with concat, eleven when both conditions hold (the model read none of them before)',
      code: serviceBicep("'Premium'", 'certificates: concat(roots, intermediates)', `${HEADER}param useNew bool\nvar roots = useNew ? ${cas(5)} : ${cas(2)}\nvar intermediates = !empty(partnerCas) ? ${cas(6)} : []\n`),
      findings: [{ line: 70, text: 'certificates', message: 'lists 11 CA certificates' }],
    },
    {
      name: 'twelve behind the tier guard',
      code: serviceBicep('apiManagementSettings.sku', `certificates: contains(classic, apiManagementSettings.sku) ? ${cas(12)} : null`, GUARD),
      files: { 'settings.bicep': SETTINGS_BICEP },
      findings: [{ line: 16, message: 'lists 12 CA certificates' }],
    },
  ],
});
