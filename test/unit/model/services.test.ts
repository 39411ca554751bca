import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFixture } from '../../helpers';
import { abs, serviceTemplate, workspace } from './workspace-helper';
import { UNKNOWN_SKUS } from '../../../server/src/model/sku';

function apimWorkspace() {
  return workspace({
    'shared/settings.bicep': readFixture('bicep', 'settings.bicep'),
    'platform/apim.bicep': readFixture('bicep', 'apim-module.bicep').replace("'./settings.bicep'", "'../shared/settings.bicep'"),
    'app/api.bicep': [
      'param apiManagementServiceName string',
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
      '  name: apiManagementServiceName',
      '}',
      "resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {",
      "  name: 'protected'",
      '  parent: apim',
      "  resource op 'operations' = {",
      "    name: 'get'",
      "    resource policy 'policies' = {",
      "      name: 'policy'",
      '      properties: {',
      "        format: 'rawxml'",
      "        value: loadTextContent('./get.operation.xml')",
      '      }',
      '    }',
      '  }',
      '}',
      "resource cert 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {",
      "  name: 'client'",
      '  parent: apim',
      "  properties: { data: loadTextContent('../certs/client.without-markers.cer') }",
      '}',
    ].join('\n'),
    'app/get.operation.xml': '',
  });
}

test('tier-guarded certificates are present only for the classic SKUs', () => {
  const model = apimWorkspace();
  const [service] = model.servicesIn(abs('platform/apim.bicep'));
  const ca = service?.caCertificates;
  assert.ok(ca);
  assert.equal(ca.presentFor, 'guarded');
  assert.deepEqual([...ca.skusWhenPresent.values].sort(), ['Basic', 'Developer', 'Premium', 'Standard']);
  assert.equal(ca.skusWhenPresent.unknown, false);
  assert.equal(ca.entries.length, 2);
  assert.deepEqual(ca.entries.map((e) => e.storeName?.value), ['Root', 'CertificateAuthority']);
  assert.equal(ca.entries[0]!.data?.loadedFile?.path, abs('certs/root-ca.without-markers.cer'));
  assert.equal(ca.entries[0]!.data?.transformed, false);
  assert.equal(ca.entries[1]!.data?.transformed, true);
  assert.equal(service?.enableClientCertificate.value, true);
});

test('an existing service in another file resolves to the only defining service', () => {
  const model = apimWorkspace();
  const [existing] = model.servicesIn(abs('app/api.bicep'));
  assert.ok(existing?.existing);
  assert.equal(existing.definition?.ref.file, abs('platform/apim.bicep'));
  assert.equal(existing.skus.values.size, 8);
});

test('policy linked by loadTextContent from a nested operation policy, with the SKUs of its service', () => {
  const model = apimWorkspace();
  const [policy] = model.policyResourcesIn(abs('app/api.bicep'));
  assert.ok(policy);
  assert.equal(policy.scope, 'operation');
  assert.equal(policy.format?.value, 'rawxml');
  assert.equal(policy.value?.loadedFile?.path, abs('app/get.operation.xml'));
  assert.equal(policy.value?.loadedFile?.exists, true);
  const ctx = model.policyContext(abs('app/get.operation.xml'));
  assert.equal(ctx.deployments.length, 1);
  assert.equal(ctx.skus.values.size, 8);
  assert.ok(ctx.skus.origins.some((o) => o.message === 'SKU from the union type apimSkuType'));
});

test('a policy file whose text a string function rewrites (replace(loadTextContent(…), …)) is still deployed there', () => {
  const apim = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'");
  const wrapped = (value: string) => workspace({ 'main.bicep': apim.replace("loadTextContent('policies/global.xml')", value), 'policies/global.xml': '' });
  for (const value of ["replace(loadTextContent('policies/global.xml'), '__BACKEND__', 'https://backend')", "format(loadTextContent('policies/global.xml'), 'x')", "replace(replace(loadTextContent('policies/global.xml'), 'a', 'b'), 'c', 'd')"]) {
    const model = wrapped(value);
    const ctx = model.policyContext(abs('policies/global.xml'));
    assert.equal(ctx.deployments.length, 1, value);
    assert.deepEqual([...ctx.skus.values], ['StandardV2']);
    assert.equal(ctx.deployments[0]!.value?.loadedFile?.transformed, true);
  }
  const plain = wrapped("loadTextContent('policies/global.xml')").policyContext(abs('policies/global.xml'));
  assert.equal(plain.deployments[0]!.value?.loadedFile?.transformed, undefined);
  assert.equal(wrapped("replace('./policies/global.xml', 'a', 'b')").policyContext(abs('policies/global.xml')).deployments.length, 0);
});

