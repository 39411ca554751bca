import { testRule } from '../../rule-tester';
import { policyXmlSyntax } from '../../../server/src/rules/policy-xml-syntax';

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
    { name: 'a fragment root', code: '<fragment>\n  <base />\n</fragment>\n', filename: 'shared.fragment.xml' },
  ],
  invalid: [
    { name: 'an empty policy file', code: '', filename: 'orders.policy.xml', findings: [{ line: 1, message: 'The policy is empty: APIM expects a <policies> document' }] },
    { name: 'only whitespace', code: '  \n', filename: 'orders.policy.xml', findings: [{ line: 1, message: 'The policy is empty' }] },
    { name: 'another root element', code: '<policy>\n  <inbound />\n</policy>\n', filename: 'orders.policy.xml', findings: [{ line: 1, text: 'policy', message: 'The root element is <policy>: APIM expects <policies> (or <fragment> for a policy fragment).' }] },
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
