import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { abs, workspace } from './workspace-helper';
import { isAvmApimService } from '../../../server/src/model/avm';

/** The Azure Verified Module for APIM, with `params` as given. */
const avm = (params: string, ref = 'br/public:avm/res/api-management/service:0.9.1', header = ''): string => `${header}
module apim '${ref}' = {
  name: 'apim-deployment'
  params: {
    name: 'contoso-apim'
    publisherEmail: 'api@contoso.com'
    publisherName: 'Contoso'
${params}
  }
}
`;

/** `lines` indented by `by` spaces (blank lines kept empty). */
const indent = (lines: string, by: number): string =>
  lines
    .split('\n')
    .map((l) => (l ? ' '.repeat(by) + l : l))
    .join('\n');

/** A `policies: [{ format?, value: loadTextContent(file) }]` parameter, as the module's items take it. */
const policiesParam = (file: string, format?: string): string =>
  `policies: [\n  {\n${format ? `    format: '${format}'\n` : ''}    value: loadTextContent('${file}')\n  }\n]`;

/** The `orders` API with its own policy and `extra` members (operations…). */
const ordersApi = (extra = ''): string =>
  `apis: [\n  {\n    name: 'orders'\n    displayName: 'Orders'\n    path: 'orders'\n${indent(policiesParam('policies/orders.xml'), 4)}${extra ? `\n${indent(extra, 4)}` : ''}\n  }\n]`;

const GET_ORDER = `operations: [
  {
    name: 'get-order'
    displayName: 'Get order'
    method: 'GET'
    urlTemplate: '/{id}'
${indent(policiesParam('policies/get-order.xml', 'rawxml'), 4)}
  }
]`;

const POLICIES = indent(`${policiesParam('policies/global.xml', 'rawxml')}\n${ordersApi(GET_ORDER)}`, 4);

const FILES = { 'policies/global.xml': '', 'policies/orders.xml': '', 'policies/get-order.xml': '' };

test('an Azure Verified Module deployment is read as the service it deploys: the sku parameter is its tier', () => {
  const model = workspace({ 'main.bicep': avm("    sku: 'StandardV2'\n    enableClientCertificate: true"), ...FILES });
  const [service, ...others] = model.servicesIn(abs('main.bicep'));
  assert.ok(service);
  assert.equal(others.length, 0);
  assert.deepEqual([...service.skus.values], ['StandardV2']);
  assert.equal(service.skus.unknown, false);
  assert.equal(service.symbolicName, 'apim');
  assert.equal(service.registryModule, 'br/public:avm/res/api-management/service:0.9.1');
  assert.equal(service.enableClientCertificate.value, true);
  assert.deepEqual(service.skus.origins.map((o) => o.message), ['The sku parameter of the Azure Verified Module']);
});

test("without a sku parameter the tier is the module's default, Premium, and the origin says so", () => {
  const model = workspace({ 'main.bicep': avm(''), ...FILES });
  const service = model.servicesIn(abs('main.bicep'))[0]!;
  assert.deepEqual([...service.skus.values], ['Premium']);
  assert.match(service.skus.origins[0]!.message, /default SKU \(Premium\): its sku parameter is not set/);
  assert.equal(service.enableClientCertificate.value, false);
});

test('the policies, the APIs’ and the operations’ policies passed to the module are deployed to that service, with its tier', () => {
  const model = workspace({ 'main.bicep': avm(`    sku: 'BasicV2'\n${POLICIES}`), ...FILES });
  const policies = model.policyResourcesIn(abs('main.bicep'));
  assert.deepEqual(policies.map((p) => [p.scope, p.format?.value, p.value?.loadedFile?.path]), [
    ['service', 'rawxml', abs('policies/global.xml')],
    ['api', undefined, abs('policies/orders.xml')],
    ['operation', 'rawxml', abs('policies/get-order.xml')],
  ]);
  for (const file of ['policies/global.xml', 'policies/orders.xml', 'policies/get-order.xml']) {
    assert.deepEqual([...model.policyContext(abs(file)).skus.values], ['BasicV2'], file);
  }
  // Editing the Bicep re-lints the policies it deploys.
  assert.deepEqual(model.dependents(abs('main.bicep')).sort(), [abs('policies/get-order.xml'), abs('policies/global.xml'), abs('policies/orders.xml')]);
});

