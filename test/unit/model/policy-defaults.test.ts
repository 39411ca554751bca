import { test } from 'node:test';
import * as path from 'node:path';
import * as assert from 'node:assert/strict';
import { abs, apimService, workspace } from './workspace-helper';
import type { PolicyResource } from '../../../server/src/model/types';
import { API_MODULE, ENV_TEMPLATE } from '../rules/bicep-service.fixtures';

// A policy written as a parameter's default (the Azure quickstarts' `param log2EHPolicyXml string = '<policies>…'`,
// then `value: log2EHPolicyXml`) or held by a variable: linted in place, as a policy written in the resource's own
// string is, whenever a deployment of the file gets that default.

const POLICY = '<policies><inbound><base /><validate-client-certificate validate-trust="true" /></inbound><backend><base /></backend><outbound><base /></outbound></policies>';

/** A template in the quickstart's shape: the service, and its global policy from `value` (`header` declares it). */
const template = (header: string, value = 'log2EHPolicyXml', sku = "'StandardV2'"): string => `@description('The policy of all APIs: each request is logged to the Event Hub')
${header}
resource apiManagementService 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-moesif'
  location: resourceGroup().location
  sku: {
    name: ${sku}
    capacity: 1
  }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'p'
  }
}
resource allApisPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apiManagementService
  name: 'policy'
  properties: {
    value: ${value}
    format: 'rawxml'
  }
}
`;

const DEFAULT = `param log2EHPolicyXml string = '${POLICY}'`;

function policies(files: Record<string, string>, file = 'main.bicep'): PolicyResource[] {
  return workspace(files).policyResourcesIn(abs(file));
}

/** Where the inline policy's text starts in the Bicep text: the `<` of the string. */
function inlineStart(p: PolicyResource | undefined): number | undefined {
  return p?.value?.inline?.offsets[0];
}

test('a parameter’s default that is a policy is linted as the policy of the resource whose value it is, in place', () => {
  const text = template(DEFAULT);
  const [policy] = policies({ 'main.bicep': text });
  assert.equal(policy?.value?.inline?.text, POLICY);
  assert.equal(inlineStart(policy), text.indexOf('<policies>'), 'its text is the default string’s, in the Bicep file');
  assert.deepEqual([...policy!.service!.skus.values], ['StandardV2']);
  assert.equal(policy!.value!.ref.span.start, text.indexOf('log2EHPolicyXml\n'), 'the value is still the reference');
  // `format: 'xml'` (the quickstart's other spelling) and a `'''…'''` string alike.
  const multiline = template(`param log2EHPolicyXml string = '''\n${POLICY}\n'''`);
  const [three] = policies({ 'main.bicep': multiline });
  assert.equal(three?.value?.inline?.text, `${POLICY}\n`);
  assert.equal(three?.value?.inline?.multiline, true);
});

test('a variable holding a policy (directly, or through another variable) is linted as that policy', () => {
  const direct = template(`var log2EHPolicyXml = '${POLICY}'`);
  assert.equal(inlineStart(policies({ 'main.bicep': direct })[0]), direct.indexOf('<policies>'));
  const through = template(`var basePolicy = '${POLICY}'\nvar log2EHPolicyXml = basePolicy`);
  assert.equal(inlineStart(policies({ 'main.bicep': through })[0]), through.indexOf('<policies>'));
  // An interpolated one keeps its holes, as written in place.
  const holes = template(`param loggerId string\nvar log2EHPolicyXml = '<policies><inbound><log-to-eventhub logger-id="\${loggerId}">x</log-to-eventhub></inbound></policies>'`);
  assert.equal(policies({ 'main.bicep': holes })[0]?.value?.inline?.holes?.length, 1);
  // Strings that are no policy stay what they were: a path is not the policy, and a URL is not linted.
  for (const value of ["'https://example.com/policy.xml'", "'not a policy'"]) {
    assert.equal(policies({ 'main.bicep': template(`var log2EHPolicyXml = ${value}`) })[0]?.value?.inline, undefined, value);
  }
});

