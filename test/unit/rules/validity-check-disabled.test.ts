import { testRule } from '../../rule-tester';
import { validityCheckDisabled } from '../../../server/src/rules/validity-check-disabled';
import { V2_ONLY, deployedOn, policy } from './validation-policy.fixtures';

testRule(validityCheckDisabled, {
  valid: [
    { name: 'defaults', code: policy('<validate-client-certificate />') },
    {
      name: 'explicit true (the blog policy)',
      code: policy('<validate-client-certificate validate-revocation="false" validate-trust="{{validate-certificate-chain}}"\n                             validate-not-before="true" validate-not-after="true"\n                             ignore-error="false" />'),
      files: deployedOn('Developer'),
    },
    { name: 'named value', code: policy('<validate-client-certificate validate-not-after="{{check-expiry}}" />') },
    { name: 'validate-revocation="false" is not a validity check', code: policy('<validate-client-certificate validate-revocation="false" />') },
  ],
  invalid: [
    {
      name: 'validate-not-after="false"',
      code: policy('<validate-client-certificate validate-trust="false" validate-not-after="false" />'),
      files: V2_ONLY,
      findings: [{ line: 4, level: 'warning', text: 'validate-not-after="false"', message: 'expired client certificates are accepted' }],
      output: policy('<validate-client-certificate validate-trust="false" validate-not-after="true" />'),
    },
    {
      name: 'both disabled, on separate lines, single quotes',
      code: policy("<validate-client-certificate\n    validate-not-before='false'\n    validate-not-after='FALSE' />"),
      findings: [
        { line: 5, text: "validate-not-before='false'", message: 'not yet valid' },
        { line: 6, text: "validate-not-after='FALSE'", message: 'expired' },
      ],
      output: policy("<validate-client-certificate\n    validate-not-before='true'\n    validate-not-after='FALSE' />"),
    },
  ],
});
