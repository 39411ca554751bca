/**
 * What the enclosing scopes' inbound does for a policy that runs it with `<base />`: the API policy's (or global
 * policy's) validate-client-certificate makes the certificate non-null and verified for what runs after `<base />`.
 */
import { testRule } from '../../rule-tester';
import { certificateNullCheck } from '../../../server/src/rules/certificate-null-check';
import { contextCertificateNotVerified } from '../../../server/src/rules/context-certificate-not-verified';
import { anyCertificateAccepted } from '../../../server/src/rules/any-certificate-accepted';
import { identityWithoutThumbprint } from '../../../server/src/rules/identity-without-thumbprint';
import { baseOmitted } from '../../../server/src/rules/base-omitted';
import { apiBicepWithApiPolicy, policyDocument } from './bicep-service.fixtures';


/** An API policy resource named by its path ('service/api/policy'), without `parent:`, loading api.xml. */
const apiPolicyByPath = (name: string): string =>
  `resource apiPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {\n  name: '${name}'\n  properties: { format: 'rawxml', value: loadTextContent('api.xml') }\n}\n`;
const OP = 'apimartifacts/apis/orders/operations/get-order/policy.xml';
const API = 'apimartifacts/apis/orders/policy.xml';
const GLOBAL = 'apimartifacts/policy.xml';

const policy = policyDocument;

const VALIDATE_TRUST = '        <validate-client-certificate validate-trust="true" validate-revocation="true" />';
const VALIDATE_NAMES_ONLY = `        <validate-client-certificate validate-trust="false">
            <identities>
                <identity subject="CN=partner" />
            </identities>
        </validate-client-certificate>`;
const PIN_IN_CODE = `        <choose>
            <when condition="@(context.Request.Certificate == null || !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint))">
                <return-response><set-status code="401" /></return-response>
            </when>
        </choose>`;
const HEADER = `        <set-header name="X-Client-Thumbprint" exists-action="override">
            <value>@(context.Request.Certificate.Thumbprint)</value>
        </set-header>`;
const NAME_CHECK = `        <choose>
            <when condition="@(!context.Request.Certificate.Subject.Contains(&quot;CN=orders-client&quot;))">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`;

const BICEP_API_POLICY = apiBicepWithApiPolicy();