test('a caller that passes the parameter another value replaces the default; one that leaves it out deploys it', () => {
  const module = template(DEFAULT).replace("'StandardV2'", 'skuName').replace('@description', 'param skuName string\n@description');
  const call = (name: string, params: string): string => `module ${name} './modules/apim.bicep' = {
  name: '${name}'
  params: {
    skuName: 'StandardV2'
${params}  }
}
`;
  // A .bicepparam file that sets it: the default is not deployed; the policy it writes is, there.
  const set = policies({ 'main.bicep': template(DEFAULT), 'main.bicepparam': `using './main.bicep'\nparam log2EHPolicyXml = '<policies />'\n` });
  assert.deepEqual(set.map((p) => [p.value?.inline?.file, p.value?.inline?.text]), [[abs('main.bicepparam'), '<policies />']], 'a .bicepparam sets it');
  const unset = policies({ 'main.bicep': template(DEFAULT), 'main.bicepparam': `using './main.bicep'\nparam other = 'x'\n` });
  assert.equal(unset[0]?.value?.inline?.text, POLICY, 'a .bicepparam that leaves it out');
  const json = (entry: string): string => `{\n  "contentVersion": "1.0.0.0",\n  "parameters": {\n    ${entry}\n  }\n}\n`;
  // (A string in JSON is not linted: its escapes, fixes and suppression comments are not Bicep's.)
  assert.equal(policies({ 'main.bicep': template(DEFAULT), 'main.parameters.json': json('"log2EHPolicyXml": { "value": "<policies />" }') })[0]?.value?.inline, undefined, 'a JSON parameters file sets it');
  assert.equal(policies({ 'main.bicep': template(DEFAULT), 'main.parameters.json': json('"other": { "value": "x" }') })[0]?.value?.inline?.text, POLICY, 'one that leaves it out');
  // A module call passing a file: that file is the policy, and the default is not.
  const files = { 'modules/apim.bicep': module, 'policies/log.xml': '' };
  const passed = workspace({ ...files, 'main.bicep': call('apim', "    log2EHPolicyXml: loadTextContent('policies/log.xml')\n") });
  const deployed = passed.policyResourcesIn(abs('modules/apim.bicep'));
  assert.deepEqual(deployed.map((p) => [p.value?.loadedFile?.path, p.value?.inline?.text]), [[abs('policies/log.xml'), undefined]]);
  assert.deepEqual([...passed.policyContext(abs('policies/log.xml')).skus.values], ['StandardV2']);
  // Two calls, one passing a file and one leaving it out: both are deployed by the resource.
  const both = policies({ ...files, 'main.bicep': call('a', "    log2EHPolicyXml: loadTextContent('policies/log.xml')\n") + call('b', '') }, 'modules/apim.bicep');
  assert.deepEqual(both.map((p) => [p.value?.loadedFile?.path, p.value?.inline?.text]), [[abs('policies/log.xml'), undefined], [undefined, POLICY]]);
  // A call whose params can't be read (a variable) may leave it out.
  const opaque = policies({ ...files, 'main.bicep': "var settings = {}\nmodule apim './modules/apim.bicep' = {\n  name: 'apim'\n  params: settings\n}\n" }, 'modules/apim.bicep');
  assert.equal(opaque[0]?.value?.inline?.text, POLICY);
});

test('a parameter’s default that loads a file deploys the file when a deployment keeps the default', () => {
  const text = template("param log2EHPolicyXml string = loadTextContent('policies/log.xml')");
  const model = workspace({ 'main.bicep': text, 'policies/log.xml': '' });
  const ctx = model.policyContext(abs('policies/log.xml'));
  assert.equal(ctx.deployments.length, 1);
  assert.deepEqual([...ctx.skus.values], ['StandardV2']);
  const set = workspace({ 'main.bicep': text, 'main.bicepparam': `using './main.bicep'\nparam log2EHPolicyXml = '<policies />'\n`, 'policies/log.xml': '' });
  assert.equal(set.policyContext(abs('policies/log.xml')).deployments.length, 0, 'a .bicepparam sets another value');
});