test('a policy passed to a module parameter (value: policyXml) is deployed where the module puts it', () => {
  const api = (caller: string) => `param apimName string
param policyXml string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: policyXml
  }
}
${caller}`;
  const service = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'").replace("name: 'apim-x'", "name: 'apim-orders'");
  const call = (name: string, value: string) => `module ${name} './modules/api.bicep' = {
  name: '${name}'
  params: {
    apimName: 'apim-orders'
    policyXml: ${value}
  }
}
`;
  const model = (calls: string) => workspace({ 'main.bicep': service + calls, 'modules/api.bicep': api(''), 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/other.xml': '' });
  const one = model(call('orders', "loadTextContent('policies/orders.xml')")).policyContext(abs('policies/orders.xml'));
  assert.equal(one.deployments.length, 1);
  assert.deepEqual([...one.skus.values], ['StandardV2']);
  assert.equal(one.deployments[0]!.value?.loadedFile?.ref.file, abs('main.bicep'), 'the call is in the caller');
  const wrapped = model(call('orders', "replace(loadTextContent('policies/orders.xml'), '__X__', 'y')")).policyContext(abs('policies/orders.xml'));
  assert.equal(wrapped.deployments[0]?.value?.loadedFile?.transformed, true);
  const same = model(call('a', "loadTextContent('policies/orders.xml')") + call('b', "loadTextContent('policies/orders.xml')"));
  assert.equal(same.policyContext(abs('policies/orders.xml')).deployments.length, 1);
  const viaVariable = model(`var ordersPolicy = replace(loadTextContent('policies/orders.xml'), 'a', 'b')\n${call('orders', 'ordersPolicy')}`);
  assert.equal(viaVariable.policyContext(abs('policies/orders.xml')).deployments[0]?.value?.loadedFile?.transformed, true, 'through a variable');
  // A reusable API module: each caller's file is deployed by the same resource, to the service the module puts it on.
  const different = model(call('a', "loadTextContent('policies/orders.xml')") + call('b', "loadTextContent('policies/other.xml')"));
  for (const file of ['policies/orders.xml', 'policies/other.xml']) {
    const ctx = different.policyContext(abs(file));
    assert.equal(ctx.deployments.length, 1, file);
    assert.deepEqual([...ctx.skus.values], ['StandardV2'], file);
    assert.equal(ctx.deployments[0]!.ref.file, abs('modules/api.bicep'));
  }
  assert.deepEqual(
    different.policyResourcesIn(abs('modules/api.bicep')).map((p) => p.value?.loadedFile?.path),
    [abs('policies/orders.xml'), abs('policies/other.xml')],
    'one resource, one entry per file it deploys',
  );
  assert.deepEqual(different.dependents(abs('modules/api.bicep')).filter((f) => f.endsWith('.xml')).sort(), [abs('policies/orders.xml'), abs('policies/other.xml')]);
  // A caller passing something else (an inline policy) adds nothing, and takes nothing from the others.
  const mixed = model(call('a', "loadTextContent('policies/orders.xml')") + call('b', "'<policies />'"));
  assert.equal(mixed.policyContext(abs('policies/orders.xml')).deployments.length, 1);
});

test('a module looping over an array parameter deploys the policy file each item carries (parent: apis[i])', () => {
  const apis = `param apimName string
param apis array
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = [for a in apis: {
  parent: apim
  name: a.name
  properties: {
    displayName: a.name
    path: a.name
  }
}]
resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = [for (a, i) in apis: {
  parent: api[i]
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: a.policy
  }
}]
`;
  const service = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'").replace("name: 'apim-x'", "name: 'apim-orders'");
  const call = `var apiList = [
  {
    name: 'orders'
    policy: loadTextContent('policies/orders.xml')
  }
]
module apis './modules/apis.bicep' = {
  name: 'apis'
  params: {
    apimName: 'apim-orders'
    apis: concat(apiList, [])
  }
}
module more './modules/apis.bicep' = {
  name: 'more'
  params: {
    apimName: 'apim-orders'
    apis: [
      {
        name: 'payments'
        policy: replace(loadTextContent('policies/other.xml'), '__X__', 'y')
      }
    ]
  }
}
`;
  const model = workspace({ 'main.bicep': service + call.replace('concat(apiList, [])', 'apiList'), 'modules/apis.bicep': apis, 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/other.xml': '' });
  for (const file of ['policies/orders.xml', 'policies/other.xml']) {
    const ctx = model.policyContext(abs(file));
    assert.equal(ctx.deployments.length, 1, file);
    assert.equal(ctx.deployments[0]!.scope, 'api', file);
    assert.deepEqual([...ctx.skus.values], ['StandardV2'], `${file}: the service through parent: api[i]`);
  }
  assert.equal(model.policyContext(abs('policies/other.xml')).deployments[0]!.value?.loadedFile?.transformed, true);
  // concat passes its arguments' items through.
  const joined = workspace({ 'main.bicep': service + call, 'modules/apis.bicep': apis, 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/other.xml': '' });
  assert.equal(joined.policyContext(abs('policies/orders.xml')).deployments.length, 1);
  // An array the model can't read (a function's result) deploys nothing it can see.
  const opaque = workspace({ 'main.bicep': service + call.replace('concat(apiList, [])', 'json(string(apiList))'), 'modules/apis.bicep': apis, 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/other.xml': '' });
  assert.equal(opaque.policyContext(abs('policies/orders.xml')).deployments.length, 0);
  assert.equal(opaque.policyContext(abs('policies/other.xml')).deployments.length, 1);
});

test('a module called in a loop deploys the policy each item carries: a string parameter, an object parameter, a nested property', () => {
  // Azure-Samples/Apim-Samples calls its API module in a loop over the APIs; a product loop writes product.policy.value.
  const module = (param: string, value: string): string => `param apimName string
param ${param}
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'api-\${uniqueString(deployment().name)}'
  properties: {
    displayName: 'x'
    path: 'x'
  }
}
resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: ${value}
  }
}
`;
  const items = (policy: (file: string) => string): string => `var apiDefs = [
  {
    name: 'orders'
    policy: ${policy('policies/orders.xml')}
  }
  {
    name: 'billing'
    policy: ${policy('policies/billing.xml')}
  }
]
`;
  const service = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'").replace("name: 'apim-x'", "name: 'apim-orders'");
  const loop = (args: string): string => `module apis './modules/api.bicep' = [for a in apiDefs: {
  name: 'api-\${a.name}'
  params: {
    apimName: 'apim-orders'
    ${args}
  }
}]
`;
  const load = (file: string): string => `loadTextContent('${file}')`;
  const cases: [string, Record<string, string>][] = [
    ['a string parameter (policyXml: a.policy)', { 'main.bicep': service + items(load) + loop('policyXml: a.policy'), 'modules/api.bicep': module('policyXml string', 'policyXml') }],
    ['an object parameter (api: a, value: api.policy)', { 'main.bicep': service + items(load) + loop('api: a'), 'modules/api.bicep': module('api object', 'api.policy') }],
    [
      'a nested property (policy: { value: … }, value: api.policy.value)',
      { 'main.bicep': service + items((f) => `{
      format: 'rawxml'
      value: ${load(f)}
    }`) + loop('api: a'), 'modules/api.bicep': module('api object', 'api.policy.value') },
    ],
  ];
  for (const [name, files] of cases) {
    const model = workspace({ ...files, 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/billing.xml': '' });
    for (const file of ['policies/orders.xml', 'policies/billing.xml']) {
      const ctx = model.policyContext(abs(file));
      assert.equal(ctx.deployments.length, 1, `${name}: ${file}`);
      assert.equal(ctx.deployments[0]!.scope, 'api', `${name}: ${file}`);
      assert.deepEqual([...ctx.skus.values], ['StandardV2'], `${name}: ${file}`);
    }
  }
  // Outside the loop, `a` is nobody: a module called once with `policyXml: a.policy` deploys nothing the model sees.
  const once = workspace({
    'main.bicep': service + items(load) + loop('policyXml: a.policy').replace('[for a in apiDefs: {', '{').replace('}]\n', '}\n'),
    'modules/api.bicep': module('policyXml string', 'policyXml'),
    'policies/global.xml': '',
    'policies/orders.xml': '',
    'policies/billing.xml': '',
  });
  assert.equal(once.policyContext(abs('policies/orders.xml')).deployments.length, 0);
});

test('a policy looked up in a map (value: policies[name], or p.value over items(policies)) is any file the map holds', () => {
  const service = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'");
  const map = `var policies = {
  orders: loadTextContent('policies/orders.xml')
  billing: replace(loadTextContent('policies/billing.xml'), '__X__', 'y')
  other: 'not a file'
}
`;
  const api = (loop: string, value: string): string => `resource apis 'Microsoft.ApiManagement/service/apis@2024-05-01' = [${loop}: {
  parent: apim
  name: 'api\${i}'
  properties: {
    displayName: 'api'
    path: 'api\${i}'
  }
}]
resource pols 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = [${loop}: {
  parent: apis[i]
  name: 'policy'
  properties: {
    format: 'rawxml'
    value: ${value}
  }
}]
`;
  const files = { 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/billing.xml': '', 'policies/unused.xml': '' };
  const cases: Record<string, string> = {
    'policies[name] over the names': "var names = ['orders', 'billing']\n" + api('for (n, i) in names', 'policies[n]'),
    'p.value over items(policies)': api('for (p, i) in items(policies)', 'p.value'),
  };
  for (const [name, resources] of Object.entries(cases)) {
    const model = workspace({ 'main.bicep': service + map + resources, ...files });
    for (const file of ['policies/orders.xml', 'policies/billing.xml']) {
      const ctx = model.policyContext(abs(file));
      assert.equal(ctx.deployments.length, 1, `${name}: ${file}`);
      assert.equal(ctx.deployments[0]!.scope, 'api', `${name}: ${file}`);
      assert.deepEqual([...ctx.skus.values], ['StandardV2'], `${name}: ${file}`);
    }
    assert.equal(model.policyContext(abs('policies/billing.xml')).deployments[0]!.value?.loadedFile?.transformed, true, name);
    assert.equal(model.policyContext(abs('policies/unused.xml')).deployments.length, 0, name);
  }
  // A literal key picks that entry only; a key of p (not p.value) deploys nothing.
  const one = workspace({ 'main.bicep': service + map + api('for (n, i) in [1]', "policies['orders']"), ...files });
  assert.equal(one.policyContext(abs('policies/orders.xml')).deployments.length, 1);
  assert.equal(one.policyContext(abs('policies/billing.xml')).deployments.length, 0);
  const key = workspace({ 'main.bicep': service + map + api('for (p, i) in items(policies)', 'p.key'), ...files });
  assert.equal(key.policyContext(abs('policies/orders.xml')).deployments.length, 0);
  // An array of files indexed by the loop's index.
  const list = workspace({ 'main.bicep': service + "var xs = [\n  loadTextContent('policies/orders.xml')\n]\n" + api('for (n, i) in [1]', 'xs[i]'), ...files });
  assert.equal(list.policyContext(abs('policies/orders.xml')).deployments.length, 1);
});

test('policies and settings in variables another file exports (import { v } from, import * as x from) are read there', () => {
  // A public repository (policy fragments in an exported array of variables): their files had no deployment.
  const store = `var validateCert = {
  name: 'validate-cert'
  value: loadTextContent('fragments/validate-cert.xml')
}
@export()
var fragments = [
  validateCert
]
@export()
var settings = {
  sku: 'BasicV2'
}
`;
  const main = (imports: string, fragments: string, sku: string): string => `${imports}
resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  sku: { name: ${sku}, capacity: 1 }
  properties: {}
}
resource frags 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = [for fragment in ${fragments}: {
  parent: apim
  name: fragment.name
  properties: { value: fragment.value }
}]
`;
  for (const [name, text] of [
    ['named', main("import { fragments, settings } from 'shared/store.bicep'", 'fragments', 'settings.sku')],
    ['wildcard', main("import * as store from 'shared/store.bicep'", 'store.fragments', 'store.settings.sku')],
  ] as const) {
    const model = workspace({ 'main.bicep': text, 'shared/store.bicep': store, 'shared/fragments/validate-cert.xml': '' });
    const ctx = model.policyContext(abs('shared/fragments/validate-cert.xml'));
    assert.equal(ctx.deployments.length, 1, `${name}: the fragment's file, relative to the file that declares it`);
    assert.equal(ctx.deployments[0]!.scope, 'fragment', name);
    assert.deepEqual([...ctx.skus.values], ['BasicV2'], `${name}: the SKU from the imported object`);
    assert.ok(model.dependents(abs('shared/store.bicep')).includes(abs('shared/fragments/validate-cert.xml')), `${name}: editing the exporting file re-lints it`);
  }
});

test('a policy taken from an object parameter (value: settings.api.policy) is the file its caller puts there', () => {
  const api = `param settings object
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: settings.apimName
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    value: settings.api.policy
  }
}
`;
  const service = serviceTemplate('policies/global.xml', "param skuName string = 'StandardV2'").replace("name: 'apim-x'", "name: 'apim-orders'");
  const call = `var ordersApi = {
  policy: loadTextContent('policies/orders.xml')
}
module api './modules/api.bicep' = {
  name: 'api'
  params: {
    settings: {
      apimName: 'apim-orders'
      api: ordersApi
    }
  }
}
`;
  const model = workspace({ 'main.bicep': service + call, 'modules/api.bicep': api, 'policies/global.xml': '', 'policies/orders.xml': '' });
  const ctx = model.policyContext(abs('policies/orders.xml'));
  assert.equal(ctx.deployments.length, 1);
  assert.deepEqual([...ctx.skus.values], ['StandardV2']);
});

test('client certificates and CA entries per file', () => {
  const model = apimWorkspace();
  const [client] = model.certificateEntriesIn(abs('app/api.bicep'));
  assert.equal(client?.kind, 'client');
  assert.equal(client?.data?.loadedFile?.path, abs('certs/client.without-markers.cer'));
  assert.equal(model.certificateEntriesIn(abs('platform/apim.bicep')).length, 2);
});

test('CA entries held by variables of the file: concat of guarded arrays, as a real module writes them', () => {
  const model = workspace({
    'apim.bicep': [
      "param intermediateCaCert string = ''",
      "param rootCaCert string = ''",
      'var intermediateCaCerts = !empty(intermediateCaCert) ? [',
      '  {',
      "    encodedCertificate: loadTextContent('certs/intermediate.cer')",
      "    storeName: 'CertificateAuthority'",
      '  }',
      '] : []',
      'var rootCaCerts = !empty(rootCaCert) ? [',
      '  {',
      "    encodedCertificate: loadTextContent('certs/root.cer')",
      "    storeName: 'Root'",
      '  }',
      '] : []',
      'var certificates = concat(intermediateCaCerts, rootCaCerts, rootCaCerts)',
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
      "  name: 'apim'",
      "  sku: { name: 'Developer', capacity: 1 }",
      '  properties: {',
      '    certificates: certificates',
      '  }',
      '}',
    ].join('\n'),
  });
  const [service] = model.servicesIn(abs('apim.bicep'));
  const entries = service?.caCertificates?.entries ?? [];
  assert.deepEqual(entries.map((e) => e.storeName?.value), ['CertificateAuthority', 'Root']);
  assert.deepEqual(entries.map((e) => e.data?.loadedFile?.path), [abs('certs/intermediate.cer'), abs('certs/root.cer')]);
  assert.equal(model.certificateEntriesIn(abs('apim.bicep')).length, 2);
});

test('dependents follow imports, existing links and deployments', () => {
  const model = apimWorkspace();
  const sort = (a: string[]) => [...a].sort();
  assert.deepEqual(sort(model.dependents(abs('shared/settings.bicep'))), sort([abs('platform/apim.bicep'), abs('platform/validate.operation.xml'), abs('app/api.bicep'), abs('app/get.operation.xml')]));
  assert.deepEqual(sort(model.dependents(abs('app/get.operation.xml'))), [abs('app/api.bicep')]);
  // app/api.bicep uploads a certificate to the service: the service's policies read that list (unknown-certificate-id).
  assert.deepEqual(sort(model.dependents(abs('app/api.bicep'))), sort([abs('platform/apim.bicep'), abs('app/get.operation.xml'), abs('platform/validate.operation.xml')]));
});

test('existing by name: matched by literal or param default; by a name that can\'t be read, only when the candidates agree', () => {
  const def = (sym: string, name: string, sku: string) => `resource ${sym} 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: '${name}'\n  sku: { name: '${sku}', capacity: 1 }\n}\n`;
  const model = workspace({
    'a.bicep': def('a', 'apim-a', 'Consumption') + def('b', 'apim-b', 'Premium'),
    'x.bicep': "param n string = 'apim-b'\nresource s 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: n\n}\n",
    'y.bicep': "param n string\nresource s 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: n\n}\n",
  });
  const [x] = model.servicesIn(abs('x.bicep'));
  assert.deepEqual([...x!.skus.values], ['Premium']);
  const [y] = model.servicesIn(abs('y.bicep'));
  assert.equal(y!.definition, undefined);
  // Any service at all, and these two disagree: unknown (a configured sku can apply, as in examples/layered).
  assert.equal(y!.skus.unknown, true);
  assert.equal(y!.enableClientCertificate.value, 'unknown');
  // Editing either definition re-lints what the existing service's file deploys.
  assert.ok(model.dependents(abs('a.bicep')).includes(abs('y.bicep')));
});

test('an existing service that matches several definitions: their SKUs together when named alike, or when they agree', () => {
  const def = (sym: string, name: string, sku: string) => `resource ${sym} 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: '${name}'\n  sku: { name: '${sku}', capacity: 1 }\n}\n`;
  const existing = (name: string) => `param n string${name}\nresource s 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: n\n}\n`;
  // Two modules (v1, v2) that define a service of the same name, as Azure-Samples/AI-Gateway has.
  const alike = workspace({ 'v1/apim.bicep': def('a', 'apim-x', 'Developer'), 'v2/apim.bicep': def('b', 'apim-x', 'StandardV2'), 'app.bicep': existing(" = 'apim-x'") });
  const [named] = alike.servicesIn(abs('app.bicep'));
  assert.deepEqual([...named!.skus.values].sort(), ['Developer', 'StandardV2']);
  assert.equal(named!.skus.unknown, false);
  assert.deepEqual(named!.skus.origins.map((o) => o.file).sort(), [abs('v1/apim.bicep'), abs('v2/apim.bicep')]);
  // Named by what can't be read, from candidates that tell the same tier.
  const agree = workspace({ 'v1/apim.bicep': def('a', 'apim-1', 'Premium'), 'v2/apim.bicep': def('b', 'apim-2', 'Premium'), 'app.bicep': existing('') });
  assert.deepEqual([...agree.servicesIn(abs('app.bicep'))[0]!.skus.values], ['Premium']);
});

test('name-path linking, value-as-path mistake, service policy scope and user SKU fallback', () => {
  const model = workspace(
    {
      'main.bicep': [
        "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
        "  name: 'apim-main'",
        "  sku: { name: 'StandardV2', capacity: 1 }",
        '  properties: {',
        '    enableClientCertificate: eccParam',
        '  }',
        '}',
        'param eccParam bool',
        "resource global 'Microsoft.ApiManagement/service/policies@2024-05-01' = {",
        "  name: 'apim-main/policy'",
        "  properties: { format: 'rawxml', value: loadTextContent('global.xml') }",
        '}',
        "resource apiPol 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
        "  name: '${apim.name}/echo/policy'",
        "  properties: { format: 'rawxml', value: './api.xml' }",
        '}',
        "resource frag 'Microsoft.ApiManagement/service/policyFragments@2024-05-01' = {",
        "  parent: apim",
        "  name: 'frag'",
        "  properties: { format: 'rawxml', value: loadTextContent('./frag.xml') }",
        '}',
      ].join('\n'),
    },
  );
  const [global, apiPol, frag] = model.policyResourcesIn(abs('main.bicep'));
  assert.equal(global?.scope, 'service');
  assert.equal(global?.service?.symbolicName, 'apim');
  assert.equal(global?.value?.loadedFile?.exists, false);
  assert.equal(apiPol?.scope, 'api');
  assert.equal(apiPol?.service?.symbolicName, 'apim');
  assert.equal(apiPol?.value?.literal?.value, './api.xml');
  assert.equal(frag?.scope, 'fragment');
  assert.deepEqual([...model.policyContext(abs('frag.xml')).skus.values], ['StandardV2']);
  // A policy no Bicep deploys has no tier in the model (a configured SKU is the engine's: Workspace.policyContext).
  assert.deepEqual(model.policyContext(abs('elsewhere.xml')), { deployments: [], skus: UNKNOWN_SKUS });
  const [svc] = model.servicesIn(abs('main.bicep'));
  assert.equal(svc?.enableClientCertificate.value, 'unknown');
  const props = svc?.propertiesRef;
  assert.ok(props);
});

test('an existing service with an unknown name resolves to the definition nearest to it by folder', () => {
  const service = (name: string, sku: string) =>
    `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: '${name}'\n  sku: { name: '${sku}', capacity: 1 }\n  properties: {}\n}\n`;
  const existing = "param serviceName string\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: serviceName\n}\n";
  const model = workspace({
    'dev/main.bicep': service('apim-dev', 'StandardV2'),
    'dev/apis.bicep': existing,
    'prd/main.bicep': service('apim-prd', 'Premium'),
    'prd/apis/apis.bicep': existing,
    'shared/apis.bicep': existing,
    // A sample whose services are defined in its own prerequisites/ folder (a public repository's layout).
    'sample/main.bicep': existing,
    'sample/prerequisites/prerequisites.bicep': service('apim-sample', 'Consumption'),
  });
  assert.equal(model.servicesIn(abs('sample/main.bicep'))[0]?.definition?.ref.file, abs('sample/prerequisites/prerequisites.bicep'), 'folder below');
  assert.equal(model.servicesIn(abs('dev/apis.bicep'))[0]?.definition?.ref.file, abs('dev/main.bicep'), 'same folder');
  assert.equal(model.servicesIn(abs('prd/apis/apis.bicep'))[0]?.definition?.ref.file, abs('prd/main.bicep'), 'folder above');
  assert.equal(model.servicesIn(abs('shared/apis.bicep'))[0]?.definition, undefined, 'ambiguous: three candidates elsewhere');
});

test("name paths through a parameter ('${apimServiceName}/orders/policy', as ARM-converted templates write them)", () => {
  const model = workspace({
    'infra/apim.bicep': [
      "param apimServiceName string = 'apim-contoso'",
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
      '  name: apimServiceName',
      "  location: 'westeurope'",
      "  sku: { name: 'BasicV2', capacity: 1 }",
      "  properties: { publisherName: 'p' }",
      '}',
    ].join('\n'),
    'infra/orders.bicep': [
      "param apimServiceName string = 'apim-contoso'",
      "param apiName string = 'orders'",
      "resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
      "  name: '${apimServiceName}/${apiName}/policy'",
      "  properties: { format: 'rawxml', value: loadTextContent('../policies/orders.api.xml') }",
      '}',
      "param otherService string = 'apim-elsewhere'",
      "resource other 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
      "  name: '${otherService}/x/policy'",
      "  properties: { format: 'rawxml', value: loadTextContent('../policies/other.api.xml') }",
      '}',
    ].join('\n'),
    'policies/orders.api.xml': '',
    'policies/other.api.xml': '',
  });
  const orders = model.policyContext(abs('policies/orders.api.xml'));
  assert.equal(orders.deployments.length, 1);
  assert.deepEqual([...orders.skus.values], ['BasicV2'], 'the service named by the parameter');
  assert.equal(orders.skus.unknown, false);
  const other = model.policyContext(abs('policies/other.api.xml'));
  assert.equal(other.skus.unknown, true, 'a name that evaluates to no known service links nothing');
  // A module's parameter nothing sets (a public repository's API module, `'${apiManagementName}/orders'`): the name
  // can't be read, so the service is the one near it, as for an `existing` service named so.
  const unset = workspace({
    'infra/apim.bicep': "param apimName string\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: apimName\n  sku: { name: 'StandardV2', capacity: 1 }\n  properties: {}\n}\n",
    'infra/api.bicep': [
      'param apiManagementName string',
      "resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {",
      "  name: '${apiManagementName}/orders'",
      "  properties: { displayName: 'o', path: 'o' }",
      '}',
      "resource policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {",
      '  parent: api',
      "  name: 'policy'",
      "  properties: { format: 'rawxml', value: loadTextContent('../policies/orders.api.xml') }",
      '}',
    ].join('\n'),
    'other/apim.bicep': "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim-other'\n  sku: { name: 'Premium', capacity: 1 }\n  properties: {}\n}\n",
    'policies/orders.api.xml': '',
  });
  assert.deepEqual([...unset.policyContext(abs('policies/orders.api.xml')).skus.values], ['StandardV2'], 'the service in the same folder');
});

test('a named value in another file: read per service, and editing that file re-lints the service’s policies', () => {
  const model = workspace({
    'infra/apim.bicep': [
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {",
      "  name: 'apim-contoso'",
      "  sku: { name: 'StandardV2', capacity: 1 }",
      '}',
      "resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {",
      '  parent: apim',
      "  name: 'policy'",
      "  properties: { format: 'rawxml', value: loadTextContent('../policies/global.xml') }",
      '}',
    ].join('\n'),
    'infra/named-values.bicep': [
      "resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {",
      "  name: 'apim-contoso'",
      '}',
      "resource chain 'Microsoft.ApiManagement/service/namedValues@2024-05-01' = {",
      '  parent: apim',
      "  name: 'chain'",
      "  properties: { displayName: 'Validate-Chain', value: 'TRUE' }",
      '}',
    ].join('\n'),
    'policies/global.xml': '',
  });
  const service = model.servicesIn(abs('infra/apim.bicep'))[0]!;
  const nv = service.namedValues?.get('validate-chain');
  assert.ok(nv, 'kept on the defining service, by lower-case display name');
  assert.deepEqual([...nv.certainlyTrue], ['StandardV2']);
  assert.ok(model.dependents(abs('infra/named-values.bicep')).includes(abs('policies/global.xml')));
});

test('an existing service named by a parameter, with two services near it: the one named by a parameter of the same name', () => {
  // A public sample's layout: prerequisites.bicep defines a client and a backend service, each named by its parameter;
  // main.bicep (deployed apart) refers to the client one with the same parameter name.
  const byParam = (param: string, sku: string) =>
    `param ${param} string\nresource ${param}Svc 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: ${param}\n  sku: { name: '${sku}', capacity: 1 }\n  properties: {}\n}\n`;
  const model = workspace({
    'sample/prerequisites/client.bicep': byParam('apiManagementServiceClientName', 'Developer'),
    'sample/prerequisites/backend.bicep': byParam('apiManagementServiceBackendName', 'Consumption'),
    'sample/main.bicep': "param apiManagementServiceClientName string\nresource client 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: apiManagementServiceClientName\n}\n",
    'sample/other.bicep': "param serviceName string\nresource other 'Microsoft.ApiManagement/service@2024-05-01' existing = {\n  name: serviceName\n}\n",
  });
  const client = model.servicesIn(abs('sample/main.bicep'))[0]!;
  assert.equal(client.definition?.ref.file, abs('sample/prerequisites/client.bicep'));
  assert.deepEqual([...client.skus.values], ['Developer']);
  assert.ok(client.skus.links?.some((l) => l.message.includes('both are named by a parameter called apiManagementServiceClientName')), JSON.stringify(client.skus.links));
  // A parameter named like neither: still ambiguous, and their tiers disagree: unknown.
  const other = model.servicesIn(abs('sample/other.bicep'))[0]!;
  assert.equal(other.definition, undefined);
  assert.equal(other.skus.unknown, true);
});