test('a workspace’s policies, its APIs’ and its products’ policies are deployed on the service’s tier', () => {
  const model = workspace({
    'main.bicep': avm(`    sku: 'PremiumV2'
    workspaces: [
      {
        name: 'team-a'
        displayName: 'Team A'
${indent(policiesParam('policies/global.xml'), 8)}
${indent(ordersApi(), 8)}
        products: [
          {
            name: 'partners'
            displayName: 'Partners'
            policies: [
              {
                format: 'rawxml'
                value: loadTextContent('policies/product.xml')
              }
            ]
          }
        ]
      }
    ]
    products: [
      {
        name: 'service-product'
        displayName: 'Not passed on by the module'
        policies: [
          {
            value: loadTextContent('policies/unused.xml')
          }
        ]
      }
    ]`),
    ...FILES,
    'policies/product.xml': '<policies><inbound><base /></inbound></policies>',
    'policies/unused.xml': '<policies><inbound><base /></inbound></policies>',
  });
  const policies = model.policyResourcesIn(abs('main.bicep'));
  assert.deepEqual(policies.map((p) => [p.scope, p.value?.loadedFile?.path]), [
    ['unknown', abs('policies/global.xml')],
    ['unknown', abs('policies/orders.xml')],
    ['unknown', abs('policies/product.xml')],
  ]);
  assert.equal(policies[2].format?.value, 'rawxml');
  assert.deepEqual([...model.policyContext(abs('policies/orders.xml')).skus.values], ['PremiumV2']);
  assert.deepEqual([...model.policyContext(abs('policies/product.xml')).skus.values], ['PremiumV2']);
  assert.equal(model.policyContext(abs('policies/unused.xml')).skus.values.size, 0);
});

test('the sku from a .bicepparam file, arrays held by variables, and the registry written out in full', () => {
  const model = workspace({
    'main.bicep': avm(
      '    sku: apimSku\n    policies: servicePolicies',
      'br:mcr.microsoft.com/bicep/avm/res/api-management/service:0.11.0',
      "param apimSku string\nvar servicePolicies = [\n  {\n    value: loadTextContent('policies/global.xml')\n  }\n]\n",
    ),
    'prod.bicepparam': "using './main.bicep'\nparam apimSku = 'Consumption'\n",
    ...FILES,
  });
  assert.deepEqual([...model.policyContext(abs('policies/global.xml')).skus.values], ['Consumption']);
});

test('an existing service elsewhere resolves to the module’s service by name; other registry modules are not read', () => {
  const model = workspace({
    'main.bicep': avm("    sku: 'StandardV2'"),
    'apis.bicep': `resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'contoso-apim'
}
resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  parent: apim
  name: 'policy'
  properties: {
    value: loadTextContent('policies/global.xml')
  }
}
`,
    'other.bicep': avm("    sku: 'StandardV2'", 'br/public:avm/res/web/site:0.3.0'),
    ...FILES,
  });
  assert.deepEqual([...model.policyContext(abs('policies/global.xml')).skus.values], ['StandardV2']);
  assert.deepEqual(model.servicesIn(abs('other.bicep')), []);
});