test('one string deployed by two resources is one policy: the same text object, linted with both deployments', () => {
  const text = `var sharedPolicy = '${POLICY}'
${apimService('dev', 'apim-dev', 'Developer')}
${apimService('prod', 'apim-prod', 'StandardV2')}
resource devPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: dev
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: sharedPolicy
  }
}
resource prodPolicy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: prod
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: sharedPolicy
  }
}
`;
  const [dev, prod] = policies({ 'main.bicep': text });
  assert.ok(dev?.value?.inline && prod?.value?.inline);
  assert.equal(dev.value.inline, prod.value.inline, 'one object: parsed and linted once');
  assert.deepEqual([dev.service?.skus.values, prod.service?.skus.values].map((s) => [...(s ?? [])]), [['Developer'], ['StandardV2']]);
});

// A reusable API module whose policy is a parameter (API_MODULE), and callers that pass the policy as a string.

const callApi = (symbol: string, service: string, policyXml: string): string => `module ${symbol} 'modules/api.bicep' = {
  name: '${symbol}'
  params: {
    serviceName: ${service}.name
    policyXml: ${policyXml}
  }
}
`;

test('a policy a module’s caller passes as a string is the policy of the module’s resource, written in the caller’s file', () => {
  const main = `${apimService('prod', 'apim-prod', 'StandardV2')}\nvar ordersPolicy = '''\n${POLICY}\n'''\n${callApi('v1', 'prod', `'${POLICY}'`)}${callApi('v2', 'prod', 'ordersPolicy')}${callApi('rewritten', 'prod', `replace('${POLICY}', 'true', 'false')`)}`;
  const model = workspace({ 'main.bicep': main, 'modules/api.bicep': API_MODULE });
  const deployed = model.policyResourcesIn(abs('modules/api.bicep'));
  // Each string once, in the caller's file, with its offsets there; the rewritten one is not the text deployed.
  assert.deepEqual(
    deployed.map((p) => [p.value?.inline?.file, p.value?.inline?.offsets[0]]),
    [
      [abs('main.bicep'), main.indexOf(`'${POLICY}'`) + 1],
      [abs('main.bicep'), main.indexOf(`'''\n${POLICY}`) + 4],
    ],
  );
  // The caller's file has them, with the tier of the service the calls deploy to; the module's file has none.
  const inCaller = model.inlinePoliciesIn(abs('main.bicep'));
  assert.deepEqual(inCaller.map(({ inline, context }) => [inline.text.trim(), [...context.skus.values]]), [[POLICY, ['StandardV2']], [POLICY, ['StandardV2']]]);
  assert.deepEqual(model.inlinePoliciesIn(abs('modules/api.bicep')), []);
  // Editing the module (what it does with the string) or a service re-lints the caller.
  assert.ok(model.dependents(abs('modules/api.bicep')).includes(abs('main.bicep')));
  // Through a module that passes its own parameter on: the string is still the caller's, and so are the findings.
  const wrapper = `param serviceName string\nparam policyXml string\nmodule api 'api.bicep' = {\n  name: 'api'\n  params: {\n    serviceName: serviceName\n    policyXml: policyXml\n  }\n}\n`;
  // (The service in a file of its own, named by a literal: no other way leads from the module to the caller.)
  const callers = main.slice(main.indexOf('var ordersPolicy')).replace(/modules\/api\.bicep/g, 'modules/wrapper.bicep').replace(/prod\.name/g, "'apim-prod'");
  const wrapped = workspace({ 'service.bicep': apimService('prod', 'apim-prod', 'StandardV2'), 'main.bicep': callers, 'modules/wrapper.bicep': wrapper, 'modules/api.bicep': API_MODULE });
  assert.deepEqual(wrapped.inlinePoliciesIn(abs('main.bicep')).map(({ context }) => [...context.skus.values]), [['StandardV2'], ['StandardV2']]);
  assert.ok(wrapped.dependents(abs('modules/api.bicep')).includes(abs('main.bicep')), 'editing the module two calls down re-lints the caller');
});

// One template, one parameter set per environment, each passing its own SKU and its own policy: each policy is
// deployed on its environment's SKU only (the tier-per-environment setup of docs and examples).
const envParams = (sku: string, policy: string): string => `using 'main.bicep'\nparam skuName = '${sku}'\nparam policyXml = ${policy}\n`;

