import { testRule } from '../../rule-tester';
import { policyXmlSyntax } from '../../../server/src/rules/policy-xml-syntax';
import { apiBicep, fragmentBicep } from './bicep-service.fixtures';

/** A Bicep policy fragment named 'client-cert' that loads `fragments/client-cert.xml`. */
const FRAGMENT_BICEP = fragmentBicep('fragments/client-cert.xml');

testRule(policyXmlSyntax, {
  valid: [
    {
      name: 'rawxml: raw quotes, generics, < and && inside expressions',
      code: `<policies>
  <inbound>
    <choose>
      <when condition="@(context.Variables.GetValueOrDefault<string>("x") != null && context.Request.Certificate == null)">
        <return-response><set-status code="401" /></return-response>
      </when>
    </choose>
  </inbound>
</policies>
`,
    },
    {
      name: 'escaped xml format, a {{named value}}, a multi-line block',
      code: `<policies>
  <inbound>
    <set-header name="X-Client" exists-action="override">
      <value>@{ var s = context.Request.Certificate?.Subject ?? &quot;none&quot;; return s + "{{suffix}}"; }</value>
    </set-header>
  </inbound>
</policies>
`,
    },
    { name: 'a fragment root', code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n', filename: 'shared.fragment.xml' },
    {
      // ImageMagick's hardening file, as Docker images ship it: not APIM's, though named policy.xml.
      name: "another tool's policy.xml (ImageMagick), with a DOCTYPE internal subset, that nothing deploys",
      code: '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE policymap [\n  <!ELEMENT policymap (policy)*>\n  <!ATTLIST policy domain (delegate|coder|filter|path|resource) #IMPLIED>\n]>\n<policymap>\n  <policy domain="coder" rights="none" pattern="PS" />\n</policymap>\n',
      filename: 'docker/policy.xml',
    },
    { name: 'a snippet to paste into a policy (Azure/api-management-policy-snippets)', code: '<!-- Add to the inbound section -->\n<set-header name="X-Correlation-Id" exists-action="skip">\n  <value>@(context.RequestId.ToString())</value>\n</set-header>\n', filename: 'Snippets/Forward Correlation Id.policy.xml' },
    { name: 'an empty file that nothing deploys, outside an APIOps extract', code: '', filename: 'orders.policy.xml' },
    { name: 'a fragment where the APIOps extractor puts fragments', code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n', filename: 'apimartifacts/policyFragments/client-cert/policy.xml' },
    { name: 'a fragment the Bicep deploys as policyFragments', code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n', filename: 'fragments/client-cert.xml', files: { 'main.bicep': FRAGMENT_BICEP } },
    { name: 'a fragment root nothing deploys, outside an extract: not judged', code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n', filename: 'orders.policy.xml' },
  ],
  invalid: [
    { name: 'an empty policy file (in an APIOps extract)', code: '', filename: 'apimartifacts/apis/orders/policy.xml', findings: [{ line: 1, message: 'The policy is empty: APIM expects a <policies> document' }] },
    { name: 'only whitespace', code: '  \n', filename: 'apimartifacts/apis/orders/operations/get/policy.xml', findings: [{ line: 1, message: 'The policy is empty' }] },
    {
      name: 'another root element, in a file the Bicep deploys',
      code: '<policy>\n  <inbound />\n</policy>\n',
      filename: 'orders.policy.xml',
      files: { 'main.bicep': apiBicep('./orders.policy.xml') },
      findings: [{ line: 1, text: 'policy', message: 'The root element is <policy>: APIM expects <policies> (or <fragment> for a policy fragment).' }] },
    {
      name: 'a <fragment> deployed as an operation policy by the Bicep',
      code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n',
      filename: 'orders.policy.xml',
      files: { 'main.bicep': apiBicep('./orders.policy.xml') },
      findings: [{ line: 1, text: 'fragment', message: 'The root element is <fragment>, but this file is deployed as an operation policy by the Bicep: APIM expects <policies> there' }],
    },
    {
      name: 'a <fragment> where the APIOps extractor puts an API policy',
      code: '<fragment>\n  <set-variable name="a" value="b" />\n</fragment>\n',
      filename: 'apimartifacts/apis/orders/policy.xml',
      findings: [{ line: 1, text: 'fragment', message: 'lies where the APIOps extractor puts a policy (apis/, products/ or workspaces/): APIM expects <policies> there' }],
    },
    {
      name: 'a <policies> document deployed as a policy fragment, and one in an extract’s policyFragments/',
      code: '<policies>\n  <inbound><base /></inbound>\n</policies>\n',
      filename: 'fragments/client-cert.xml',
      files: { 'main.bicep': FRAGMENT_BICEP },
      findings: [{ line: 1, text: 'policies', message: 'The root element is <policies>, but this file is deployed as a policy fragment (policyFragments in the Bicep): APIM expects <fragment> there' }],
    },
    {
      name: 'a <policies> document in an extract’s workspace policyFragments/',
      code: '<policies>\n  <inbound><base /></inbound>\n</policies>\n',
      filename: 'apimartifacts/workspaces/team/policyFragments/client-cert/policy.xml',
      findings: [{ line: 1, text: 'policies', message: 'lies where the APIOps extractor puts a policy fragment (policyFragments/<id>/): APIM expects <fragment> there' }],
    },
    {
      // Microsoft Learn: "A policy fragment can't include a policy section identifier (<inbound>, <outbound>, etc.) or the <base/> element."
      name: 'a fragment holding a section and <base /> (a whole policy pasted into <fragment>), wherever it lies',
      code: '<fragment>\n  <inbound>\n    <base />\n    <validate-client-certificate validate-trust="false" />\n  </inbound>\n</fragment>\n',
      filename: 'client-cert.fragment.xml',
      findings: [
        { line: 2, text: 'inbound', message: 'A policy fragment can’t hold a policy section (<inbound>): APIM rejects the fragment.' },
        { line: 3, text: 'base', message: 'A policy fragment can’t hold <base />' },
      ],
    },
    {
      name: 'an element never closed and a stray end tag',
      code: `<policies>
    <backend>
        <base />
    </outbound>
</policies>
`,
      findings: [
        { line: 2, level: 'error', message: "Element '<backend>' is not closed" },
        { line: 4, level: 'error', message: "Unexpected end tag '</outbound>'" },
      ],
    },
    {
      name: 'a duplicate attribute',
      code: '<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false" validate-trust="true" />\n  </inbound>\n</policies>\n',
      findings: [{ line: 3, level: 'error', message: 'validate-trust' }],
    },
  ],
});
