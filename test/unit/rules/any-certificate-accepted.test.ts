import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplesDir } from '../../helpers';
import { lintCase, testRule } from '../../rule-tester';
import { anyCertificateAccepted } from '../../../server/src/rules/any-certificate-accepted';
import { ANY_TIER, CLIENT_01_PEM, CLIENT_01_THUMBPRINT, DEV_CA_PEM, V2_ONLY, deployedOn, policy, withNamedValue } from './validation-policy.fixtures';

const PINNED = `<validate-client-certificate validate-trust="{{validate-certificate-chain}}">
    <identities>
        <identity thumbprint="${CLIENT_01_THUMBPRINT}" />
    </identities>
</validate-client-certificate>`;

const WITH_PLACEHOLDER = (attributes: string): string => `<validate-client-certificate ${attributes}>
    <identities>
        <identity thumbprint="{{client-certificate-thumbprint}}" />
    </identities>
</validate-client-certificate>`;

/** A C# check after the element: 403 unless `condition` (the certificate pinned in an expression). */
const THEN_403_UNLESS = (condition: string) =>
  `<choose>\n    <when condition="@(!(${condition}))">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>`;

testRule(anyCertificateAccepted, {
  valid: [
    {
      name: 'pinned in C# after it: the thumbprint among the uploaded certificates (real policy)',
      code: policy(`<validate-client-certificate validate-trust="false" />\n${THEN_403_UNLESS('context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)')}`),
      files: deployedOn('BasicV2'),
    },
    {
      name: 'pinned in C# after it: the thumbprint compared with a named value',
      code: policy(`<validate-client-certificate validate-trust="false" />\n${THEN_403_UNLESS('context.Request.Certificate.Thumbprint == &quot;{{allowed-client-thumbprint}}&quot;')}`),
      files: deployedOn('Developer'),
    },
    { name: 'classic tier validating the chain, no identities', code: policy('<validate-client-certificate />'), files: deployedOn('Premium') },
    { name: 'unknown SKU, chain validated', code: policy('<validate-client-certificate validate-revocation="false" />') },
    { name: 'tier-guarded named value with a pinned identity', code: policy(PINNED), files: ANY_TIER },
    {
      name: 'no identities, but the Bicep sets the named validate-trust to "true" on a classic service: the chain is validated',
      code: policy('<validate-client-certificate validate-trust="{{validate-certificate-chain}}" />'),
      files: withNamedValue(deployedOn('Standard'), "'true'"),
    },
    {
      name: 'v2 with an identity (identity-without-thumbprint judges it)',
      code: policy('<validate-client-certificate validate-trust="false">\n    <identities>\n        <identity subject="CN=Client 01" />\n    </identities>\n</validate-client-certificate>'),
      files: deployedOn('BasicV2'),
    },
  ],
  invalid: [
    {
      name: 'the thumbprint read and handed on (to a verification API), compared nowhere here: a warning, saying so',
      code: policy(`<validate-client-certificate validate-trust="false" />\n<set-variable name="thumbprint" value="@(context.Request.Certificate.Thumbprint)" />`),
      files: deployedOn('Developer'),
      findings: [{ line: 4, level: 'warning', message: 'The policy reads the certificate but compares nothing here: if what it hands it to checks the thumbprint' }],
    },
    {
      name: 'validate-trust="false" on a classic tier without identities',
      code: policy('<validate-client-certificate validate-trust="false" />'),
      files: deployedOn('Developer'),
      findings: [{ line: 4, level: 'error', text: 'validate-client-certificate', message: 'No <identity> restricts the client certificate and validate-trust is "false": any self-made certificate' }],
      output: policy(WITH_PLACEHOLDER('validate-trust="false"')),
    },
    {
      name: 'v2 tier from an imported typed parameter, empty <identities />',
      code: policy('<validate-client-certificate validate-trust="false">\n    <identities />\n</validate-client-certificate>'),
      files: V2_ONLY,
      findings: [{ line: 4, level: 'error' }],
      output: policy(WITH_PLACEHOLDER('validate-trust="false"')),
    },
    {
      // What the policy becomes once validate-trust-unsupported-tier's fix (an error on the same element) sets it false:
      // a warning, not a second error about a state the policy is not in yet.
      name: 'default validate-trust on StandardV2: it has to be false there, then anything passes (a warning)',
      code: policy("<validate-client-certificate validate-not-before='true'></validate-client-certificate>"),
      files: deployedOn('StandardV2'),
      findings: [{ line: 4, level: 'warning', message: "StandardV2 (from main.bicep) can't validate certificate chains: wherever validate-trust is (or has to be) false" }],
    },
    {
      name: 'named value on a service that may be classic or v2: warning',
      code: policy('<validate-client-certificate validate-trust="{{validate-certificate-chain}}" />'),
      files: ANY_TIER,
      findings: [{ line: 4, level: 'warning' }],
    },
    {
      name: 'no identities and the Bicep sets the named validate-trust to "false": an error, the named value related',
      code: policy('<validate-client-certificate validate-trust="{{validate-certificate-chain}}" />'),
      files: withNamedValue(deployedOn('Standard'), "'false'"),
      findings: [{ line: 4, level: 'error', message: 'which the named value in main.bicep may make "false" on Standard' }],
    },
    {
      name: 'named value on a classic tier: warning',
      code: policy('<validate-client-certificate validate-trust="{{validate-certificate-chain}}" />'),
      sku: ['Standard'],
      findings: [{ line: 4, level: 'warning', message: 'may be false' }],
    },
  ],
});

test('any-certificate-accepted: workspace client certificates are offered as pins, CA certificates are not', () => {
  const { findings } = lintCase(anyCertificateAccepted, {
    name: 'certs',
    code: policy('<validate-client-certificate validate-trust="false" />'),
    files: { ...deployedOn('BasicV2'), 'certs/client-01.cer': CLIENT_01_PEM, 'certs/ca.cer': DEV_CA_PEM },
  });
  assert.equal(findings.length, 1);
  const titles = findings[0]!.fixes.map((f) => f.title);
  assert.equal(titles.length, 2);
  assert.match(titles[1]!, /CN=Client 01, O=Contoso \(client-01\.cer\)/);
  assert.ok(findings[0]!.fixes[1]!.edits[0]!.newText.includes(`thumbprint="${CLIENT_01_THUMBPRINT}"`));
});

test('any-certificate-accepted: only certificates valid now are offered (not expired or not yet valid); the placeholder says it is a named value to create', () => {
  const cert = (name: string) => fs.readFileSync(path.join(examplesDir, 'certs', `${name}.cer`), 'utf8');
  const { findings } = lintCase(anyCertificateAccepted, {
    name: 'validity',
    code: policy('<validate-client-certificate validate-trust="false" />'),
    files: { ...deployedOn('BasicV2'), 'certs/valid.cer': cert('dev-valid-client'), 'certs/expired.cer': cert('dev-expired-client'), 'certs/later.cer': cert('dev-notyetvalid-client') },
    now: new Date('2026-11-27T00:00:00Z'),
  });
  const titles = findings[0]!.fixes.map((f) => f.title);
  assert.deepEqual(titles, [
    'Add <identities> with thumbprint="{{client-certificate-thumbprint}}" (a named value to create, holding the client\'s thumbprint)',
    'Accept only CN=DEV Valid Client, O=apim-mtls sample (valid.cer) by thumbprint',
  ]);
});