test('a policy one parameter set passes is deployed on that set’s SKU only; one every set passes, on all of theirs', () => {
  const skusOf = (model: ReturnType<typeof workspace>, file: string) => [...model.policyContext(abs(file)).skus.values].sort();
  const separate = workspace({
    'main.bicep': ENV_TEMPLATE,
    'dev.bicepparam': envParams('Developer', "loadTextContent('policies/dev.xml')"),
    'prod.bicepparam': envParams('StandardV2', "loadTextContent('policies/prod.xml')"),
    'policies/dev.xml': '',
    'policies/prod.xml': '',
  });
  assert.deepEqual(skusOf(separate, 'policies/dev.xml'), ['Developer']);
  assert.deepEqual(skusOf(separate, 'policies/prod.xml'), ['StandardV2']);
  // The origins name the deployment the SKU comes from, not the others.
  assert.deepEqual(separate.policyContext(abs('policies/dev.xml')).skus.origins.map((o) => o.file), [abs('main.bicep'), abs('dev.bicepparam')]);
  // The service itself is still on both.
  assert.deepEqual([...separate.policyResourcesIn(abs('main.bicep'))[0]!.service!.skus.values].sort(), ['Developer', 'StandardV2']);
  const shared = workspace({
    'main.bicep': ENV_TEMPLATE,
    'dev.bicepparam': envParams('Developer', "loadTextContent('policies/all.xml')"),
    'prod.bicepparam': envParams('StandardV2', "loadTextContent('policies/all.xml')"),
    'policies/all.xml': '',
  });
  assert.deepEqual(skusOf(shared, 'policies/all.xml'), ['Developer', 'StandardV2']);
  // Passed by two sets of three, the third passing its own: on the two's SKUs only.
  const twoOfThree = workspace({
    'main.bicep': ENV_TEMPLATE,
    'dev.bicepparam': envParams('Developer', "loadTextContent('policies/shared.xml')"),
    'test.bicepparam': envParams('BasicV2', "loadTextContent('policies/shared.xml')"),
    'prod.bicepparam': envParams('StandardV2', "loadTextContent('policies/prod.xml')"),
    'policies/shared.xml': '',
    'policies/prod.xml': '',
  });
  assert.deepEqual(skusOf(twoOfThree, 'policies/shared.xml'), ['BasicV2', 'Developer']);
  assert.deepEqual(skusOf(twoOfThree, 'policies/prod.xml'), ['StandardV2']);
  // A string a parameter set writes, and module calls alike.
  const strings = workspace({ 'main.bicep': ENV_TEMPLATE, 'dev.bicepparam': envParams('Developer', `'${POLICY}'`), 'prod.bicepparam': envParams('StandardV2', `'${POLICY}'`) });
  assert.deepEqual(['dev', 'prod'].map((env) => strings.inlinePoliciesIn(abs(`${env}.bicepparam`)).map(({ context }) => [...context.skus.values])), [[['Developer']], [['StandardV2']]]);
  const calls = (sku: string, file: string) => `module ${sku} 'modules/env.bicep' = {\n  name: '${sku}'\n  params: {\n    skuName: '${sku}'\n    policyXml: loadTextContent('${file}')\n  }\n}\n`;
  const modules = workspace({ 'modules/env.bicep': ENV_TEMPLATE, 'main.bicep': calls('Developer', 'policies/dev.xml') + calls('PremiumV2', 'policies/prod.xml'), 'policies/dev.xml': '', 'policies/prod.xml': '' });
  assert.deepEqual([skusOf(modules, 'policies/dev.xml'), skusOf(modules, 'policies/prod.xml')], [['Developer'], ['PremiumV2']]);
});