testRule(certificateNullCheck, {
  valid: [
    { name: 'after <base />, under an API policy that validates', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) } },
    { name: "the API policy's validate-client-certificate is after its own <base />: still before this", code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy(`${VALIDATE_TRUST}\n        <base />`) } },
    { name: 'in <outbound>: after the inbound of every scope', code: policy('        <base />').replace('<outbound>\n        <base />', `<outbound>\n        <base />\n${HEADER}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) } },
    { name: 'the API policy returns 401 without a certificate (C#)', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy(`        <base />\n${PIN_IN_CODE}`) } },
    { name: 'no API policy: the global policy validates', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [GLOBAL]: policy(VALIDATE_TRUST) } },
    { name: 'the API policy passes the global one on with <base />', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy('        <base />'), [GLOBAL]: policy(VALIDATE_TRUST) } },
    { name: 'an API policy under the global policy', code: policy(`        <base />\n${HEADER}`), filename: API, files: { [GLOBAL]: policy(VALIDATE_TRUST) } },
    { name: 'Bicep: the API-scope policy deployed beside the operation policy validates', code: policy(`        <base />\n${HEADER}`), filename: 'operation.xml', files: { 'api.bicep': BICEP_API_POLICY, 'api.xml': policy(`        <base />\n${VALIDATE_TRUST}`) } },
  ],
  invalid: [
    { name: 'no enclosing policy in the workspace', code: policy(`        <base />\n${HEADER}`), filename: OP, findings: [{ line: 5 }] },
    { name: 'no <base /> at all: the API policy never runs for this operation', code: policy(HEADER), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) }, findings: [{ line: 4 }] },
    { name: 'before <base />: the API policy has not run yet', code: policy(`${HEADER}\n        <base />`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) }, findings: [{ line: 4 }] },
    {
      name: 'in <on-error>: it runs when the API policy rejected the request',
      code: policy('        <base />', `\n${HEADER}`),
      filename: OP,
      files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) },
      findings: [{ line: 14 }],
    },
    { name: 'the API policy validates with ignore-error="true": it lets requests without a certificate through', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy('        <base />\n        <validate-client-certificate validate-trust="true" ignore-error="true" />') }, findings: [{ line: 5 }] },
    { name: 'the API policy has no <base />: the global validation does not run', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy('        <rate-limit calls="10" renewal-period="60" />'), [GLOBAL]: policy(VALIDATE_TRUST) }, findings: [{ line: 5 }] },
    { name: 'the validation is in the API policy\'s outbound', code: policy(`        <base />\n${HEADER}`), filename: OP, files: { [API]: policy('        <base />').replace('<outbound>\n        <base />', `<outbound>\n        <base />\n${VALIDATE_TRUST}`) }, findings: [{ line: 5 }] },
  ],
});

testRule(contextCertificateNotVerified, {
  valid: [
    { name: 'a name check after <base />, under an API policy that validates the chain', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) } },
    { name: 'a name check after <base />, under an API policy that pins in C#', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, files: { [API]: policy(`        <base />\n${PIN_IN_CODE}`) } },
    { name: 'under the global policy through an API policy with <base />', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, files: { [API]: policy('        <base />'), [GLOBAL]: policy(VALIDATE_TRUST) } },
  ],
  invalid: [
    { name: 'no enclosing policy', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, findings: [{ line: 5, message: 'by its Subject only' }] },
    { name: 'the API policy checks names only (validate-trust="false")', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`) }, findings: [{ line: 5 }] },
    { name: 'the name check is before <base />', code: policy(`${NAME_CHECK}\n        <base />`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_TRUST}`) }, findings: [{ line: 4 }] },
    {
      name: 'Bicep: one of two API policies deployed for the operation validates, the other does not',
      code: policy(`        <base />\n${NAME_CHECK}`),
      filename: 'operation.xml',
      files: {
        'api.bicep': BICEP_API_POLICY,
        'api.xml': policy(`        <base />\n${VALIDATE_TRUST}`),
        'other/api.bicep': apiBicepWithApiPolicy('../operation.xml'),
        'other/api.xml': policy('        <base />'),
      },
      findings: [{ line: 5 }],
    },
  ],
});

/** An operation that checks only that a certificate is there (all checks off, no identities). */
const PRESENCE_ONLY = '        <validate-client-certificate validate-trust="false" validate-revocation="false" validate-not-before="true" validate-not-after="true" />';
const PIN_ELEMENT = `        <validate-client-certificate validate-trust="false">
            <identities>
                <identity thumbprint="{{partner-thumbprint}}" />
            </identities>
        </validate-client-certificate>`;

testRule(anyCertificateAccepted, {
  valid: [
    { name: 'after <base />, under an API policy that pins by thumbprint', code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, files: { [API]: policy(`        <base />\n${PIN_ELEMENT}`) } },
    { name: 'after <base />, under a global policy that pins in C#', code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, files: { [GLOBAL]: policy(PIN_IN_CODE) } },
  ],
  invalid: [
    { name: 'no enclosing policy', code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, findings: [{ line: 4, level: 'error' }] },
    { name: 'before <base />', code: policy(`${PRESENCE_ONLY}\n        <base />`), filename: OP, files: { [API]: policy(`        <base />\n${PIN_ELEMENT}`) }, findings: [{ line: 3 }] },
    { name: 'the API policy checks names only', code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`) }, findings: [{ line: 4 }] },
    {
      name: 'the API policy pins only in one branch that lets other requests through',
      code: policy(`        <base />\n${PRESENCE_ONLY}`),
      filename: OP,
      files: { [API]: policy(`        <base />\n        <choose>\n            <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))">\n${PIN_ELEMENT}\n            </when>\n        </choose>`) },
      findings: [{ line: 4 }],
    },
  ],
});