test("the service's child policy modules (service/policy, api/policy, api/operation/policy, product/policy) deploy to the service they name", () => {
  const childModule = (name: string, kind: string, names: string, file: string): string => `module ${name} 'br/public:avm/res/api-management/service/${kind}:0.1.0' = {
  name: '${name}'
  params: {
    apiManagementServiceName: 'contoso-apim'
${names}    format: 'rawxml'
    value: loadTextContent('${file}')
  }
}
`;
  const children =
    childModule('globalPolicy', 'policy', '', 'policies/global.xml') +
    childModule('ordersPolicy', 'api/policy', "    apiName: 'orders'\n", 'policies/orders.xml') +
    childModule('getOrderPolicy', 'api/operation/policy', "    apiName: 'orders'\n    operationName: 'get-order'\n", 'policies/get-order.xml') +
    childModule('partnersPolicy', 'product/policy', "    productName: 'partners'\n", 'policies/partners.xml');
  const files = { ...FILES, 'policies/partners.xml': '' };
  // In another file than the service (the service module in main.bicep), and beside a hand-written service.
  const model = workspace({ 'main.bicep': avm("    sku: 'StandardV2'"), 'policies.bicep': children, ...files });
  const expected: Record<string, string> = { 'policies/global.xml': 'service', 'policies/orders.xml': 'api', 'policies/get-order.xml': 'operation', 'policies/partners.xml': 'product' };
  for (const [file, scope] of Object.entries(expected)) {
    const ctx = model.policyContext(abs(file));
    assert.equal(ctx.deployments.length, 1, file);
    assert.equal(ctx.deployments[0]!.scope, scope, file);
    assert.deepEqual([...ctx.skus.values], ['StandardV2'], file);
  }
  assert.deepEqual(model.dependents(abs('main.bicep')).filter((f) => f.endsWith('.xml')).sort(), Object.keys(expected).map(abs).sort());
  const handWritten = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'contoso-apim'
  location: 'westeurope'
  sku: {
    name: 'Consumption'
    capacity: 0
  }
  properties: {
    publisherName: 'p'
  }
}
`;
  const beside = workspace({ 'main.bicep': handWritten + children, ...files });
  assert.deepEqual([...beside.policyContext(abs('policies/orders.xml')).skus.values], ['Consumption']);
  // Another registry module's policy (API Center's, say) is not read.
  const other = workspace({ 'main.bicep': handWritten + children.replaceAll('avm/res/api-management/service/', 'avm/res/api-center/service/'), ...files });
  assert.equal(other.policyContext(abs('policies/orders.xml')).deployments.length, 0);
});

test('policies the model can’t see (a loop, a parameter) leave the service read and deploy nothing', () => {
  const model = workspace({
    'main.bicep': avm("    sku: 'StandardV2'\n    policies: [for p in policyFiles: { value: p }]\n    apis: apiList", '', 'param policyFiles array\nparam apiList array\n').replace(
      "module apim ''",
      "module apim 'br/public:avm/res/api-management/service:0.9.1'",
    ),
  });
  assert.equal(model.servicesIn(abs('main.bicep')).length, 1);
  assert.deepEqual(model.policyResourcesIn(abs('main.bicep')), []);
});

test('the module is recognised from the public registry and from mirrors that keep its path, any version', () => {
  const digest = 'a'.repeat(64);
  for (const ref of [
    'br/public:avm/res/api-management/service:0.9.1',
    'br:mcr.microsoft.com/bicep/avm/res/api-management/service:0.14.0',
    'br:contoso.azurecr.io/bicep/avm/res/api-management/service:0.9.1',
    'br:contoso.azurecr.io/avm/res/api-management/service:0.9.1',
    'br/mirror:avm/res/api-management/service:0.9.1',
    'br/mirror:platform/avm/res/api-management/service:0.9.1',
    `br:contoso.azurecr.io/bicep/avm/res/api-management/service@sha256:${digest}`,
  ]) {
    assert.ok(isAvmApimService(ref), ref);
  }
  for (const ref of [
    'br/public:avm/res/web/site:0.3.0',
    'br/public:avm/res/api-management/service/api:0.1.0',
    'br:contoso.azurecr.io/bicep/my-avm/res/api-management/service:1.0',
    'br/mirror:res/api-management/service:0.9.1',
    'ts:00000000-0000-0000-0000-000000000000/rg/apim:1.0',
    './modules/apim.bicep',
    'br/public:avm/res/api-management/service',
  ]) {
    assert.ok(!isAvmApimService(ref), ref);
  }
});

/** A `bicepconfig.json` whose alias `avm` points at a private mirror's `modulePath` (comments allowed, as Bicep allows). */
const bicepConfig = (modulePath = 'bicep/avm', alias = 'avm'): string => `{
  // Our mirror of the Azure Verified Modules.
  "moduleAliases": {
    "br": {
      "${alias}": { "registry": "contoso.azurecr.io", "modulePath": "${modulePath}" },
    }
  }
}
`;

/** The module through the alias whose module path holds the `avm/` part: only the configuration says what it is. */
const VIA_ALIAS = avm("    sku: 'StandardV2'", 'br/avm:res/api-management/service:0.9.1');

test('a module named through a bicepconfig.json alias whose modulePath holds avm/ is the service module', () => {
  // The nearest configuration above the file applies, in its folder or any above.
  for (const [config, template] of [['bicepconfig.json', 'main.bicep'], ['bicepconfig.json', 'infra/prod/main.bicep'], ['infra/bicepconfig.json', 'infra/main.bicep']] as const) {
    const model = workspace({ [config]: bicepConfig(), [template]: VIA_ALIAS });
    const [service] = model.servicesIn(abs(template));
    assert.ok(service, `${config} for ${template}`);
    assert.deepEqual([...service.skus.values], ['StandardV2']);
    // The reference as written, for messages.
    assert.equal(service.registryModule, 'br/avm:res/api-management/service:0.9.1');
    // Editing the configuration re-lints the file.
    assert.ok(model.dependents(abs(config)).includes(abs(template)));
  }
});

test('an alias is not resolved without a configuration, through another alias, or when a nearer configuration lacks it', () => {
  assert.deepEqual(workspace({ 'main.bicep': VIA_ALIAS }).servicesIn(abs('main.bicep')), []);
  assert.deepEqual(workspace({ 'bicepconfig.json': bicepConfig('bicep/avm', 'other'), 'main.bicep': VIA_ALIAS }).servicesIn(abs('main.bicep')), []);
  // Bicep reads the nearest configuration only (merged with its defaults, not with the files above it).
  const nearer = workspace({ 'bicepconfig.json': bicepConfig(), 'infra/bicepconfig.json': '{ "analyzers": {} }', 'infra/main.bicep': VIA_ALIAS });
  assert.deepEqual(nearer.servicesIn(abs('infra/main.bicep')), []);
  // The alias points somewhere else: another module.
  assert.deepEqual(workspace({ 'bicepconfig.json': bicepConfig('bicep/platform'), 'main.bicep': VIA_ALIAS }).servicesIn(abs('main.bicep')), []);
  // A configuration that isn't JSON resolves nothing and breaks nothing.
  assert.deepEqual(workspace({ 'bicepconfig.json': '{ "moduleAliases": ', 'main.bicep': VIA_ALIAS }).servicesIn(abs('main.bicep')), []);
  // The built-in `public` alias still holds beside a configuration's own aliases.
  const publicToo = workspace({ 'bicepconfig.json': bicepConfig(), 'main.bicep': avm("    sku: 'BasicV2'") });
  assert.deepEqual([...publicToo.servicesIn(abs('main.bicep'))[0]!.skus.values], ['BasicV2']);
});
