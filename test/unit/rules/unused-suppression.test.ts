import { testRule } from '../../rule-tester';
import { allRules } from '../../../server/src/rules';
import { anyCertificateAccepted } from '../../../server/src/rules/any-certificate-accepted';
import { caCertificatesUnsupportedTier } from '../../../server/src/rules/ca-certificates-unsupported-tier';
import { clientCertificateNotEnabled } from '../../../server/src/rules/client-certificate-not-enabled';
import { identityWithoutThumbprint } from '../../../server/src/rules/identity-without-thumbprint';
import { inbound } from './expression-policy.fixtures';
import { serviceBicep } from './bicep-service.fixtures';

const [policyPart, bicepPart] = ['policy', 'bicep'].map((target) => allRules.find((r) => r.id === 'unused-suppression' && r.target === target)!);

// The rules whose findings the comments below suppress (or don't): they run alongside, as in a real lint.
// The rule is off unless asked for: each case turns it on, as --report-unused-suppressions does.
const POLICY_RULES = { withRules: [identityWithoutThumbprint, anyCertificateAccepted], sku: ['Premium' as const], level: 'warning' as const };

/** An identity without a thumbprint while the chain isn't validated: `identity-without-thumbprint` reports it. */
const SPOOFABLE = '<validate-client-certificate validate-trust="false"><identities><identity subject="CN=partner" /></identities></validate-client-certificate>';
/** The same identity with the chain validated: nothing to report. */
const TRUSTED = '<validate-client-certificate validate-trust="true"><identities><identity subject="CN=partner" /></identities></validate-client-certificate>';

testRule(policyPart!, {
  valid: [
    { name: 'disable-next-line that suppresses a finding', code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${SPOOFABLE}`), ...POLICY_RULES },
    { name: 'a region that suppresses a finding', code: inbound(`<!-- apim-mtls-disable identity-without-thumbprint -->\n${SPOOFABLE}\n<!-- apim-mtls-enable identity-without-thumbprint -->`), ...POLICY_RULES },
    { name: 'a region without ids that suppresses a finding', code: inbound(`<!-- apim-mtls-disable -->\n${SPOOFABLE}\n<!-- apim-mtls-enable -->`), ...POLICY_RULES },
    {
      name: 'words that are not rule ids: a reason, a typo (unknown-rule-id reports it), another tool’s id',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint legacy partner OPS-1234 identity-without-thumbprnt -->\n${SPOOFABLE}`),
      ...POLICY_RULES,
    },
    {
      name: 'off by default',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${TRUSTED}`),
      ...POLICY_RULES,
      level: undefined,
    },
    {
      name: 'a policy that no Bicep deploys, with no tier configured, is not judged (a run with more files may need it)',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${TRUSTED}`),
      ...POLICY_RULES,
      sku: undefined,
    },
    { name: 'enable comments are not judged', code: inbound(`<!-- apim-mtls-enable any-certificate-accepted -->\n${TRUSTED}`), ...POLICY_RULES },
    {
      name: 'a comment naming unused-suppression silences it on the next line, and is never judged itself',
      code: inbound(`<!-- apim-mtls-disable-next-line unused-suppression -->\n<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${TRUSTED}`),
      ...POLICY_RULES,
    },
  ],
  invalid: [
    {
      name: 'disable-next-line above a line with nothing to suppress: the comment goes, with its line',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${TRUSTED}`),
      ...POLICY_RULES,
      findings: [{ line: 4, level: 'warning', text: 'identity-without-thumbprint', message: "Unused suppression: no 'identity-without-thumbprint' problem is reported on the next line." }],
      output: inbound(TRUSTED),
    },
    {
      name: 'the second of two ids unused: only it goes',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint, any-certificate-accepted -->\n${SPOOFABLE}`),
      ...POLICY_RULES,
      findings: [{ line: 4, text: 'any-certificate-accepted', message: "no 'any-certificate-accepted' problem" }],
      output: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${SPOOFABLE}`),
    },
    {
      name: 'the first of two ids unused: only it goes',
      code: inbound(`<!-- apim-mtls-disable-next-line any-certificate-accepted identity-without-thumbprint -->\n${SPOOFABLE}`),
      ...POLICY_RULES,
      findings: [{ line: 4, text: 'any-certificate-accepted' }],
      output: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${SPOOFABLE}`),
    },
    {
      name: 'a region without ids that suppresses nothing',
      code: inbound(`<!-- apim-mtls-disable -->\n${TRUSTED}\n<!-- apim-mtls-enable -->`),
      ...POLICY_RULES,
      findings: [{ line: 4, text: '<!-- apim-mtls-disable -->', message: 'Unused suppression: no problem is reported in the region it disables.' }],
      output: inbound(`${TRUSTED}\n<!-- apim-mtls-enable -->`),
    },
    {
      name: 'a region whose problem comes after it is turned back on',
      code: inbound(`<!-- apim-mtls-disable identity-without-thumbprint -->\n${TRUSTED}\n<!-- apim-mtls-enable identity-without-thumbprint -->\n${SPOOFABLE}`),
      ...POLICY_RULES,
      findings: [{ line: 4, text: 'identity-without-thumbprint', message: 'in the region it disables' }],
    },
    {
      name: 'a rule turned off in the configuration: the message says so',
      code: inbound(`<!-- apim-mtls-disable-next-line identity-without-thumbprint -->\n${SPOOFABLE}`),
      ...POLICY_RULES,
      levels: { 'identity-without-thumbprint': 'off' },
      findings: [{ line: 4, message: "('identity-without-thumbprint' is off for this file.)" }],
    },
    {
      name: 'a comment after code on its line: only the comment goes; the configured level applies',
      code: inbound(`${TRUSTED} <!-- apim-mtls-disable any-certificate-accepted -->`),
      ...POLICY_RULES,
      level: 'info',
      findings: [{ line: 4, level: 'info', text: 'any-certificate-accepted' }],
      output: inbound(`${TRUSTED} `),
    },
  ],
});