testRule(identityWithoutThumbprint, {
  valid: [{ name: 'a names-only identity after <base />, under an API policy that pins by thumbprint', code: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`), filename: OP, files: { [API]: policy(`        <base />\n${PIN_ELEMENT}`) } }],
  invalid: [
    { name: 'no enclosing policy', code: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`), filename: OP, findings: [{ line: 6 }] },
    { name: 'the API policy names too', code: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`), filename: OP, files: { [API]: policy(`        <base />\n${VALIDATE_NAMES_ONLY}`) }, findings: [{ line: 6 }] },
  ],
});

/** APIOps fragments: 'client-cert' includes 'validate', which validates; 'loop-a' and 'loop-b' include each other. */
const FRAGMENTS = {
  'apimartifacts/policyFragments/client-cert/policy.xml': '<fragment>\n    <include-fragment fragment-id="validate" />\n</fragment>',
  'apimartifacts/policyFragments/validate/policy.xml': `<fragment>\n${PIN_ELEMENT}\n</fragment>`,
  'apimartifacts/policyFragments/loop-a/policy.xml': '<fragment>\n    <include-fragment fragment-id="loop-b" />\n</fragment>',
  'apimartifacts/policyFragments/loop-b/policy.xml': '<fragment>\n    <include-fragment fragment-id="loop-a" />\n</fragment>',
  'apimartifacts/policyFragments/branch/policy.xml': `<fragment>\n    <choose>\n        <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))">\n            <include-fragment fragment-id="validate" />\n        </when>\n    </choose>\n</fragment>`,
};
const include = (id: string): string => `        <include-fragment fragment-id="${id}" />`;

testRule(certificateNullCheck, {
  valid: [
    { name: 'a fragment included by the included fragment validates (nested)', code: policy(`${include('client-cert')}\n${HEADER}`), filename: OP, files: FRAGMENTS },
    { name: "after <base />, under an API policy whose inbound includes a fragment that validates (through another fragment)", code: policy(`        <base />\n${HEADER}`), filename: OP, files: { ...FRAGMENTS, [API]: policy(`        <base />\n${include('client-cert')}`) } },
  ],
  invalid: [
    { name: 'fragments that include each other, and check nothing: no hang', code: policy(`${include('loop-a')}\n${HEADER}`), filename: OP, files: FRAGMENTS, findings: [{ line: 5 }] },
  ],
});

testRule(anyCertificateAccepted, {
  valid: [{ name: 'after <base />, under an API policy whose fragment pins by thumbprint', code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, files: { ...FRAGMENTS, [API]: policy(`        <base />\n${include('client-cert')}`) } }],
  invalid: [
    { name: "the API policy's fragment pins only in a branch", code: policy(`        <base />\n${PRESENCE_ONLY}`), filename: OP, files: { ...FRAGMENTS, [API]: policy(`        <base />\n${include('branch')}`) }, findings: [{ line: 4 }] },
  ],
});

testRule(baseOmitted, {
  valid: [],
  invalid: [
    {
      name: "the API policy checks in a fragment it includes (through another)",
      code: policy('        <rate-limit calls="10" renewal-period="60" />'),
      filename: OP,
      files: { ...FRAGMENTS, [API]: policy(`        <base />\n${include('client-cert')}`) },
      findings: [{ line: 2, message: "(validate-client-certificate of the fragment 'client-cert' it includes in ../../policy.xml)" }],
    },
  ],
});

/** Bicep builders: a service, an API (with its policy loaded from `policyFile`, or written in a string), an operation policy. */
const service = (id: string, name = id): string =>
  `resource ${id} 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: '${name}'\n  location: 'westeurope'\n  sku: { name: 'Developer', capacity: 1 }\n  properties: { publisherEmail: 'a@b.c', publisherName: 'x' }\n}\n`;
const bicepApi = (id: string, svc: string, name: string, policy?: string): string =>
  `resource ${id} 'Microsoft.ApiManagement/service/apis@2024-05-01' = {\n  parent: ${svc}\n  name: '${name}'\n  properties: { displayName: '${name}', path: '${name}', protocols: [ 'https' ] }\n}\n` +
  (policy === undefined
    ? ''
    : `resource ${id}Policy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {\n  parent: ${id}\n  name: 'policy'\n  properties: { format: 'rawxml', value: ${policy.startsWith('<') ? `'''${policy}'''` : `loadTextContent('${policy}')`} }\n}\n`);
