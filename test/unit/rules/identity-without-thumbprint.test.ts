import { testRule } from '../../rule-tester';
import { identityWithoutThumbprint } from '../../../server/src/rules/identity-without-thumbprint';
import { ANY_TIER, CLIENT_01_PEM, CLIENT_01_THUMBPRINT, DEV_CA_PEM, deployedOn, policy, withNamedValue } from './validation-policy.fixtures';

/** A validate-client-certificate with these attributes and one `<identity>` per entry. */
function vcc(attributes: string, ...identities: string[]): string {
  const ids = identities.map((i) => `        <identity ${i} />`).join('\n');
  return `<validate-client-certificate${attributes ? ` ${attributes}` : ''}>
    <identities>
${ids}
    </identities>
</validate-client-certificate>`;
}

const NAMES = 'subject="CN=Client 01, O=Contoso" issuer-subject="CN=APIM Sample DEV Intermediate CA"';
const CERTS = { 'certs/dev-client-01.cer': CLIENT_01_PEM, 'certs/dev-intermediate-ca.cer': DEV_CA_PEM };

testRule(identityWithoutThumbprint, {
  valid: [
    {
      name: 'names only; the pin is the second branch, after one that rejects a missing certificate',
      code: policy(
        `${vcc('validate-trust="false"', NAMES)}\n<choose>\n    <when condition="@(context.Request.Certificate == null)">\n        <return-response><set-status code="401" /></return-response>\n    </when>\n    <when condition="@(context.Request.Certificate.Thumbprint != &quot;{{partner-thumbprint}}&quot;)">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>`,
      ),
      files: deployedOn('StandardV2'),
    },
    {
      name: 'names only, but the policy pins the thumbprint in C# after it',
      code: policy(
        `${vcc('validate-trust="false"', NAMES)}\n<choose>\n    <when condition="@(!context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint))">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>`,
      ),
      files: deployedOn('StandardV2'),
    },
    { name: 'classic tier validates the chain: names are enough', code: policy(vcc('', NAMES)), files: deployedOn('Premium') },
    {
      name: 'named validate-trust that the Bicep sets to "true" on a classic service: the chain is validated',
      code: policy(vcc('validate-trust="{{validate-certificate-chain}}"', NAMES)),
      files: withNamedValue(deployedOn('Premium'), "'true'"),
    },
    { name: 'unknown SKU with chain validation', code: policy(vcc('validate-trust="true"', NAMES)) },
    {
      name: 'the blog pattern pinned by a named-value thumbprint',
      code: policy(vcc('validate-revocation="false" validate-trust="{{validate-certificate-chain}}"', 'thumbprint="{{client-thumbprint}}"')),
      files: ANY_TIER,
    },
    { name: 'issuer-thumbprint pins', code: policy(vcc('validate-trust="false"', `subject="CN=Client 01" issuer-thumbprint="${CLIENT_01_THUMBPRINT}"`)), files: deployedOn('StandardV2') },
    { name: 'issuer-certificate-id pins', code: policy(vcc('validate-trust="false"', 'common-name="Client 01" issuer-certificate-id="dev-intermediate-ca"')), files: deployedOn('BasicV2') },
    {
      name: 'only an attribute APIM doesn\'t know (certificate-id): policy-attributes reports it, not this rule',
      code: policy(vcc('validate-trust="false"', 'certificate-id="partner"')),
      files: deployedOn('StandardV2'),
    },
  ],
  invalid: [
    {
      name: 'an identity without claims matches every certificate',
      code: policy(vcc('validate-trust="false"', '')),
      files: deployedOn('StandardV2'),
      findings: [{ line: 6, level: 'warning', message: 'This identity has no claims, so every certificate matches it, and validate-trust is "false": anyone can create a certificate and pass.' }],
    },
    {
      name: 'names beside an unknown attribute: the names are listed, not the unknown attribute',
      code: policy(vcc('validate-trust="false"', 'subject="CN=Client 01" certificate-id="partner"')),
      files: deployedOn('StandardV2'),
      findings: [{ line: 6, message: 'This identity matches only subject, and' }],
    },
    {
      name: 'names only; the C# pin is in a branch that an earlier branch lets requests skip: still spoofable',
      code: policy(
        `${vcc('validate-trust="false"', NAMES)}\n<choose>\n    <when condition="@(context.Request.Headers.GetValueOrDefault(&quot;X-Source&quot;, &quot;&quot;) == &quot;internal&quot;)">\n        <set-variable name="source" value="internal" />\n    </when>\n    <when condition="@(context.Request.Certificate.Thumbprint != &quot;{{partner-thumbprint}}&quot;)">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>`,
      ),
      files: deployedOn('StandardV2'),
      findings: [{ line: 6, level: 'warning' }],
    },
    {
      name: 'v2 tier with validate-trust="false": thumbprint of the matching workspace certificate',
      code: policy(vcc('validate-trust="false"', NAMES)),
      files: { ...deployedOn('StandardV2'), ...CERTS },
      findings: [{ line: 6, level: 'warning', text: 'identity', message: 'matches only subject and issuer-subject, and validate-trust is "false"' }],
      output: policy(vcc('validate-trust="false"', `${NAMES} thumbprint="${CLIENT_01_THUMBPRINT}"`)),
    },
    {
      name: 'the blog pattern: named validate-trust on a service that may be classic or v2 (rawxml on-error reading LastError)',
      code: policy(vcc('validate-revocation="false" validate-trust="{{validate-certificate-chain}}"', 'subject="CN=Client 01" issuer-subject="CN=APIM Sample DEV Intermediate CA"'), {
        onError: '<set-header name="ErrorReason" exists-action="override">\n    <value>@(context.LastError.Reason)</value>\n</set-header>',
      }),
      files: ANY_TIER,
      findings: [{ line: 6, level: 'warning', message: 'validate-trust comes from {{validate-certificate-chain}} and may be false, while Consumption, BasicV2, StandardV2, PremiumV2 (among the possible SKUs' }],
      output: policy(vcc('validate-revocation="false" validate-trust="{{validate-certificate-chain}}"', 'subject="CN=Client 01" issuer-subject="CN=APIM Sample DEV Intermediate CA" thumbprint="{{client-certificate-thumbprint}}"'), {
        onError: '<set-header name="ErrorReason" exists-action="override">\n    <value>@(context.LastError.Reason)</value>\n</set-header>',
      }),
    },
    {
      name: 'named validate-trust that the Bicep sets to "false" on a classic service: certain, named in the message',
      code: policy(vcc('validate-trust="{{validate-certificate-chain}}"', NAMES)),
      files: withNamedValue(deployedOn('Premium'), "'false'"),
      findings: [{ line: 6, level: 'warning', message: 'validate-trust comes from {{validate-certificate-chain}}, which the named value in main.bicep may make "false" on Premium:' }],
    },
    {
      name: 'the tier switch on a service that may be classic or v2: names are spoofable on the v2 tiers only',
      code: policy(vcc('validate-trust="{{validate-certificate-chain}}"', NAMES)),
      files: withNamedValue(ANY_TIER, "contains(['Developer', 'Basic', 'Standard', 'Premium'], apiManagementSettings.sku) ? 'true' : 'false'"),
      findings: [{ line: 6, level: 'warning', message: /, while Consumption, BasicV2, StandardV2, PremiumV2 \(among the possible SKUs[^)]*\) can't validate certificate chains:/ }],
    },
    {
      name: 'named validate-trust on a classic tier: warning',
      code: policy(vcc('validate-trust="{{validate-certificate-chain}}"', NAMES)),
      sku: ['Developer'],
      findings: [{ line: 6, level: 'warning', message: /comes from \{\{validate-certificate-chain\}\} and may be false:/ }],
    },
    {
      name: 'Consumption with the default validate-trust: the chain can never be validated',
      code: policy(vcc('', 'common-name="Client 01" dns-name="client01.contoso.com"')),
      files: deployedOn('Consumption'),
      findings: [{ line: 6, level: 'warning', message: "Consumption (from main.bicep) can't validate certificate chains" }],
    },
    {
      name: 'only the unpinned identity of two; a CA certificate is never offered',
      code: policy(vcc('validate-trust="false"', `thumbprint="${CLIENT_01_THUMBPRINT}"`, 'subject="CN=APIM Sample DEV Intermediate CA"')),
      files: { ...deployedOn('Developer'), ...CERTS },
      findings: [{ line: 7, level: 'warning', text: 'identity' }],
      output: policy(vcc('validate-trust="false"', `thumbprint="${CLIENT_01_THUMBPRINT}"`, 'subject="CN=APIM Sample DEV Intermediate CA" thumbprint="{{client-certificate-thumbprint}}"')),
    },
    {
      name: 'serial number + issuer subject is not a pin; the serial matches the workspace certificate',
      code: policy(vcc("validate-trust='false'", "serial-number='10:01' issuer-subject='CN=APIM Sample DEV Intermediate CA'")),
      files: { ...deployedOn('PremiumV2'), ...CERTS },
      findings: [{ line: 6, level: 'warning' }],
      output: policy(vcc("validate-trust='false'", `serial-number='10:01' issuer-subject='CN=APIM Sample DEV Intermediate CA' thumbprint="${CLIENT_01_THUMBPRINT}"`)),
    },
    {
      name: 'configured as error: certain findings are errors',
      code: policy(vcc('validate-trust="false"', NAMES)),
      files: deployedOn('StandardV2'),
      level: 'error',
      findings: [{ line: 6, level: 'error' }],
    },
    {
      name: 'configured as error: a named value that may be true caps it at warning',
      code: policy(vcc('validate-trust="{{validate-certificate-chain}}"', NAMES)),
      files: deployedOn('Premium'),
      level: 'error',
      findings: [{ line: 6, level: 'warning' }],
    },
    {
      name: 'escaped DN with a quoted comma',
      code: policy(vcc('validate-trust="false"', 'subject="O=&quot;Contoso, Inc.&quot;, CN=Client 01"')),
      sku: ['BasicV2'],
      findings: [{ line: 6, level: 'warning' }],
    },
  ],
});
