import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { abs, apimService, workspace } from './workspace-helper';

// The policy's value written as a choice between files: `p.?value ?? loadTextContent('…')` (an optional setting with a
// default file), `cond ? loadTextContent('a.xml') : loadTextContent('b.xml')`. Each file may be deployed, so each has
// the service's tier.

/** A template deploying a 'StandardV2' service whose global policy is `value` (`header` declares what it uses). */
const template = (header: string, value: string): string => `${header}
${apimService('apim', 'apim-x', 'StandardV2')}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: ${value}
  }
}
`;

const FILES = { 'policies/default.xml': '', 'policies/custom.xml': '', 'policies/a.xml': '', 'policies/b.xml': '', 'policies/unused.xml': '' };

/** The files deployed on the 'StandardV2' service (each with one deployment), sorted. */
function deployedFiles(files: Record<string, string>): string[] {
  const model = workspace({ ...FILES, ...files });
  return Object.keys(FILES)
    .filter((f) => {
      const ctx = model.policyContext(abs(f));
      if (ctx.deployments.length === 0) return false;
      assert.deepEqual([...ctx.skus.values], ['StandardV2'], f);
      return true;
    })
    .sort();
}

test('`x ?? loadTextContent(…)` as the value: the default file is deployed, and whatever x may be', () => {
  assert.deepEqual(deployedFiles({ 'main.bicep': template('param policyXml string?', "policyXml ?? loadTextContent('policies/default.xml')") }), ['policies/default.xml']);
  // Written as the AVM writes an optional setting, over a loop of settings objects.
  const loop = template(
    "var settings = [\n  {\n    name: 'a'\n  }\n  {\n    name: 'b'\n    value: loadTextContent('policies/custom.xml')\n  }\n]",
    "p.?value ?? loadTextContent('policies/default.xml')",
  ).replace("resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {", "resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = [for p in settings: {").replace(/\}\n$/, '}]\n');
  assert.deepEqual(deployedFiles({ 'main.bicep': loop }), ['policies/custom.xml', 'policies/default.xml']);
  // Through a variable, parenthesised, a chain of three.
  const chain = template("param first string?\nvar fallback = loadTextContent('policies/default.xml')", "(first ?? (loadTextContent('policies/custom.xml') ?? fallback))");
  assert.deepEqual(deployedFiles({ 'main.bicep': chain }), ['policies/custom.xml', 'policies/default.xml']);
  // A caller passes a file to the parameter on the left: both that file and the default.
  const module = template('param policyXml string?', "policyXml ?? loadTextContent('../policies/default.xml')");
  const caller = "module apim './modules/apim.bicep' = {\n  name: 'apim'\n  params: {\n    policyXml: loadTextContent('policies/custom.xml')\n  }\n}\n";
  assert.deepEqual(deployedFiles({ 'modules/apim.bicep': module, 'main.bicep': caller }), ['policies/custom.xml', 'policies/default.xml']);
});

test('`cond ? loadTextContent(a) : loadTextContent(b)` as the value: both files are deployed', () => {
  assert.deepEqual(deployedFiles({ 'main.bicep': template('param useV2 bool', "useV2 ? loadTextContent('policies/a.xml') : loadTextContent('policies/b.xml')") }), ['policies/a.xml', 'policies/b.xml']);
});
