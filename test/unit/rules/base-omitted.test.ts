import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LineIndex } from '../../../server/src/core/text';
import { locate } from '../../../server/src/cli/report';
import { lintCase, testRule } from '../../rule-tester';
import { baseOmitted } from '../../../server/src/rules/base-omitted';
import { apiBicepWithApiPolicy, policyDocument } from './bicep-service.fixtures';

const VALIDATES = `<policies>
    <inbound>
        <base />
        <validate-client-certificate validate-trust="false">
            <identities>
                <identity thumbprint="{{partner-thumbprint}}" />
            </identities>
        </validate-client-certificate>
    </inbound>
</policies>`;

/** An operation policy whose inbound holds `inner` (and no <base /> unless it is in `inner`). */
const operation = policyDocument;

const APIOPS = 'apimartifacts/apis/orders/operations/get-order/policy.xml';

/** The Bicep of a real project's layout, with an API-scope policy beside the operation's. */
const BICEP_API_POLICY = apiBicepWithApiPolicy();

/** The API 'orders' of `apim` and its API-scope policy, loaded from api.xml. */
const ORDERS_API = `resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' = {
  parent: apim
  name: 'orders'
  properties: { displayName: 'Orders', path: 'orders', protocols: [ 'https' ] }
}
resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {
  parent: api
  name: 'policy'
  properties: { format: 'rawxml', value: loadTextContent('api.xml') }
}
`;

/** An operation policy loaded from op.xml, under `parent`. */
const operationPolicy = (parent: string): string => `resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {
  parent: ${parent}
  name: 'policy'
  properties: { format: 'rawxml', value: loadTextContent('op.xml') }
}
`;

