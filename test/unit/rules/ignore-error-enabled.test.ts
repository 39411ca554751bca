import { testRule } from '../../rule-tester';
import { ignoreErrorEnabled } from '../../../server/src/rules/ignore-error-enabled';
import { V2_ONLY, deployedOn, policy } from './validation-policy.fixtures';

const CHECK_LAST_ERROR = `<choose>
    <when condition="@(context.LastError?.Source == "validate-client-certificate")">
        <return-response>
            <set-status code="403" reason="Forbidden" />
        </return-response>
    </when>
</choose>`;

testRule(ignoreErrorEnabled, {
  valid: [
    { name: 'ignore-error omitted (false)', code: policy('<validate-client-certificate />') },
    { name: 'ignore-error="false"', code: policy('<validate-client-certificate ignore-error="false" />'), files: deployedOn('Premium') },
    { name: 'named value: deliberate configuration', code: policy('<validate-client-certificate ignore-error="{{ignore-certificate-errors}}" />') },
    {
      name: 'rawxml: a later policy in inbound reads context.LastError',
      code: policy(`<validate-client-certificate ignore-error="true" />\n${CHECK_LAST_ERROR}`),
      files: deployedOn('Developer'),
    },
    {
      name: 'escaped xml: a later policy reads context.LastError',
      code: policy(`<validate-client-certificate ignore-error="true" />
<set-variable name="certificate-error" value="@(context.LastError == null ? &quot;&quot; : context.LastError.Reason)" />`),
    },
    {
      name: 'fragment: a later policy reads context.LastError',
      code: `<fragment>\n    <validate-client-certificate ignore-error="true" />\n    <set-variable name="e" value="@(context.LastError?.Reason)" />\n</fragment>\n`,
    },
  ],
  invalid: [
    {
      name: 'ignore-error="true" with nothing checking afterwards',
      code: policy('<validate-client-certificate ignore-error="true" validate-trust="false" />'),
      files: V2_ONLY,
      findings: [{ line: 4, level: 'warning', text: 'ignore-error="true"', message: 'nothing later in this section reads context.LastError' }],
      output: policy('<validate-client-certificate ignore-error="false" validate-trust="false" />'),
    },
    {
      name: 'context.LastError read before the policy does not count',
      code: policy(`${CHECK_LAST_ERROR}\n<validate-client-certificate ignore-error='True' />`),
      findings: [{ line: 11, text: "ignore-error='True'" }],
      output: policy(`${CHECK_LAST_ERROR}\n<validate-client-certificate ignore-error='false' />`),
    },
    {
      name: 'context.LastError read only in on-error does not count',
      code: policy('<validate-client-certificate ignore-error="true" />', { onError: '<set-header name="ErrorReason" exists-action="override">\n    <value>@(context.LastError.Reason)</value>\n</set-header>' }),
      findings: [{ line: 4, level: 'warning' }],
    },
    {
      name: 'error level when configured so',
      code: policy('<validate-client-certificate ignore-error="true" />'),
      level: 'error',
      findings: [{ line: 4, level: 'error' }],
    },
  ],
});