test('a parameter’s default policy is deployed on the SKU of the one parameter set that keeps it', () => {
  const template = ENV_TEMPLATE.replace('param policyXml string', "param policyXml string = loadTextContent('policies/default.xml')");
  const skusOf = (files: Record<string, string>, file: string) => [...workspace({ 'main.bicep': template, 'policies/default.xml': '', 'policies/prod.xml': '', ...files }).policyContext(abs(file)).skus.values].sort();
  const dev = "using 'main.bicep'\nparam skuName = 'Developer'\n";
  const test = "using 'main.bicep'\nparam skuName = 'BasicV2'\n";
  const prod = envParams('StandardV2', "loadTextContent('policies/prod.xml')");
  // dev keeps the default, prod passes its own: the default is on dev's SKU, prod's policy on prod's.
  assert.deepEqual(skusOf({ 'dev.bicepparam': dev, 'prod.bicepparam': prod }, 'policies/default.xml'), ['Developer']);
  assert.deepEqual(skusOf({ 'dev.bicepparam': dev, 'prod.bicepparam': prod }, 'policies/prod.xml'), ['StandardV2']);
  // Two sets keep it: on either's SKU, not on prod's (which passes its own).
  assert.deepEqual(skusOf({ 'dev.bicepparam': dev, 'test.bicepparam': test, 'prod.bicepparam': prod }, 'policies/default.xml'), ['BasicV2', 'Developer']);
  // One of them may not make the service (`= if (createApim)` in the template, false in test): any deployment's SKU.
  const conditional = template.replace("resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {", "param createApim bool = true\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' = if (createApim) {");
  const files = { 'main.bicep': conditional, 'policies/default.xml': '', 'policies/prod.xml': '', 'dev.bicepparam': dev, 'test.bicepparam': `${test}param createApim = false\n`, 'prod.bicepparam': prod };
  assert.deepEqual([...workspace(files).policyContext(abs('policies/default.xml')).skus.values].sort(), ['BasicV2', 'Developer', 'StandardV2']);
  // Deployed as it is (no parameter set): the default, on the template's SKUs (none known here).
  assert.deepEqual(skusOf({}, 'policies/default.xml'), []);
});

test('through layers of modules (a .bicepparam → main.bicep → an API module), each policy still gets its own environment’s SKU', () => {
  const main = `param skuName string
param policyXml string
module apim 'modules/apim.bicep' = {
  name: 'apim'
  params: { skuName: skuName }
}
module api 'modules/api.bicep' = {
  name: 'api'
  params: { serviceName: apim.outputs.name, policyXml: policyXml }
}
`;
  const service = `param skuName string\n${apimService('apim', 'apim', 'x').replace("name: 'x'", 'name: skuName')}output name string = apim.name\n`;
  const model = workspace({
    'main.bicep': main,
    'modules/apim.bicep': service,
    'modules/api.bicep': API_MODULE,
    'dev.bicepparam': envParams('Developer', "loadTextContent('policies/dev.xml')"),
    'prod.bicepparam': envParams('StandardV2', "loadTextContent('policies/prod.xml')"),
    'policies/dev.xml': '',
    'policies/prod.xml': '',
  });
  const context = (env: string) => model.policyContext(abs(`policies/${env}.xml`));
  assert.deepEqual([[...context('dev').skus.values], [...context('prod').skus.values]], [['Developer'], ['StandardV2']]);
  // Where the tier came from: the link from the API module's `existing` service to its definition, then dev's SKU only.
  assert.deepEqual(
    [...(context('dev').skus.links ?? []), ...context('dev').skus.origins].map((o) => path.basename(o.file)),
    ['api.bicep', 'apim.bicep', 'dev.bicepparam', 'main.bicep'],
  );
});

test('an API module called for two services (`serviceName: internal.name`, `external.name`), each with its policy: each policy on its own service’s SKU', () => {
  const main = `${apimService('internal', 'apim-int', 'Premium')}\n${apimService('external', 'apim-ext', 'StandardV2')}
module intApi 'modules/api.bicep' = {
  name: 'int'
  params: { serviceName: internal.name, policyXml: loadTextContent('policies/int.xml') }
}
module extApi 'modules/api.bicep' = {
  name: 'ext'
  params: { serviceName: external.name, policyXml: loadTextContent('policies/ext.xml') }
}
`;
  const files = { 'main.bicep': main, 'modules/api.bicep': API_MODULE, 'policies/int.xml': '', 'policies/ext.xml': '' };
  const model = workspace(files);
  const context = (name: string) => model.policyContext(abs(`policies/${name}.xml`));
  assert.deepEqual([[...context('int').skus.values], [...context('ext').skus.values]], [['Premium'], ['StandardV2']]);
  assert.match(context('ext').skus.links?.[0]?.message ?? '', /named 'apim-ext' by the deployments that pass this policy/);
  // One policy both calls pass: on both services.
  const both = workspace({ ...files, 'main.bicep': main.replace('policies/ext.xml', 'policies/int.xml') });
  assert.deepEqual([...both.policyContext(abs('policies/int.xml')).skus.values].sort(), ['Premium', 'StandardV2']);
});

