import { testRule } from '../../rule-tester';
import { policyAttributes } from '../../../server/src/rules/policy-attributes';
import { ANY_TIER, CLIENT_01_THUMBPRINT, deployedOn, policy } from './validation-policy.fixtures';

testRule(policyAttributes, {
  valid: [
    {
      name: "booleans filled in by a template before deployment (Terraform's templatefile)",
      code: policy('<validate-client-certificate validate-revocation="${validate_trust}" validate-trust="${validate_trust}" />'),
    },
    {
      name: 'every attribute, booleans and named values (the blog policy)',
      code: policy(`<validate-client-certificate validate-revocation="false" validate-trust="{{validate-certificate-chain}}"
                             validate-not-before="true" validate-not-after="True"
                             ignore-error="false">
    <identities>
        <identity subject="CN=Client 01" issuer-subject="CN=APIM Sample DEV Intermediate CA" />
        <identity thumbprint="${CLIENT_01_THUMBPRINT}" serial-number="1001" common-name="Client 01" dns-name="client01.contoso.com" issuer-thumbprint="{{ca-thumbprint}}" />
        <identity issuer-certificate-id="dev-intermediate-ca" subject="CN=Client 02" />
    </identities>
</validate-client-certificate>`),
      files: ANY_TIER,
    },
    {
      // Microsoft Learn's validate-client-certificate example: a raw quote inside a value ends it early. That is a
      // policy-xml-syntax error; the rest of the value is not a list of unknown attributes.
      name: 'the debris of a value cut short by a raw quote is not judged as attributes',
      code: policy(`<validate-client-certificate validate-trust="true">
    <identities>
        <identity subject="C=US, ST=Illinois, L=Chicago, O="Contoso, Inc.", CN=*.contoso.com" issuer-subject="C=BE, O=FabrikamSign nv-sa" />
    </identities>
</validate-client-certificate>`),
    },
    { name: 'other policies are not judged', code: policy('<set-header name="a" exists-action="override" certificate-id="x" />') },
    {
      // The policy schema declares an optional id on validate-client-certificate (an XSD of the policy, found in a public repository).
      name: 'an id attribute',
      code: policy(`<validate-client-certificate id="mtls" validate-trust="false">
    <identities>
        <identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" />
    </identities>
</validate-client-certificate>`),
    },
  ],
  invalid: [
    {
      name: 'certificate-id does not exist on <identity>',
      code: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity certificate-id="dev-client-01" />
    </identities>
</validate-client-certificate>`),
      files: deployedOn('StandardV2'),
      findings: [{ line: 6, level: 'error', text: 'certificate-id', message: 'There is no certificate-id: pin the client certificate with thumbprint' }],
      output: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity issuer-certificate-id="dev-client-01" />
    </identities>
</validate-client-certificate>`),
    },
    {
      name: 'misspelt attribute on validate-client-certificate',
      code: policy('<validate-client-certificate validate-trusts="false" />'),
      findings: [{ line: 4, text: 'validate-trusts', message: 'Did you mean validate-trust?' }],
      output: policy('<validate-client-certificate validate-trust="false" />'),
    },
    {
      name: 'misspelt identity attribute (issuer instead of issuer-subject)',
      code: policy('<validate-client-certificate>\n    <identities>\n        <identity subject="CN=Client 01" issuer="CN=Root" />\n    </identities>\n</validate-client-certificate>'),
      findings: [{ line: 6, text: 'issuer', message: 'has no attribute "issuer"' }],
    },
    {
      name: 'rawxml policy expression in a boolean attribute',
      code: policy('<validate-client-certificate validate-trust="@(context.Deployment.Region != "West Europe")" />'),
      findings: [{ line: 4, text: '@(context.Deployment.Region != "West Europe")', message: 'Policy expressions are not allowed in validate-trust' }],
    },
    {
      name: 'escaped xml policy expression',
      code: policy('<validate-client-certificate ignore-error="@(context.Variables.ContainsKey(&quot;skip&quot;))" />'),
      findings: [{ line: 4, text: '@(context.Variables.ContainsKey(&quot;skip&quot;))', message: 'ignore-error' }],
    },
    {
      name: 'not a boolean: "yes" becomes true',
      code: policy('<validate-client-certificate validate-not-after="yes" validate-revocation="" />'),
      findings: [
        { line: 4, text: 'yes', message: 'validate-not-after must be "true" or "false"' },
        { line: 4, text: 'validate-revocation=""', message: 'validate-revocation' },
      ],
      output: policy('<validate-client-certificate validate-not-after="true" validate-revocation="" />'),
    },
    {
      name: 'issuer-certificate-id combined with issuer-subject and issuer-thumbprint',
      code: policy(`<validate-client-certificate>
    <identities>
        <identity subject="CN=Client 01" issuer-subject="CN=Dev CA" issuer-certificate-id="dev-ca" issuer-thumbprint="{{ca}}" />
    </identities>
</validate-client-certificate>`),
      findings: [{ line: 6, text: 'issuer-certificate-id="dev-ca"', message: "can't be combined with issuer-subject and issuer-thumbprint" }],
      output: policy(`<validate-client-certificate>
    <identities>
        <identity subject="CN=Client 01" issuer-certificate-id="dev-ca" />
    </identities>
</validate-client-certificate>`),
    },
  ],
});
