import { testRule } from '../../rule-tester';
import { consumptionClientCertificateRequired } from '../../../server/src/rules/consumption-client-certificate-required';
import { SETTINGS_BICEP, serviceBicep, settingsHeader } from './bicep-service.fixtures';

const ENABLED = 'enableClientCertificate: true';
const SETTINGS = { 'settings.bicep': SETTINGS_BICEP };

testRule(consumptionClientCertificateRequired, {
  valid: [
    { name: 'v2 only', code: serviceBicep('apiManagementSettings.sku', ENABLED, settingsHeader('apiManagementV2SettingsType')), files: SETTINGS },
    { name: 'Consumption without the flag', code: serviceBicep("'Consumption'") },
    { name: 'Consumption with the flag off', code: serviceBicep("'Consumption'", 'enableClientCertificate: false') },
    { name: 'unknown SKU', code: serviceBicep('skuName', ENABLED, 'param skuName string\n') },
    {
      name: 'any tier from the typed parameter: Consumption only possible',
      code: serviceBicep('apiManagementSettings.sku', ENABLED, settingsHeader('apiManagementSettingsType')),
      files: SETTINGS,
    },
  ],
  invalid: [
    {
      name: 'Consumption literal',
      code: serviceBicep("'Consumption'", ENABLED),
      findings: [{ line: 11, level: 'info', text: 'enableClientCertificate', message: 'On Consumption (from main.bicep), enableClientCertificate: true makes the gateway require a client certificate on every request' }],
    },
  ],
});