const bicepOperation = (id: string, api: string, name: string, file: string): string =>
  `resource ${id} 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {\n  parent: ${api}\n  name: '${name}'\n  properties: { displayName: '${name}', method: 'GET', urlTemplate: '/${name}' }\n}\n` +
  `resource ${id}Policy 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {\n  parent: ${id}\n  name: 'policy'\n  properties: { format: 'rawxml', value: loadTextContent('${file}') }\n}\n`;
const globalPolicy = (svc: string, file: string): string =>
  `resource ${svc}Global 'Microsoft.ApiManagement/service/policies@2024-05-01' = {\n  parent: ${svc}\n  name: 'policy'\n  properties: { format: 'rawxml', value: loadTextContent('${file}') }\n}\n`;

/** An operation of `api` whose policy is written in the resource's Bicep string. */
const inlineOperation = (id: string, api: string, name: string, text: string): string =>
  `resource ${id} 'Microsoft.ApiManagement/service/apis/operations@2024-05-01' = {\n  parent: ${api}\n  name: '${name}'\n  properties: { displayName: '${name}', method: 'GET', urlTemplate: '/${name}' }\n}\n` +
  `resource ${id}Policy 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {\n  parent: ${id}\n  name: 'policy'\n  properties: {\n    format: 'rawxml'\n    value: '''\n${text}'''\n  }\n}\n`;

const READ_AFTER_BASE = policy(`        <base />\n${HEADER}`);
const API_VALIDATES = policy(`        <base />\n${VALIDATE_TRUST}`);

testRule(certificateNullCheck, {
  valid: [
    {
      name: 'Bicep: the API policy is written in a Bicep string',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': service('apim') + bicepApi('orders', 'apim', 'orders', API_VALIDATES) + bicepOperation('list', 'orders', 'list', 'op.xml') },
    },
    {
      name: "Bicep: the service's global policy validates, the API policy passes it on",
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': service('apim') + globalPolicy('apim', 'global.xml') + bicepApi('orders', 'apim', 'orders', 'api.xml') + bicepOperation('list', 'orders', 'list', 'op.xml'), 'global.xml': policy(VALIDATE_TRUST), 'api.xml': policy('        <base />') },
    },
    {
      name: 'Bicep: an API without a policy passes the request to the global policy',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': service('apim') + globalPolicy('apim', 'global.xml') + bicepApi('orders', 'apim', 'orders') + bicepOperation('list', 'orders', 'list', 'op.xml'), 'global.xml': policy(VALIDATE_TRUST) },
    },
    {
      name: 'Bicep: the operation policy is written in a Bicep string, under an API policy that validates',
      code: service('apim') + bicepApi('orders', 'apim', 'orders', 'api.xml') + inlineOperation('list', 'orders', 'list', READ_AFTER_BASE),
      filename: 'main.bicep',
      files: { 'api.xml': API_VALIDATES },
    },
    {
      // A public samples' layout: top-level policy resources named by their path, no `parent:`.
      name: "Bicep: API and operation policies named by a path ('${apimName}/orders/policy', '…/orders/list/policy')",
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: {
        'main.bicep':
          "param apimName string = 'apim'\n" +
          service('apim') +
          bicepApi('orders', 'apim', 'orders') +
          apiPolicyByPath('${apimName}/orders/policy') +
          "resource opPolicy 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {\n  name: '${apimName}/orders/list/policy'\n  properties: { format: 'rawxml', value: loadTextContent('op.xml') }\n}\n",
        'api.xml': API_VALIDATES,
      },
    },
    {
      name: "Bicep: the API policy named by a literal path ('apim/orders/policy'), the operation's by parent",
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: {
        'main.bicep':
          service('apim') +
          bicepApi('orders', 'apim', 'orders') +
          apiPolicyByPath('apim/orders/policy') +
          bicepOperation('list', 'orders', 'list', 'op.xml'),
        'api.xml': API_VALIDATES,
      },
    },
    {
      name: 'APIOps workspace: the workspace policy passes the request to the global policy, which validates',
      code: READ_AFTER_BASE,
      filename: 'apimartifacts/workspaces/team-a/apis/orders/operations/list/policy.xml',
      files: { 'apimartifacts/policy.xml': policy(VALIDATE_TRUST), 'apimartifacts/workspaces/team-a/policy.xml': policy('        <base />') },
    },
  ],
  invalid: [
    {
      name: 'Bicep: an API of the same name in another service has the validating policy',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': service('internal') + service('partner') + bicepApi('internalOrders', 'internal', 'orders', 'api.xml') + bicepApi('partnerOrders', 'partner', 'orders') + bicepOperation('list', 'partnerOrders', 'list', 'op.xml'), 'api.xml': API_VALIDATES },
      findings: [{ line: 5 }],
    },
    {
      name: 'Bicep: the operation policy is written in a Bicep string, under an API without a policy',
      code: service('apim') + bicepApi('orders', 'apim', 'orders') + inlineOperation('list', 'orders', 'list', READ_AFTER_BASE),
      filename: 'main.bicep',
      findings: [{ line: 27, text: 'context.Request.Certificate.Thumbprint' }],
    },
    {
      name: "Bicep: the validating policy named by a path belongs to another API ('apim/invoices/policy')",
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: {
        'main.bicep':
          service('apim') +
          bicepApi('orders', 'apim', 'orders') +
          apiPolicyByPath('apim/invoices/policy') +
          bicepOperation('list', 'orders', 'list', 'op.xml'),
        'api.xml': API_VALIDATES,
      },
      findings: [{ line: 5 }],
    },
    {
      name: 'Bicep: the operation policy is also deployed under an API without a policy',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': service('apim') + bicepApi('partner', 'apim', 'partner', 'api.xml') + bicepOperation('echo1', 'partner', 'echo', 'op.xml') + bicepApi('open', 'apim', 'public') + bicepOperation('echo2', 'open', 'echo', 'op.xml'), 'api.xml': API_VALIDATES },
      findings: [{ line: 5 }],
    },
    {
      name: "the API policy's null check and validation are in a <when> branch",
      code: READ_AFTER_BASE,
      filename: OP,
      files: { [API]: policy(`        <base />\n        <choose>\n            <when condition="@(context.Request.Url.Path.Contains(&quot;/reports&quot;))">\n${VALIDATE_TRUST}\n            </when>\n        </choose>`) },
      findings: [{ line: 5 }],
    },
    {
      name: "the API policy's fragment is included in a <when> branch",
      code: READ_AFTER_BASE,
      filename: OP,
      files: { ...FRAGMENTS, [API]: policy(`        <base />\n        <choose>\n            <when condition="@(context.Request.Url.Path.Contains(&quot;/reports&quot;))">\n${include('validate')}\n            </when>\n        </choose>`) },
      findings: [{ line: 5 }],
    },
  ],
});