testRule(baseOmitted, {
  valid: [
    { name: '<base /> first', code: operation('        <base />\n        <rate-limit calls="10" renewal-period="60" />'), filename: APIOPS, files: { 'apimartifacts/apis/orders/policy.xml': VALIDATES } },
    {
      name: 'no <base />, but the API policy checks no certificate',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: APIOPS,
      files: { 'apimartifacts/apis/orders/policy.xml': operation('        <base />\n        <rate-limit calls="5" renewal-period="60" />') },
    },
    { name: 'no <base />, and no policy of the enclosing scope in the workspace', code: operation('        <rate-limit calls="10" renewal-period="60" />'), filename: APIOPS },
    {
      name: 'the API policy only copies the certificate into a header: no check to skip',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: APIOPS,
      files: {
        'apimartifacts/apis/orders/policy.xml': operation(
          '        <base />\n        <set-header name="X-Thumbprint" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint)</value></set-header>',
        ),
      },
    },
    { name: 'the global policy has no scope above it', code: operation('        <rate-limit calls="10" renewal-period="60" />'), filename: 'apimartifacts/policy.xml' },
  ],
  invalid: [
    {
      name: 'an APIOps operation without <base /> under an API policy that validates the certificate',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: APIOPS,
      files: { 'apimartifacts/apis/orders/policy.xml': VALIDATES },
      findings: [
        {
          line: 2,
          level: 'warning',
          text: 'inbound',
          message: /^This <inbound> has no <base \/>, so the API policy's inbound doesn't run here, and with it the client-certificate check it makes \(validate-client-certificate in \.\.\/\.\.\/policy\.xml\): requests to this operation skip it/,
        },
      ],
      output: operation('        <base />\n        <rate-limit calls="10" renewal-period="60" />'),
    },
    {
      name: 'an APIOps API policy without <base /> under a global policy that reads the certificate',
      code: operation('        <set-header name="X-Request-Id" exists-action="override"><value>@(context.RequestId.ToString())</value></set-header>'),
      filename: 'apimartifacts/apis/orders/policy.xml',
      files: { 'apimartifacts/policy.xml': operation('        <choose><when condition="@(context.Request.Certificate == null)"><return-response><set-status code="401" /></return-response></when></choose>') },
      findings: [{ line: 2, message: "the global policy's inbound doesn't run here, and with it the client-certificate check it makes (context.Request.Certificate in ../../policy.xml): requests to this API skip it" }],
    },
    {
      name: 'two scopes up: the API policy passes the global check on with <base />, the operation drops it',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: APIOPS,
      files: { 'apimartifacts/apis/orders/policy.xml': operation('        <base />'), 'apimartifacts/policy.xml': VALIDATES },
      findings: [{ line: 2, message: "the global policy's inbound doesn't run here, and with it the client-certificate check it makes (validate-client-certificate in ../../../../policy.xml): requests to this operation skip it" }],
    },
    {
      name: "an APIOps product policy without <base /> under a global policy that validates: the product's APIs skip it",
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'apimartifacts/products/partners/policy.xml',
      files: { 'apimartifacts/policy.xml': VALIDATES },
      findings: [{ line: 2, message: "the global policy's inbound doesn't run here, and with it the client-certificate check it makes (validate-client-certificate in ../../policy.xml): requests to this product's APIs skip it" }],
    },
    {
      name: 'Bicep: a product policy without <base /> under the service policy that validates',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'product.xml',
      files: {
        'global.xml': VALIDATES,
        'main.bicep': `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  location: 'westeurope'
  sku: { name: 'Premium', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x' }
  resource policy 'policies' = {
    name: 'policy'
    properties: { format: 'rawxml', value: loadTextContent('global.xml') }
  }
  resource product 'products' = {
    name: 'partners'
    properties: { displayName: 'Partners' }
    resource productPolicy 'policies' = {
      name: 'policy'
      properties: { format: 'rawxml', value: loadTextContent('product.xml') }
    }
  }
}
`,
      },
      findings: [{ line: 2, message: "requests to this product's APIs skip it" }],
    },
    {
      name: 'a workspace API under its workspace policy; an empty <inbound /> is opened for the fix',
      code: '<policies>\n    <inbound />\n</policies>',
      filename: 'apimartifacts/workspaces/ws1/apis/orders/policy.xml',
      files: { 'apimartifacts/workspaces/ws1/policy.xml': VALIDATES },
      findings: [{ line: 2, message: "the workspace policy's inbound doesn't run here" }],
      output: '<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>',
    },
    {
      name: "Bicep: the operations' own template declares the service and API `existing` (the API's policy is in another file)",
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'op.xml',
      files: {
        'main.bicep': `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-x'
  location: 'westeurope'
  sku: { name: 'Premium', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'x' }
}
${ORDERS_API}`,
        'ops.bicep': `resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'apim-x'
}
resource api 'Microsoft.ApiManagement/service/apis@2024-05-01' existing = {
  parent: apim
  name: 'orders'
}
resource op 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {
  parent: api
  name: 'list'
  properties: { displayName: 'List', method: 'GET', urlTemplate: '/' }
}
${operationPolicy('op')}`,
        'api.xml': VALIDATES,
      },
      findings: [{ line: 2, message: '(validate-client-certificate in api.xml): requests to this operation skip it' }],
    },
    {
      name: 'Bicep: the operation reached with the nested accessor (parent: apim::api::op)',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'op.xml',
      files: {
        'api.bicep': `param apimName string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = { name: apimName }
${ORDERS_API}`,
        'ops.bicep': `param apimName string
resource apim 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: apimName
  resource api 'apis' existing = {
    name: 'orders'
    resource op 'operations' existing = {
      name: 'list'
    }
  }
}
${operationPolicy('apim::api::op')}`,
        'api.xml': VALIDATES,
      },
      findings: [{ line: 2, message: '(validate-client-certificate in api.xml)' }],
    },
    {
      name: 'Bicep: the operation policy of an API whose API-scope policy validates the certificate',
      code: operation('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'operation.xml',
      files: { 'api.bicep': BICEP_API_POLICY, 'api.xml': VALIDATES },
      findings: [{ line: 2, message: '(validate-client-certificate in api.xml): requests to this operation skip it' }],
    },
  ],
});

test("base-omitted in a CRLF policy: the rule writes \\n; the fix in the CLI's JSON output (withLineEndingsOf) ends its lines in \\r\\n", () => {
  const crlf = (t: string): string => t.replace(/\n/g, '\r\n');
  const cases = [
    { code: operation('        <rate-limit calls="10" renewal-period="60" />'), fixed: operation('        <base />\n        <rate-limit calls="10" renewal-period="60" />') },
    { code: '<policies>\n    <inbound />\n</policies>', fixed: '<policies>\n    <inbound>\n        <base />\n    </inbound>\n</policies>' },
  ];
  for (const { code, fixed } of cases) {
    const text = crlf(code);
    const { findings, file } = lintCase(baseOmitted, { name: 'crlf', code: text, filename: APIOPS, files: { 'apimartifacts/apis/orders/policy.xml': VALIDATES } });
    assert.equal(findings.length, 1);
    assert.ok(!findings[0]!.fixes[0]!.edits.some((e) => e.newText.includes('\r')), 'the rule writes \\n');
    const [message] = locate({ file, kind: 'policy', findings, notices: [] }, new LineIndex(text)).messages;
    const { range, text: newText } = message!.suggestions![0]!.fix;
    assert.equal(text.slice(0, range[0]) + newText + text.slice(range[1]), crlf(fixed));
  }
});
