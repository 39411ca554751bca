import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { abs, apimService, workspace } from './workspace-helper';

// Policies handed down a local module as an array of objects: `apis: [{ name, policies: [{ format, value }] }]`, each
// level looping over the one above. Local copies of the Azure Verified Module (its source checked in under modules/)
// write it this way; the loaded files had no deployment, so no tier.

/** The caller: the service module with the APIs and the service's own policies as arrays of objects. */
const MAIN = `module apim './modules/apim/main.bicep' = {
  name: 'apim'
  params: {
    name: 'apim-orders'
    sku: 'StandardV2'
    policies: [
      {
        format: 'rawxml'
        value: loadTextContent('policies/global.xml')
      }
    ]
    apis: [
      {
        name: 'orders'
        displayName: 'Orders'
        path: 'orders'
        policies: [
          {
            format: 'rawxml'
            value: loadTextContent('policies/orders.xml')
          }
        ]
      }
      {
        name: 'billing'
        displayName: 'Billing'
        path: 'billing'
      }
    ]
  }
}
`;

/** The service module (as the AVM's main.bicep writes it): a module per API and per service policy, over `x ?? []`. */
const SERVICE = `param name string
param sku string = 'Premium'
param policies array?
param apis array = []
resource service 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: name
  location: resourceGroup().location
  sku: {
    name: sku
    capacity: 1
  }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'p'
  }
}
module service_apis 'api/main.bicep' = [
  for (api, index) in (apis ?? []): {
    name: '\${uniqueString(deployment().name)}-Apim-Api-\${index}'
    params: {
      apiManagementServiceName: service.name
      displayName: api.displayName
      name: api.name
      path: api.path
      policies: api.?policies
    }
  }
]
module service_policies 'policy/main.bicep' = [
  for (policy, index) in (policies ?? []): {
    name: '\${uniqueString(deployment().name)}-Apim-Policy-\${index}'
    params: {
      apiManagementServiceName: service.name
      format: policy.?format ?? 'xml'
      value: policy.value
    }
  }
]
`;

const API = `param name string
param apiManagementServiceName string
param displayName string
param path string
param policies array?
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  name: name
  parent: service
  properties: {
    displayName: displayName
    path: path
    protocols: [
      'https'
    ]
  }
}
module policy 'policy/main.bicep' = [
  for (policy, index) in policies ?? []: {
    name: '\${deployment().name}-Policy-\${index}'
    params: {
      apiManagementServiceName: apiManagementServiceName
      apiName: api.name
      format: contains(policy, 'format') ? policy.format : 'xml'
      value: policy.value
    }
  }
]
`;

const API_POLICY = `param apiManagementServiceName string
param apiName string
param name string = 'policy'
param format string = 'rawxml'
param value string
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
  resource api 'apis@2024-05-01' existing = {
    name: apiName
  }
}
resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  name: name
  parent: service::api
  properties: {
    format: format
    value: value
  }
}
`;

const SERVICE_POLICY = `param apiManagementServiceName string
param format string = 'xml'
param value string
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apiManagementServiceName
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  name: 'policy'
  parent: service
  properties: {
    format: format
    value: value
  }
}
`;

