import { testRule } from '../../rule-tester';
import { allRules } from '../../../server/src/rules';
import { inbound } from './expression-policy.fixtures';

const [policyPart, bicepPart] = ['policy', 'bicep'].map((target) => allRules.find((r) => r.id === 'unknown-rule-id' && r.target === target)!);

const IDENTITY = '<validate-client-certificate validate-trust="true"><identities><identity subject="CN=partner" /></identities></validate-client-certificate>';

testRule(policyPart!, {
  valid: [
    { name: 'a rule id as written', code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${IDENTITY}`) },
    { name: 'several ids, comma or space separated', code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint, any-certificate-accepted ignore-error-enabled -->\n${IDENTITY}`) },
    { name: 'without ids: every rule', code: inbound(`<!-- apim-mtls-disable -->\n${IDENTITY}\n<!-- apim-mtls-enable -->`) },
    { name: 'a reason written after the ids: its words are far from every rule id', code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint legacy partner, see ticket OPS-1234 (short-lived) -->\n${IDENTITY}`) },
    { name: 'an ordinary comment that mentions a rule-like word', code: inbound(`<!-- identity-without-thumbprnt is what we fixed last week -->\n${IDENTITY}`) },
    { name: 'a word without a hyphen is never taken for a rule id', code: inbound(`<!-- apim-mtls-disable-next-line thumbprintcase -->\n${IDENTITY}`) },
  ],
  invalid: [
    {
      name: 'a typo in disable-next-line',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprnt -->\n${IDENTITY}`),
      findings: [{ line: 4, level: 'warning', text: 'identity-without-thumbprnt', message: /this disable-next-line comment suppresses nothing: did you mean 'identity-without-thumbprint'\?/ }],
      output: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${IDENTITY}`),
    },
    {
      name: 'the second of two ids, in a region; and its enable comment',
      code: inbound(`<!-- apim-mtls-disable any-certificate-accepted,ignore-eror-enabled -->\n${IDENTITY}\n<!-- apim-mtls-enable ignore-eror-enabled -->`),
      findings: [
        { line: 4, text: 'ignore-eror-enabled', message: "this disable comment suppresses nothing: did you mean 'ignore-error-enabled'?" },
        { line: 6, text: 'ignore-eror-enabled', message: "this enable comment turns nothing back on: did you mean 'ignore-error-enabled'?" },
      ],
      output: inbound(`<!-- apim-mtls-disable any-certificate-accepted,ignore-error-enabled -->\n${IDENTITY}\n<!-- apim-mtls-enable ignore-eror-enabled -->`),
    },
    {
      name: 'a rule id in capitals is not the rule id',
      code: inbound(`<!-- apim-mtls-disable-next-line Identity-Without-Thumbprint -->\n${IDENTITY}`),
      findings: [{ line: 4, text: 'Identity-Without-Thumbprint', message: "did you mean 'identity-without-thumbprint'?" }],
    },
  ],
});

const SERVICE = `resource apim 'Microsoft.ApiManagement/service@2023-05-01-preview' = {
  name: 'apim'
  location: 'westeurope'
  sku: { name: 'StandardV2', capacity: 1 }
  properties: { publisherEmail: 'a@b.c', publisherName: 'n' }
}
`;

testRule(bicepPart!, {
  valid: [
    { name: "Bicep's own codes and linter rules are left alone", code: `#disable-next-line BCP081 no-unused-vars use-recent-api-versions\n${SERVICE}` },
    { name: 'an apim-mtls rule id', code: `#disable-diagnostics ca-certificates-unsupported-tier\n${SERVICE}` },
  ],
  invalid: [
    {
      name: 'a typo in #disable-next-line',
      code: `#disable-next-line client-certificate-not-enable\n${SERVICE}`,
      filename: 'main.bicep',
      findings: [{ line: 1, level: 'warning', text: 'client-certificate-not-enable', message: "did you mean 'client-certificate-not-enabled'?" }],
      output: `#disable-next-line client-certificate-not-enabled\n${SERVICE}`,
    },
    {
      name: 'a typo in #restore-diagnostics',
      code: `#disable-diagnostics ca-certificates-unsupported-tier\n${SERVICE}#restore-diagnostics ca-certificate-unsupported-tier\n`,
      findings: [{ line: 8, text: 'ca-certificate-unsupported-tier', message: 'this restore-diagnostics comment turns nothing back on' }],
    },
  ],
});
