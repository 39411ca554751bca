import { testRule } from '../../rule-tester';
import { policyValueNotLoaded } from '../../../server/src/rules/policy-value-not-loaded';
import { API_MODULE, apiBicep, policy, serviceBicep } from './bicep-service.fixtures';

/** `api.bicep` whose operation policy value (line 28) is `value`. */
function api(value: string): string {
  return apiBicep('./policies/api.policy.xml').replace("loadTextContent('./policies/api.policy.xml')", value);
}

/** `main.bicep` calling `API_MODULE` with `policyXml: value` (line 4). */
const CALLER = (value: string) => `module orders 'modules/api.bicep' = {
  name: 'orders'
  params: {
    policyXml: ${value}
    serviceName: 'apim'
  }
}
`;

const FILES = { 'main.bicep': serviceBicep("'StandardV2'"), 'policies/api.policy.xml': policy('<rate-limit calls="10" renewal-period="60" />') };

testRule(policyValueNotLoaded, {
  valid: [
    { name: 'loadTextContent', code: api("loadTextContent('./policies/api.policy.xml')"), filename: 'api.bicep', files: FILES },
    { name: 'inline XML', code: api("'<policies><inbound><base /></inbound></policies>'"), filename: 'api.bicep', files: FILES },
    { name: 'a parameter', code: `param policyXml string\n${api('policyXml')}`, filename: 'api.bicep', files: FILES },
    {
      // Microsoft's Bicep reference sample: a URL is what the -link formats take (its fix made loadTextContent('https://…')).
      name: "an https URL ending in .xml with format 'rawxml-link'",
      code: api("'https://example.blob.core.windows.net/policies/global.xml'").replace("format: 'rawxml'", "format: 'rawxml-link'"),
      filename: 'api.bicep',
      files: FILES,
    },
  ],
  invalid: [
    {
      name: 'a relative path to a workspace policy',
      code: api("'./policies/api.policy.xml'"),
      filename: 'api.bicep',
      files: FILES,
      findings: [{ line: 28, level: 'error', text: "'./policies/api.policy.xml'", message: "value is the path './policies/api.policy.xml', not the policy" }],
      output: api("loadTextContent('./policies/api.policy.xml')"),
    },
    {
      name: "a path with format 'xml-link': APIM would fetch it as a URL; the fix loads the file and drops -link",
      code: api("'./policies/api.policy.xml'").replace("format: 'rawxml'", "format: 'xml-link'"),
      filename: 'api.bicep',
      files: FILES,
      findings: [{ line: 28, level: 'error', text: "'./policies/api.policy.xml'", message: "and format 'xml-link' makes APIM fetch it as a URL" }],
      output: api("loadTextContent('./policies/api.policy.xml')").replace("format: 'rawxml'", "format: 'xml'"),
    },
    {
      // The fix is offered, but not applied by --fix: the variable may be read for something else too.
      name: 'a path held by a variable: reported where it is written',
      code: `var policyPath = './policies/api.policy.xml'\n${api('policyPath')}`,
      filename: 'api.bicep',
      files: FILES,
      findings: [{ line: 1, level: 'error', text: "'./policies/api.policy.xml'", message: "'./policies/api.policy.xml' is deployed as a policy's value, not the policy" }],
      output: `var policyPath = loadTextContent('./policies/api.policy.xml')\n${api('policyPath')}`,
    },
    {
      name: 'a path a module caller passes as the policy: reported in the caller',
      code: CALLER("'./policies/api.policy.xml'"),
      filename: 'main.bicep',
      files: { 'modules/api.bicep': API_MODULE, 'policies/api.policy.xml': FILES['policies/api.policy.xml'] },
      findings: [{ line: 4, text: "'./policies/api.policy.xml'", message: "is deployed as a policy's value" }],
      output: CALLER("loadTextContent('./policies/api.policy.xml')"),
    },
    {
      name: 'a path in a variable two policies deploy: one finding',
      code: `var policyPath = 'policy.xml'\n${API_MODULE.replace('param policyXml string\n', '').replace('value: policyXml', 'value: policyPath')}resource orders 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: { format: 'rawxml', value: policyPath }
}
`,
      filename: 'api.bicep',
      findings: [{ line: 1, text: "'policy.xml'" }],
    },
    {
      name: 'a bare file name ending in .xml',
      code: api("'policy.xml'"),
      filename: 'api.bicep',
      findings: [{ line: 28, text: "'policy.xml'" }],
      output: api("loadTextContent('policy.xml')"),
    },
  ],
});