test('a text a module call passes while another call’s values can’t be read (a spread, `params: settings`) is judged on both calls’ SKUs', () => {
  // `prod` passes the same policy through `...common`: the text is not `dev`'s alone.
  const main = `var policy = '${POLICY}'
var common = {
  policyXml: policy
}
module dev 'modules/env.bicep' = {
  name: 'dev'
  params: { skuName: 'Developer', policyXml: policy }
}
module prod 'modules/env.bicep' = {
  name: 'prod'
  params: { ...common, skuName: 'StandardV2' }
}
`;
  const contexts = (text: string) => workspace({ 'modules/env.bicep': ENV_TEMPLATE, 'main.bicep': text }).inlinePoliciesIn(abs('main.bicep')).map(({ context }) => context.skus);
  const skus = (text: string) => contexts(text).map((s) => [...s.values].sort());
  assert.deepEqual(skus(main), [['Developer', 'StandardV2']]);
  // `params: union(common, …)`: prod's SKU can't be read either, so the tier is unknown besides dev's.
  const settings = contexts(main.replace("{ ...common, skuName: 'StandardV2' }", "union(common, { skuName: 'StandardV2' })"));
  assert.deepEqual(settings.map((s) => [[...s.values], s.unknown]), [[['Developer'], true]]);
  // Every call read: each text is its call's.
  assert.deepEqual(skus(main.replace('...common, ', "policyXml: 'other', ")), [['Developer']]);
});

test('a text found through one deployment while other ways are left unfollowed (the depth limit, a wide fan-out) is not that deployment’s alone', () => {
  // dev deploys the template directly; prod through a chain of wrappers deeper than the values are followed.
  const wrapper = (next: string) => `param policyXml string\nmodule next '${next}' = {\n  name: 'next'\n  params: { policyXml: policyXml }\n}\n`;
  const files: Record<string, string> = {
    'modules/env.bicep': ENV_TEMPLATE,
    'main.bicep': `var policy = '${POLICY}'
module dev 'modules/env.bicep' = {
  name: 'dev'
  params: { skuName: 'Developer', policyXml: policy }
}
module prod 'modules/w1.bicep' = {
  name: 'prod'
  params: { policyXml: policy }
}
`,
  };
  for (let i = 1; i < 8; i++) files[`modules/w${i}.bicep`] = wrapper(`w${i + 1}.bicep`);
  files['modules/w8.bicep'] = `param policyXml string\nmodule env 'env.bicep' = {\n  name: 'env'\n  params: { skuName: 'StandardV2', policyXml: policyXml }\n}\n`;
  const skus = (model: ReturnType<typeof workspace>) => model.inlinePoliciesIn(abs('main.bicep')).map(({ context }) => [...context.skus.values].sort());
  assert.deepEqual(skus(workspace(files)), [['Developer', 'StandardV2']]);
  // Eight module calls at each of six levels, the first of the last level on Developer: more ways than are followed.
  const fan: Record<string, string> = { 'main.bicep': `var policy = '${POLICY}'\n` + Array.from({ length: 8 }, (_, i) => `module m${i} 'l1.bicep' = {\n  name: 'm${i}'\n  params: { p: policy }\n}\n`).join('') };
  for (let level = 1; level < 6; level++) {
    const args = (i: number) => (level === 5 ? `skuName: '${i === 0 ? 'Developer' : 'StandardV2'}', policyXml: p` : 'p: p');
    fan[`l${level}.bicep`] = 'param p string\n' + Array.from({ length: 8 }, (_, i) => `module m${i} '${level === 5 ? 'env' : `l${level + 1}`}.bicep' = {\n  name: 'm${i}'\n  params: { ${args(i)} }\n}\n`).join('');
  }
  fan['env.bicep'] = ENV_TEMPLATE;
  assert.deepEqual(skus(workspace(fan)), [['Developer', 'StandardV2']]);
});