const ENTRY = "[\n  {\n    encodedCertificate: loadTextContent('./certs/root-ca.without-markers.cer')\n    storeName: 'Root'\n  }\n]";
const BICEP_RULES = { withRules: [caCertificatesUnsupportedTier, clientCertificateNotEnabled], level: 'warning' as const };

testRule(bicepPart!, {
  valid: [
    {
      name: '#disable-next-line that suppresses a finding',
      code: serviceBicep("'StandardV2'", `enableClientCertificate: true\n#disable-next-line ca-certificates-unsupported-tier\ncertificates: ${ENTRY}`),
      ...BICEP_RULES,
    },
    { name: "Bicep's own codes are not judged", code: `#disable-next-line BCP081 no-unused-vars\n${serviceBicep("'Premium'")}`, ...BICEP_RULES },
  ],
  invalid: [
    {
      name: "an unused id beside Bicep's own code: only the id goes",
      code: serviceBicep("'Premium'", `#disable-next-line ca-certificates-unsupported-tier BCP081\ncertificates: ${ENTRY}`),
      ...BICEP_RULES,
      findings: [{ line: 11, text: 'ca-certificates-unsupported-tier', message: "no 'ca-certificates-unsupported-tier' problem is reported on the next line" }],
      output: serviceBicep("'Premium'", `#disable-next-line BCP081\ncertificates: ${ENTRY}`),
    },
    {
      name: '#disable-diagnostics of the whole file with nothing to suppress: its line goes',
      code: `#disable-diagnostics client-certificate-not-enabled\n${serviceBicep("'Premium'")}`,
      ...BICEP_RULES,
      findings: [{ line: 1, text: 'client-certificate-not-enabled', message: 'reported after it' }],
      output: serviceBicep("'Premium'"),
    },
  ],
});
