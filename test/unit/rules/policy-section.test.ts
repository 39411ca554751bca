import { testRule } from '../../rule-tester';
import { policySection } from '../../../server/src/rules/policy-section';
import { deployedOn, policy } from './validation-policy.fixtures';

const VCC = '<validate-client-certificate validate-trust="true">\n    <identities>\n        <identity thumbprint="{{client-thumbprint}}" />\n    </identities>\n</validate-client-certificate>';

const FRAGMENT = `<fragment>\n    ${VCC.replace(/\n/g, '\n    ')}\n</fragment>\n`;

testRule(policySection, {
  valid: [
    { name: 'in inbound', code: policy(VCC), files: deployedOn('Premium') },
    { name: 'nested in a choose in inbound', code: policy(`<choose>\n    <when condition="@(context.Request.Certificate != null)">\n        <validate-client-certificate />\n    </when>\n</choose>`) },
    { name: 'fragment: the section is unknown', code: '<fragment>\n    <validate-client-certificate />\n</fragment>\n' },
    {
      name: 'a fragment with validate-client-certificate included in inbound',
      code: policy('<include-fragment fragment-id="client-cert" />'),
      files: { 'client-cert.fragment.xml': FRAGMENT },
    },
    {
      name: 'a fragment without validate-client-certificate included in outbound',
      code: policy('', { outbound: '<include-fragment fragment-id="headers" />' }),
      files: { 'headers.fragment.xml': '<fragment>\n    <set-header name="X-A" exists-action="delete" />\n</fragment>\n' },
    },
  ],
  invalid: [
    {
      name: 'a fragment with validate-client-certificate included in outbound',
      code: policy('<include-fragment fragment-id="client-cert" />', { outbound: '<include-fragment fragment-id="client-cert" />' }),
      files: { 'client-cert.fragment.xml': FRAGMENT },
      findings: [{ line: 11, level: 'error', text: 'include-fragment', message: "The fragment 'client-cert' holds validate-client-certificate, which is allowed only in <inbound>, and is included here in <outbound>" }],
    },
    {
      name: 'through a fragment that includes the validating one, in on-error',
      code: policy('', { onError: '<include-fragment fragment-id="outer" />' }),
      files: { 'outer.fragment.xml': '<fragment>\n    <include-fragment fragment-id="client-cert" />\n</fragment>\n', 'client-cert.fragment.xml': FRAGMENT },
      findings: [{ line: 14, text: 'include-fragment', message: "(through the fragment 'client-cert' it includes)" }],
    },
    {
      name: 'in outbound: moved to inbound after <base />',
      code: policy('<set-header name="X-Api" exists-action="override">\n    <value>protected</value>\n</set-header>', { outbound: VCC }),
      files: deployedOn('Developer'),
      findings: [{ line: 13, level: 'error', text: 'validate-client-certificate', message: 'not in <outbound>' }],
      output: policy(`${VCC}\n<set-header name="X-Api" exists-action="override">\n    <value>protected</value>\n</set-header>`),
    },
    {
      name: 'in backend, self-closing',
      code: policy('<set-variable name="a" value="b" />', { backend: '<validate-client-certificate />' }),
      findings: [{ line: 8, text: 'validate-client-certificate', message: '<backend>' }],
      output: policy('<validate-client-certificate />\n<set-variable name="a" value="b" />'),
    },
    {
      name: 'nested in on-error: no move offered',
      code: policy('', { onError: '<choose>\n    <when condition="@(context.LastError != null)">\n        <validate-client-certificate />\n    </when>\n</choose>' }),
      findings: [{ line: 16, text: 'validate-client-certificate', message: '<on-error>' }],
    },
  ],
});