test('a text one parameter set passes is judged on that set’s SKU only when that deployment surely deploys the service', () => {
  // One template for the platform team (createApim) and the API teams (their policies, onto the platform's service).
  const main = (deploy: string) => `param createApim bool = false
param skuName string = 'Developer'
param policyXml string = ''
${deploy}
module api 'modules/api.bicep' = if (!createApim) {
  name: 'api'
  params: { serviceName: 'apim-shared', policyXml: policyXml }
}
`;
  const service = apimService('apim', 'apim-shared', 'x').replace("name: 'x'", 'name: skuName');
  const resource = main(service.replace("' = {", "' = if (createApim) {"));
  const module = main("module apim 'modules/apim.bicep' = if (createApim) {\n  name: 'apim'\n  params: { skuName: skuName }\n}\n");
  // The service from the registry (an Azure Verified Module) on the same condition.
  const avm = main("module apim 'br/public:avm/res/api-management/service:0.9.1' = if (createApim) {\n  name: 'apim'\n  params: { name: 'apim-shared', sku: skuName, publisherEmail: 'a@example.com', publisherName: 'Contoso' }\n}\n");
  const skus = (template: string, team: string) =>
    workspace({
      'main.bicep': template,
      // (The service defined once: in the module when main.bicep calls it.)
      ...(template.includes('modules/apim.bicep') ? { 'modules/apim.bicep': `param skuName string\n${service}` } : {}),
      'modules/api.bicep': API_MODULE,
      'platform.bicepparam': "using 'main.bicep'\nparam createApim = true\nparam skuName = 'StandardV2'\n",
      'team.bicepparam': `using 'main.bicep'\n${team}param policyXml = '${POLICY}'\n`,
    }).inlinePoliciesIn(abs('team.bicepparam')).map(({ context }) => [...context.skus.values].sort());
  // The team's deployment makes no service (its SKU, the default, is no service's): the policy is on the platform's.
  assert.deepEqual(skus(resource, ''), [['Developer', 'StandardV2']]);
  assert.deepEqual(skus(module, ''), [['Developer', 'StandardV2']]);
  assert.deepEqual(skus(avm, ''), [['Developer', 'StandardV2']]);
  // A team that sets its SKU and makes the service too: its own.
  const api = (template: string) => template.replace('if (!createApim) ', '');
  assert.deepEqual(skus(api(resource), 'param createApim = true\nparam skuName = \'Developer\'\n'), [['Developer']]);
  assert.deepEqual(skus(api(module), 'param createApim = true\nparam skuName = \'Developer\'\n'), [['Developer']]);
  assert.deepEqual(skus(api(avm), 'param createApim = true\nparam skuName = \'Developer\'\n'), [['Developer']]);
});

test('a module called in a loop over environments (`skuName: env.sku`, `policyXml: env.policy`): each policy on its own environment’s SKU', () => {
  const module = ENV_TEMPLATE.replace("name: 'apim'", 'name: apimName').replace('param skuName string', 'param skuName string\nparam apimName string');
  const main = (header: string) => `${header}
module apims 'modules/apim.bicep' = [for (env, i) in environments: {
  name: 'apim-\${env.name}'
  params: { skuName: env.sku, apimName: 'apim-\${i}', policyXml: env.policy }
}]
`;
  const items = `[
  { name: 'dev', sku: 'Developer', policy: loadTextContent('policies/dev.xml') }
  { name: 'prod', sku: 'PremiumV2', policy: loadTextContent('policies/prod.xml') }
]`;
  const files = { 'modules/apim.bicep': module, 'policies/dev.xml': '', 'policies/prod.xml': '' };
  // The array in a variable, or set by a .bicepparam file.
  for (const model of [workspace({ ...files, 'main.bicep': main(`var environments = ${items}`) }), workspace({ ...files, 'main.bicep': main('param environments array'), 'main.bicepparam': `using 'main.bicep'\nparam environments = ${items}\n` })]) {
    const skus = (file: string) => model.policyContext(abs(file)).skus;
    assert.deepEqual([[...skus('policies/dev.xml').values], skus('policies/dev.xml').unknown, [...skus('policies/prod.xml').values]], [['Developer'], false, ['PremiumV2']]);
  }
  // One policy both items hold: on both; the SKU alone, any item's (not unknown).
  const shared = workspace({ ...files, 'main.bicep': main(`var environments = ${items.replace('policies/prod.xml', 'policies/dev.xml')}`) });
  assert.deepEqual([...shared.policyContext(abs('policies/dev.xml')).skus.values].sort(), ['Developer', 'PremiumV2']);
  const service = shared.policyResourcesIn(abs('modules/apim.bicep'))[0]!.service!.skus;
  assert.deepEqual([[...service.values].sort(), service.unknown], [['Developer', 'PremiumV2'], false]);
});

