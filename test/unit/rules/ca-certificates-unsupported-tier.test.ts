import { testRule } from '../../rule-tester';
import { caCertificatesUnsupportedTier } from '../../../server/src/rules/ca-certificates-unsupported-tier';
import { SETTINGS_BICEP, avmServiceBicep, serviceBicep, settingsHeader } from './bicep-service.fixtures';

const ENTRY = "[\n  {\n    encodedCertificate: loadTextContent('./certs/root-ca.without-markers.cer')\n    storeName: 'Root'\n  }\n]";
const SETTINGS = { 'settings.bicep': SETTINGS_BICEP };
const ANY = settingsHeader('apiManagementSettingsType');
const V2 = settingsHeader('apiManagementV2SettingsType');

/** The blog's guard: a variable listing the tiers that hold CA certificates. */
const GUARD_VAR = `${ANY}
var skusThatSupportCACertificates = [ 'Developer', 'Basic', 'Standard', 'Premium' ]
`;

/** `sku: sku`, a parameter typed by an object type whose name is a union (as public repositories write it). */
const WHOLE_SKU = (certificates: string): string => `type skuType = {
  name: 'BasicV2' | 'Premium'
  capacity: int
}
param sku skuType
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  sku: sku
  properties: {
    ${certificates.replace(/\n/g, '\n    ')}
  }
}
`;

testRule(caCertificatesUnsupportedTier, {
  valid: [
    { name: 'classic literal SKU', code: serviceBicep("'Premium'", `certificates: ${ENTRY}`) },
    {
      name: 'the real-world guard: contains(skusThatSupportCACertificates, sku) ? [...] : null',
      code: serviceBicep('apiManagementSettings.sku', `certificates: contains(skusThatSupportCACertificates, apiManagementSettings.sku) ? ${ENTRY} : null`, GUARD_VAR),
      files: SETTINGS,
    },
    {
      name: 'guard written the other way round',
      code: serviceBicep('apiManagementSettings.sku', `certificates: !contains(skusThatSupportCACertificates, apiManagementSettings.sku) ? null : ${ENTRY}`, GUARD_VAR),
      files: SETTINGS,
    },
    { name: 'v2 without CA certificates', code: serviceBicep('apiManagementSettings.sku', '', V2), files: SETTINGS },
    { name: 'unknown SKU', code: serviceBicep('skuName', `certificates: ${ENTRY}`, 'param skuName string\n') },
    // Public repositories and exports write "none" as null or []: nothing is uploaded (a sweep found these reported).
    { name: 'certificates: null on Consumption', code: serviceBicep("'Consumption'", 'certificates: null') },
    { name: 'certificates: [] on Consumption', code: serviceBicep("'Consumption'", 'certificates: []') },
    { name: "the module's certificates: [] (its \"none\") on BasicV2", code: avmServiceBicep("'BasicV2'", 'certificates: []') },
    {
      name: 'a parameter whose default is [] and that nothing in the workspace sets',
      code: serviceBicep("'Consumption'", 'certificates: certificates', 'param certificates array = []\n'),
    },
    {
      name: 'PEM parameters defaulting to \'\', left unset by the .bicepparam: !empty(x) ? [...] : [] uploads nothing',
      code: serviceBicep("'BasicV2'", 'certificates: concat(rootCaCerts, [])', `param rootCaCert string = ''\nvar rootCaCerts = !empty(rootCaCert) ? ${ENTRY} : []\n`),
      files: { 'main.bicepparam': "using './main.bicep'\n" },
    },
  ],
  invalid: [
    {
      name: 'Azure Verified Module whose sku parameter may be v2: guarded with [] (the module takes an array)',
      code: avmServiceBicep('apiManagementSettings.sku', `certificates: ${ENTRY.replace(/\n/g, '\n  ')}`, ANY),
      files: SETTINGS,
      findings: [{ line: 9, level: 'warning', text: 'certificates', message: /^The module’s certificates parameter uploads CA certificates, but the service may be .*\? \[\.\.\.\] : \[\]\.$/ }],
      output: avmServiceBicep(
        'apiManagementSettings.sku',
        `certificates: contains(['Developer', 'Basic', 'Standard', 'Premium', 'Isolated'], apiManagementSettings.sku) ? ${ENTRY.replace(/\n/g, '\n  ')} : []`,
        ANY,
      ),
    },
    {
      name: 'v2-only typed parameter: certain, no guard could help',
      code: serviceBicep('apiManagementSettings.sku', `certificates: ${ENTRY}`, V2),
      files: SETTINGS,
      findings: [{ line: 14, level: 'error', text: 'certificates', message: 'the service may be BasicV2, StandardV2, PremiumV2 (from main.bicep, settings.bicep)' }],
    },
    {
      name: 'Consumption literal',
      code: serviceBicep("'Consumption'", `certificates: ${ENTRY}`),
      findings: [{ line: 11, level: 'error', text: 'certificates', message: /Consumption \(from main\.bicep\), which can't hold CA certificates\. Remove them/ }],
    },
    {
      name: 'any tier, unguarded: a warning, and the fix adds the guard',
      code: serviceBicep('apiManagementSettings.sku', `certificates: ${ENTRY}`, ANY),
      files: SETTINGS,
      findings: [{ line: 14, level: 'warning', message: 'Consumption, BasicV2, StandardV2, PremiumV2 (among the possible SKUs' }],
      output: serviceBicep(
        'apiManagementSettings.sku',
        `certificates: contains(['Developer', 'Basic', 'Standard', 'Premium', 'Isolated'], apiManagementSettings.sku) ? ${ENTRY} : null`,
        ANY,
      ),
    },
    {
      name: 'the SKU as a whole object (sku: sku): the guard tests sku.name',
      code: WHOLE_SKU(`certificates: ${ENTRY}`),
      findings: [{ line: 10, level: 'warning', text: 'certificates', message: 'BasicV2 (among the possible SKUs BasicV2, Premium' }],
      output: WHOLE_SKU(`certificates: contains(['Developer', 'Basic', 'Standard', 'Premium', 'Isolated'], sku.name) ? ${ENTRY} : null`),
    },
    {
      name: 'a condition that is not about the tier: uploads when a deployment passes a certificate (a warning), not a "tier guard"',
      code: serviceBicep("'BasicV2'", `certificates: !empty(rootCaCert) ? ${ENTRY} : []`, "param rootCaCert string = ''\n"),
      findings: [{ line: 12, level: 'warning', text: 'certificates', message: /^properties\.certificates may upload CA certificates, but the service may be BasicV2 \(from main\.bicep\)/ }],
    },
    {
      name: 'a caller passes certificates to a parameter whose default is []: certain again',
      code: serviceBicep("'Consumption'", 'certificates: certificates', 'param certificates array = []\n'),
      files: { 'main.bicepparam': `using './main.bicep'\nparam certificates = ${ENTRY}\n` },
      findings: [{ line: 12, level: 'error', text: 'certificates', message: /^properties\.certificates uploads CA certificates/ }],
    },
    {
      name: 'a guard that lets v2 through',
      code: serviceBicep('apiManagementSettings.sku', `certificates: apiManagementSettings.sku != 'Consumption' ? ${ENTRY} : null`, ANY),
      files: SETTINGS,
      findings: [{ line: 14, level: 'warning', text: 'certificates', message: 'its tier guard still lets them through on BasicV2, StandardV2, PremiumV2' }],
    },
  ],
});
