import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { abs, workspace } from './workspace-helper';

const SERVICE = `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'contoso-apim'
  location: 'westeurope'
  sku: {
    name: 'Premium'
    capacity: 1
  }
  properties: {
    publisherEmail: 'api@contoso.com'
    publisherName: 'Contoso'
  }
}

resource orders 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'orders'
  properties: {
    displayName: 'Orders'
    path: 'orders'
  }
}

resource ordersPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: orders
  name: 'policy'
  properties: {
    value: loadTextContent('policies/orders.xml')
  }
}
`;

/** Self-hosted gateways in their own file, on the service as \`existing\`; \`count\` of them, each serving 'orders'. */
const gateways = (count: number, extra = '') => `resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'contoso-apim'
}
${Array.from(
  { length: count },
  (_, i) => `
resource gw${i} 'Microsoft.ApiManagement/service/gateways@2024-05-01' = {
  parent: apim
  name: 'gateway-${i}'
  properties: {
    locationData: {
      name: 'Site ${i}'
    }
  }

  resource served 'apis' = {
    name: 'Orders'
  }
${extra}}
`,
).join('')}`;

test('self-hosted gateways: their service, the APIs they serve, their certificate authorities; API policies know their API', () => {
  const model = workspace({
    'main.bicep': SERVICE,
    'gateways.bicep': gateways(1, "\n  resource ca 'certificateAuthorities' = {\n    name: 'partner-ca'\n  }\n"),
  });
  const [gw] = model.selfHostedGatewaysIn(abs('gateways.bicep'));
  assert.ok(gw);
  assert.equal(gw.name, 'gateway-0');
  assert.equal(gw.service, model.servicesIn(abs('main.bicep'))[0]);
  assert.deepEqual([...gw.apis], ['orders']);
  assert.equal(gw.certificateAuthorities.length, 1);
  assert.deepEqual(model.policyResourcesIn(abs('main.bicep'))[0]?.apiNames, ['orders']);
});

test('a policy file changed re-lints the gateways that serve it; many gateways in one file stay one link each', () => {
  const model = workspace({ 'main.bicep': SERVICE, 'gateways.bicep': gateways(2000), 'policies/orders.xml': '' });
  assert.equal(model.selfHostedGatewaysIn(abs('gateways.bicep')).length, 2000);
  assert.ok(model.dependents(abs('policies/orders.xml')).includes(abs('gateways.bicep')));
  assert.ok(model.dependents(abs('main.bicep')).includes(abs('gateways.bicep')));
});

/** Gateway `onprem` on the service, serving an API through a `gateways/apis` resource with these members. */
const onprem = (link: string): string => `
resource gw 'Microsoft.ApiManagement/service/gateways@2024-05-01' = {
  parent: apim
  name: 'onprem'
  properties: { locationData: { name: 'Site' } }
}

resource gwApi 'Microsoft.ApiManagement/service/gateways/apis@2024-05-01' = {
  ${link}
}
`;

test("a gateway's API named by the API's own symbol (name: orders.name): its name as written, as Bicep gives it", () => {
  const model = workspace({ 'main.bicep': SERVICE + onprem('parent: gw\n  name: orders.name') });
  const [gw] = model.selfHostedGatewaysIn(abs('main.bicep'));
  assert.deepEqual([...gw!.apis], ['orders']);
  assert.equal(gw!.unknownApis ?? false, false);
});

test("a gateway's API named by an interpolated path ('${apimName}/onprem/orders'): the gateway and the API by their own segments", () => {
  // Public repositories name the link so; evaluated whole, the path was unknown (the service name may be another).
  const service = SERVICE.replace("name: 'contoso-apim'", 'name: apimName');
  const served = onprem("name: '\${apimName}/\${gatewayName}/orders'");
  const header = "param apimName string = 'contoso-apim'\nparam gatewayName string = 'onprem'\n";
  const model = workspace({ 'main.bicep': header + service + served });
  const [gw] = model.selfHostedGatewaysIn(abs('main.bicep'));
  assert.deepEqual([...gw!.apis], ['orders']);
  // Sibling samples defining services of the same name: the path names the one in its own folder.
  const sibling = workspace({ 'a/main.bicep': header + service + served, 'b/main.bicep': header + service });
  assert.deepEqual([...sibling.selfHostedGatewaysIn(abs('a/main.bicep'))[0]!.apis], ['orders']);
});