test('an array of APIs each parameter set passes (`[for api in apis: … value: api.policy]`): each API’s policy on its own set’s SKU', () => {
  const template = `param skuName string
param apis array
${apimService('apim', 'apim', 'x').replace("name: 'x'", 'name: skuName')}
resource apiRes 'Microsoft.ApiManagement/service/apis@2024-05-01' = [for api in apis: {
  parent: apim
  name: api.name
  properties: { displayName: api.name, path: api.name }
}]
resource apiPolicies 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = [for (api, i) in apis: {
  parent: apiRes[i]
  name: 'policy'
  properties: { format: 'rawxml', value: api.policy }
}]
`;
  const apis = (file: string) => `[\n  { name: 'orders', policy: loadTextContent('${file}') }\n]`;
  const set = (sku: string, file: string) => `using 'main.bicep'\nparam skuName = '${sku}'\nparam apis = ${apis(file)}\n`;
  const files = { 'main.bicep': template, 'dev.bicepparam': set('Developer', 'policies/dev.xml'), 'prod.bicepparam': set('StandardV2', 'policies/prod.xml'), 'policies/dev.xml': '', 'policies/prod.xml': '' };
  const model = workspace(files);
  const skus = (m: ReturnType<typeof workspace>, file: string) => m.policyContext(abs(file)).skus;
  assert.deepEqual([[...skus(model, 'policies/dev.xml').values], [...skus(model, 'policies/prod.xml').values]], [['Developer'], ['StandardV2']]);
  // Another deployment whose values can't be read (`params: settings`) may pass the same array: any SKU then.
  const calls = `var settings = {}
module dev 'main.bicep' = {
  name: 'dev'
  params: { skuName: 'Developer', apis: ${apis('policies/dev.xml')} }
}
module other 'main.bicep' = {
  name: 'other'
  params: settings
}
`;
  const opaque = workspace({ 'main.bicep': template, 'root.bicep': calls, 'policies/dev.xml': '' });
  assert.deepEqual([skus(model, 'policies/dev.xml').unknown, skus(opaque, 'policies/dev.xml').unknown], [false, true], 'its tier may be any (the other call’s)');
  // A dictionary each set passes, looped over with items(): each value on its own set's SKU.
  const dictionary = template
    .replace('param apis array', 'param apis array\nparam policies object')
    .replace("[for (api, i) in apis: {\n  parent: apiRes[i]", '[for (p, i) in items(policies): {\n  parent: apiRes[i]')
    .replace('value: api.policy', 'value: p.value');
  const dictSet = (sku: string, file: string) => `${set(sku, file)}param policies = {\n  orders: loadTextContent('${file}')\n}\n`;
  const dict = workspace({ ...files, 'main.bicep': dictionary, 'dev.bicepparam': dictSet('Developer', 'policies/dev.xml'), 'prod.bicepparam': dictSet('StandardV2', 'policies/prod.xml') });
  assert.deepEqual([[...skus(dict, 'policies/dev.xml').values], [...skus(dict, 'policies/prod.xml').values]], [['Developer'], ['StandardV2']], 'items()');
  // An API reached by index (`apis[0].policy`, `apis[0]['policy']`), or the array's items kept in a variable: the same.
  for (const value of ['apis[0].policy', "apis[0]['policy']", 'first.policy']) {
    const main = template.replace('value: api.policy', `value: ${value}`).replace('param apis array', 'param apis array\nvar first = apis[0]');
    const indexed = workspace({ ...files, 'main.bicep': main });
    assert.deepEqual([[...skus(indexed, 'policies/dev.xml').values], [...skus(indexed, 'policies/prod.xml').values]], [['Developer'], ['StandardV2']], value);
    // With another call whose values can't be read: any SKU, as through the loop.
    const unread = workspace({ 'main.bicep': main, 'root.bicep': calls, 'policies/dev.xml': '' });
    assert.equal(skus(unread, 'policies/dev.xml').unknown, true, `${value}: its tier may be any (the other call’s)`);
  }
});