testRule(baseOmitted, {
  valid: [
    {
      name: 'Bicep: an API of the same name in another service has the validating policy',
      code: policy('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'op.xml',
      files: { 'main.bicep': service('internal') + service('partner') + bicepApi('internalOrders', 'internal', 'orders', 'api.xml') + bicepApi('partnerOrders', 'partner', 'orders') + bicepOperation('list', 'partnerOrders', 'list', 'op.xml'), 'api.xml': API_VALIDATES },
    },
  ],
  invalid: [
    {
      name: 'Bicep: the API policy written in a Bicep string validates',
      code: policy('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'op.xml',
      files: { 'main.bicep': service('apim') + bicepApi('orders', 'apim', 'orders', API_VALIDATES) + bicepOperation('list', 'orders', 'list', 'op.xml') },
      findings: [{ line: 2, message: '(validate-client-certificate in main.bicep)' }],
    },
    {
      name: "Bicep: an API policy without <base /> under the service's global policy that validates",
      code: policy('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'api.xml',
      files: { 'main.bicep': service('apim') + globalPolicy('apim', 'global.xml') + bicepApi('orders', 'apim', 'orders', 'api.xml'), 'global.xml': policy(VALIDATE_TRUST) },
      findings: [{ line: 2, message: "the global policy's inbound doesn't run here, and with it the client-certificate check it makes (validate-client-certificate in global.xml): requests to this API skip it" }],
    },
    {
      name: 'APIOps workspace: the global policy validates, through the workspace policy',
      code: policy('        <rate-limit calls="10" renewal-period="60" />'),
      filename: 'apimartifacts/workspaces/team-a/apis/orders/operations/health/policy.xml',
      files: { 'apimartifacts/policy.xml': policy(VALIDATE_TRUST), 'apimartifacts/workspaces/team-a/policy.xml': policy('        <base />') },
      findings: [{ line: 2, message: "the global policy's inbound" }],
    },
  ],
});

testRule(contextCertificateNotVerified, {
  valid: [],
  invalid: [
    { name: 'the API policy validates with ignore-error="true"', code: policy(`        <base />\n${NAME_CHECK}`), filename: OP, files: { [API]: policy('        <base />\n        <validate-client-certificate validate-trust="true" ignore-error="true" />') }, findings: [{ line: 5 }] },
    {
      name: 'the API policy validates in a <when> branch only',
      code: policy(`        <base />\n${NAME_CHECK}`),
      filename: OP,
      files: { [API]: policy(`        <base />\n        <choose>\n            <when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Partner&quot;, &quot;&quot;) == &quot;acme&quot;)">\n${VALIDATE_TRUST}\n            </when>\n        </choose>`) },
      findings: [{ line: 5 }],
    },
  ],
});

testRule(anyCertificateAccepted, {
  valid: [],
  invalid: [
    {
      name: "the API policy pins in C# in its <outbound> only",
      code: policy(`        <base />\n${PRESENCE_ONLY}`),
      filename: OP,
      files: { [API]: policy('        <base />').replace('<outbound>\n        <base />', `<outbound>\n        <base />\n${PIN_IN_CODE}`) },
      findings: [{ line: 4 }],
    },
  ],
});

testRule(contextCertificateNotVerified, {
  valid: [
    {
      name: 'a name check after a pin that every request meets',
      code: policy(`${PIN_IN_CODE}\n${NAME_CHECK}`),
      filename: 'names.xml',
    },
  ],
  invalid: [
    {
      // Requests with the partner name take the first branch and pass; the pin in the second is never met by them.
      name: 'a name check that lets requests through, before a pin in a later branch',
      code: policy(`        <choose>
            <when condition="@(context.Request.Certificate != null &amp;&amp; context.Request.Certificate.Subject == &quot;CN=partner&quot;)">
                <set-header name="X-Partner" exists-action="override"><value>yes</value></set-header>
            </when>
            <when condition="@(context.Request.Certificate == null || context.Request.Certificate.Thumbprint != &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot;)">
                <return-response><set-status code="403" /></return-response>
            </when>
        </choose>`),
      filename: 'names.xml',
      findings: [{ line: 4, message: 'by its Subject only' }],
    },
  ],
});

/** An API whose policy is written in an interpolated one-line Bicep string (`'…${x}…'`), with `inner` in its inbound. */
const interpolatedApi = (inner: string): string =>
  service('apim') +
  "param certId string\nparam body string\n" +
  bicepApi('orders', 'apim', 'orders') +
  `resource ordersPolicy 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {\n  parent: orders\n  name: 'policy'\n  properties: { format: 'rawxml', value: '<policies><inbound><base />${inner}</inbound><backend><base /></backend></policies>' }\n}\n` +
  bicepOperation('list', 'orders', 'list', 'op.xml');

testRule(certificateNullCheck, {
  valid: [
    {
      name: 'Bicep: the API policy in an interpolated string, a ${…} hole in an attribute value (an id known at deployment)',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': interpolatedApi('<validate-client-certificate validate-trust="true" /><authentication-certificate certificate-id="${certId}" />') },
    },
    {
      name: 'Bicep: a hole that is the text of an element (<set-body>${body}</set-body>) is a value: the API policy is read',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': interpolatedApi('<validate-client-certificate validate-trust="true" /><set-body>${body}</set-body>') },
    },
  ],
  invalid: [
    {
      name: 'Bicep: a hole among elements may be markup: the API policy is not read',
      code: READ_AFTER_BASE,
      filename: 'op.xml',
      files: { 'main.bicep': interpolatedApi('<validate-client-certificate validate-trust="true" />${body}') },
      findings: [{ line: 5 }],
    },
  ],
});