const POLICY_FILES = { 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/unused.xml': '' };

test('a local copy of the Azure Verified Module: each policy file in apis[].policies[] and policies[] is deployed on the service’s tier', () => {
  const variants: Record<string, string> = {
    'as the module writes it (loops over `x ?? []`)': SERVICE,
    'the default in the argument (policies: api.?policies ?? [])': SERVICE.replace('policies: api.?policies', 'policies: api.?policies ?? []'),
  };
  for (const [name, service] of Object.entries(variants)) {
    const model = workspace({
      'main.bicep': MAIN,
      'modules/apim/main.bicep': service,
      'modules/apim/api/main.bicep': API,
      'modules/apim/api/policy/main.bicep': API_POLICY,
      'modules/apim/policy/main.bicep': SERVICE_POLICY,
      ...POLICY_FILES,
    });
    for (const [file, scope] of [['policies/orders.xml', 'api'], ['policies/global.xml', 'service']] as const) {
      const ctx = model.policyContext(abs(file));
      assert.equal(ctx.deployments.length, 1, `${name}: ${file}`);
      assert.equal(ctx.deployments[0]!.scope, scope, `${name}: ${file}`);
      assert.deepEqual([...ctx.skus.values], ['StandardV2'], `${name}: ${file}: the tier the caller passes`);
      assert.equal(ctx.skus.unknown, false, `${name}: ${file}`);
      assert.equal(ctx.deployments[0]!.value?.loadedFile?.ref.file, abs('main.bicep'), `${name}: ${file}: the call is in the caller`);
    }
    assert.equal(model.policyContext(abs('policies/unused.xml')).deployments.length, 0, name);
    // Editing the caller re-lints the files it loads (their deployment is written there).
    assert.ok(model.dependents(abs('policies/orders.xml')).includes(abs('main.bicep')), name);
  }
});

test('`x ?? {}` is what x may be: the empty fallback is no object of its own (a setting x may hold is not taken as absent)', () => {
  const service = (customProperties: string): string => `param customProperties object
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  location: 'westeurope'
  sku: {
    name: 'Developer'
    capacity: 1
  }
  properties: {
    publisherEmail: 'a@b.c'
    publisherName: 'p'
    customProperties: ${customProperties}
  }
}
`;
  const http2 = (text: string) => workspace({ 'main.bicep': text }).servicesIn(abs('main.bicep'))[0]!.clientHttp2.value;
  assert.equal(http2(service('customProperties ?? {}')), 'unknown', 'nobody passes customProperties: unknown, as without ?? {}');
  assert.equal(http2(service('customProperties')), 'unknown');
});

test('a module per API with an object parameter: [for p in api.policies] over what the caller loops over', () => {
  const caller = `var apiDefs = [
  {
    name: 'orders'
    policies: [
      {
        format: 'rawxml'
        value: loadTextContent('policies/orders.xml')
      }
    ]
  }
]
${apimService('apim', 'apim-orders', 'StandardV2')}
module apis './modules/api.bicep' = [for api in apiDefs: {
  name: 'api-\${api.name}'
  params: {
    apimName: apim.name
    api: api
  }
}]
`;
  const module = `param apimName string
param api object
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}
resource apiResource 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: service
  name: api.name
  properties: {
    displayName: api.name
    path: api.name
  }
}
resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = [for p in (api.?policies ?? []): {
  parent: apiResource
  name: 'policy'
  properties: {
    format: p.format
    value: p.value
  }
}]
`;
  const model = workspace({ 'main.bicep': caller, 'modules/api.bicep': module, ...POLICY_FILES });
  const ctx = model.policyContext(abs('policies/orders.xml'));
  assert.equal(ctx.deployments.length, 1);
  assert.equal(ctx.deployments[0]!.scope, 'api');
  assert.deepEqual([...ctx.skus.values], ['StandardV2']);
  assert.equal(model.policyContext(abs('policies/unused.xml')).deployments.length, 0);
});

/** `header`, a StandardV2 service, and a service policy looped over `iterable` (`[for (p, i) in …]`) whose value is `value`. */
function loopService(header: string, iterable: string, value: string): string {
  return `${header}
${apimService('apim', 'apim-x', 'StandardV2')}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = [for (p, i) in ${iterable}: {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: ${value}
  }
}]
`;
}

/** Which of POLICY_FILES the workspace deploys, each on StandardV2 alone. */
function deployed(files: Record<string, string>): string[] {
  const model = workspace({ ...files, ...POLICY_FILES });
  return Object.keys(POLICY_FILES).filter((f) => {
    const ctx = model.policyContext(abs(f));
    if (ctx.deployments.length === 0) return false;
    assert.deepEqual([...ctx.skus.values], ['StandardV2'], f);
    return true;
  });
}

test('arrays built with lambdas: map’s body with its parameter bound to each item, filter/sort/take/skip/union/concat/flatten passing items through', () => {
  const service = (header: string, iterable: string): string => loopService(header, iterable, 'p.value');
  const apis = `var apis = [
  {
    name: 'orders'
    policies: [
      {
        enabled: true
        value: loadTextContent('policies/orders.xml')
      }
    ]
  }
  {
    name: 'billing'
    policies: [
      {
        enabled: false
        value: loadTextContent('policies/global.xml')
      }
    ]
  }
]`;
  const both = ['policies/global.xml', 'policies/orders.xml'];
  const cases: [string, string, string[]][] = [
    ['flatten(map(…)) in a variable', `${apis}\nvar allPolicies = flatten(map(apis, api => api.policies))`, both],
    ['map with (item, index)', `${apis}\nvar allPolicies = flatten(map(apis, (api, i) => api.policies))`, both],
    ['filter (any item may pass)', `${apis}\nvar allPolicies = filter(flatten(map(apis, api => api.policies)), p => p.enabled)`, both],
    ['sort, take, skip', `${apis}\nvar allPolicies = skip(take(sort(flatten(map(apis, api => api.policies)), (a, b) => a.enabled), 5), 0)`, both],
    ['union and concat of the APIs’ policies', `${apis}\nvar allPolicies = union(apis[0].policies, concat(apis[1].policies, []))`, both],
    ['flatten of arrays written there', `var allPolicies = flatten([\n  [\n    {\n      value: loadTextContent('policies/orders.xml')\n    }\n  ]\n])`, ['policies/orders.xml']],
    ['map over range(0, n) with an object body', `param n int\nvar allPolicies = map(range(0, n), i => {\n  name: 'p\${i}'\n  value: loadTextContent('policies/global.xml')\n})`, ['policies/global.xml']],
  ];
  for (const [name, header, expected] of cases) {
    assert.deepEqual(deployed({ 'main.bicep': service(header, 'allPolicies') }), expected, name);
  }
  // Written in the loop itself, and through a module parameter the caller builds with map.
  assert.deepEqual(deployed({ 'main.bicep': service(apis, 'filter(flatten(map(apis, api => api.policies)), p => p.enabled)') }), both, 'in the loop');
  const module = service('param allPolicies array', 'allPolicies');
  const caller = `${apis}\nmodule apim 'modules/apim.bicep' = {\n  name: 'apim'\n  params: {\n    allPolicies: flatten(map(apis, api => api.policies))\n  }\n}\n`;
  const model = workspace({ 'modules/apim.bicep': module, 'main.bicep': caller, ...POLICY_FILES });
  assert.deepEqual([...model.policyContext(abs('policies/orders.xml')).skus.values], ['StandardV2'], 'through a module');
  assert.equal(model.policyContext(abs('policies/unused.xml')).deployments.length, 0);
});

test('a dictionary of APIs turned into a list with map(items(…), a => …), and a loop over the texts themselves: each policy on the service’s tier', () => {
  // `p` in `[for p in list: { … value: p }]` is each text of the list; a lambda's body is read with its parameter bound
  // to each item, also where the body is an object whose values use it (`{ policy: a.value.policy }`).
  const service = loopService;
  const defs = `var apiDefs = {
  orders: { path: 'orders', policy: loadTextContent('policies/orders.xml') }
  global: { path: 'global', policy: loadTextContent('policies/global.xml') }
}`;
  const both = ['policies/global.xml', 'policies/orders.xml'];
  const cases: [string, string, string, string, string[]][] = [
    ['the texts in an array literal', "var texts = [\n  loadTextContent('policies/orders.xml')\n]", 'texts', 'p', ['policies/orders.xml']],
    ['the texts in a variable of texts', "var one = loadTextContent('policies/global.xml')\nvar texts = [\n  one\n]", 'texts', 'p', ['policies/global.xml']],
    ['map(items(…), a => a.value.policy)', `${defs}\nvar texts = map(items(apiDefs), a => a.value.policy)`, 'texts', 'p', both],
    ['map(items(…), a => { …, policy: a.value.policy })', `${defs}\nvar apis = map(items(apiDefs), a => {\n  name: a.key\n  policy: a.value.policy\n})`, 'apis', 'p.policy', both],
    ['a nested object in the body', `${defs}\nvar apis = map(items(apiDefs), a => {\n  settings: { policy: a.value.policy }\n})`, 'apis', 'p.settings.policy', both],
    ['map over an array, the body an object', "var names = ['orders']\nvar apis = map(names, n => {\n  policy: loadTextContent('policies/orders.xml')\n})", 'apis', 'p.policy', ['policies/orders.xml']],
    ['the index of the loop is no text', "var texts = [\n  loadTextContent('policies/orders.xml')\n]", 'texts', 'i', []],
  ];
  for (const [name, header, iterable, value, expected] of cases) {
    const files = { 'main.bicep': service(header, iterable, value) };
    assert.deepEqual(deployed(files), expected, name);
  }
});
