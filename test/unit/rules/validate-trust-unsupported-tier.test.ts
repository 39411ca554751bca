import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lintCase, testRule } from '../../rule-tester';
import { validateTrustUnsupportedTier } from '../../../server/src/rules/validate-trust-unsupported-tier';
import { ROOT_CA_PEM, SETTINGS_BICEP, avmServiceBicep, settingsHeader } from './bicep-service.fixtures';
import { ANY_TIER, CLIENT_01_PEM, CLIENT_01_THUMBPRINT, V2_ONLY, deployedOn, policy, serviceBicep, withNamedValue } from './validation-policy.fixtures';

const SUBJECT_IDENTITY = `<validate-client-certificate validate-revocation="false">
    <identities>
        <identity subject="CN=Client 01, O=Contoso" issuer-subject="CN=APIM Sample DEV Intermediate CA" />
    </identities>
</validate-client-certificate>`;

testRule(validateTrustUnsupportedTier, {
  valid: [
    {
      name: 'classic tier with chain validation and subject + issuer identity',
      code: policy(SUBJECT_IDENTITY),
      files: deployedOn('Premium'),
    },
    {
      name: 'v2 tier with validate-trust="false" and a thumbprint identity',
      code: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity thumbprint="${CLIENT_01_THUMBPRINT}" />
    </identities>
</validate-client-certificate>`),
      files: deployedOn('StandardV2'),
    },
    {
      name: 'tier-guarded named value on a service that may be classic or v2 (the blog pattern)',
      code: policy(`<validate-client-certificate validate-revocation="false" validate-trust="{{validate-certificate-chain}}">
    <identities>
        <identity thumbprint="{{client-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
      files: ANY_TIER,
    },
    { name: 'unknown SKU: nothing says the tier is wrong', code: policy('<validate-client-certificate />') },
    { name: 'configured classic SKU', code: policy('<validate-client-certificate />'), sku: ['Developer'] },
    {
      name: "deployed by the Azure Verified Module without a sku parameter: the module's default, Premium",
      code: policy('<validate-client-certificate validate-trust="true" />'),
      files: { 'main.bicep': avmServiceBicep(undefined) },
    },
    { name: 'validate-trust is not a boolean (policy-attributes reports it)', code: policy('<validate-client-certificate validate-trust="yes" />'), sku: ['BasicV2'] },
  ],
  invalid: [
    {
      name: "validate-trust from a template's placeholder on a v2 tier: a warning, naming it as written",
      code: policy('<validate-client-certificate validate-trust="${validate_trust}" />'),
      files: deployedOn('StandardV2'),
      findings: [{ line: 4, level: 'warning', message: 'validate-trust comes from ${validate_trust}, but StandardV2 (' }],
    },
    {
      name: 'deployed by the Azure Verified Module (an API policy) with a v2 sku parameter',
      code: policy('<validate-client-certificate validate-trust="true" />'),
      files: { 'main.bicep': avmServiceBicep("'BasicV2'") },
      findings: [{ line: 4, level: 'error', text: 'validate-trust="true"', message: "validate-trust is \"true\", but BasicV2 (from main.bicep) can't validate" }],
    },
    {
      name: 'omitted validate-trust on a literal v2 SKU: insert validate-trust="false" and pin the identity',
      code: policy(SUBJECT_IDENTITY),
      files: { ...deployedOn('StandardV2'), 'certs/client-01.cer': CLIENT_01_PEM },
      findings: [{ line: 4, level: 'error', text: 'validate-client-certificate', message: 'validate-trust is omitted, so it is true (the default), but StandardV2 (from main.bicep)' }],
      output: policy(`<validate-client-certificate validate-revocation="false" validate-trust="false">
    <identities>
        <identity subject="CN=Client 01, O=Contoso" issuer-subject="CN=APIM Sample DEV Intermediate CA" thumbprint="${CLIENT_01_THUMBPRINT}" />
    </identities>
</validate-client-certificate>`),
    },
    {
      // The workspace holds the private root CA: the message names it; without it, it says what is documented.
      name: 'the private CA in the workspace is named; a public CA is said to be undocumented without one',
      code: policy(SUBJECT_IDENTITY),
      files: { ...deployedOn('StandardV2'), 'certs/root-ca.cer': ROOT_CA_PEM },
      findings: [{ line: 4, level: 'error', message: /every request fails \(the clients' CA, root-ca\.cer \("CN=[^"]+"\), is a private one, and these tiers can't be given CA certificates\)/ }],
    },
    {
      name: 'without the CA in the workspace: still an error, saying what is and is not documented',
      code: policy(SUBJECT_IDENTITY),
      files: deployedOn('StandardV2'),
      findings: [{ line: 4, level: 'error', message: /every request fails when the client certificates come from a private or self-signed CA, as mTLS client certificates do \(these tiers can't be given CA certificates; Microsoft doesn't document whether certificates from a publicly trusted CA validate there\)/ }],
    },
    {
      name: 'explicit "true" with the SKU from an imported v2-only typed parameter: adds <identities> to a self-closing element',
      code: policy('<validate-client-certificate validate-trust="true" />'),
      files: V2_ONLY,
      findings: [{ line: 4, level: 'error', text: 'validate-trust="true"', message: /BasicV2, StandardV2, PremiumV2 .*can't validate/ }],
      output: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity thumbprint="{{client-certificate-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
    },
    {
      name: 'identity without a matching workspace certificate gets the named-value placeholder',
      code: policy(`<validate-client-certificate validate-trust="true">
    <identities>
        <identity subject="CN=Partner" />
    </identities>
</validate-client-certificate>`),
      files: { ...deployedOn('BasicV2'), 'certs/client-01.cer': CLIENT_01_PEM },
      findings: [{ line: 4, level: 'error', text: 'validate-trust="true"' }],
      output: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity subject="CN=Partner" thumbprint="{{client-certificate-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
    },
    {
      name: 'service may be classic or v2: warning',
      code: policy(SUBJECT_IDENTITY),
      files: ANY_TIER,
      findings: [{ line: 4, level: 'warning', message: 'BasicV2, StandardV2, PremiumV2 (among the possible SKUs' }],
    },
    {
      name: 'named value on a v2-only service: warning (it works only when the named value is false)',
      code: policy(`<validate-client-certificate validate-trust="{{validate-certificate-chain}}">
    <identities>
        <identity thumbprint="{{client-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
      files: V2_ONLY,
      findings: [{ line: 4, level: 'warning', text: 'validate-trust="{{validate-certificate-chain}}"', message: 'unless that named value is false' }],
      output: policy(`<validate-client-certificate validate-trust="false">
    <identities>
        <identity thumbprint="{{client-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
    },
    {
      name: 'configured Consumption SKU for a policy no Bicep deploys',
      code: policy('<validate-client-certificate validate-not-after="true"></validate-client-certificate>'),
      sku: ['Consumption'],
      findings: [{ line: 4, level: 'error', text: 'validate-client-certificate', message: 'Consumption' }],
      output: policy(`<validate-client-certificate validate-not-after="true" validate-trust="false">
    <identities>
        <identity thumbprint="{{client-certificate-thumbprint}}" />
    </identities>
</validate-client-certificate>`),
    },
    {
      name: 'escaped xml format with an entity-encoded expression elsewhere',
      code: policy(`<validate-client-certificate validate-trust='true' />
<set-header name="X-Client-Thumbprint" exists-action="override">
    <value>@(context.Request.Certificate?.Thumbprint ?? &quot;none&quot;)</value>
</set-header>`),
      files: { 'main.bicep': serviceBicep("'PremiumV2'", '', 'xml') },
      findings: [{ line: 4, level: 'error', text: "validate-trust='true'" }],
    },
  ],
});

const NAMED = policy(`<validate-client-certificate validate-trust="{{validate-certificate-chain}}">
    <identities>
        <identity thumbprint="{{client-thumbprint}}" />
    </identities>
</validate-client-certificate>`);

const CLASSIC_SKUS = "['Developer', 'Basic', 'Standard', 'Premium']";

/** The Azure Verified Module on a service that may be classic or v2, with the named value `validate-certificate-chain`. */
const avmWithNamedValue = (value: string) => ({
  'settings.bicep': SETTINGS_BICEP,
  'main.bicep': avmServiceBicep(
    'apiManagementSettings.sku',
    `namedValues: [\n  {\n    name: 'validate-certificate-chain'\n    displayName: 'validate-certificate-chain'\n    value: ${value}\n  }\n]`,
    settingsHeader('apiManagementSettingsType'),
  ),
});

testRule(validateTrustUnsupportedTier, {
  valid: [
    {
      name: 'the Azure Verified Module’s namedValues: the tier switch is read tier by tier',
      code: NAMED,
      files: avmWithNamedValue(`contains(${CLASSIC_SKUS}, apiManagementSettings.sku) ? 'true' : 'false'`),
    },
    {
      name: 'named value deployed as the blog’s tier switch, on a service that may be classic or v2',
      code: NAMED,
      files: withNamedValue(ANY_TIER, `contains(${CLASSIC_SKUS}, apiManagementSettings.sku) ? 'true' : 'false'`),
    },
    {
      name: 'named value deployed as "false" on a v2-only service (the unresolved case would warn)',
      code: NAMED,
      files: withNamedValue(V2_ONLY, "'false'"),
    },
    {
      name: 'named value "True" (any casing) on a classic service',
      code: NAMED,
      files: withNamedValue(deployedOn('Premium'), "'True'"),
    },
  ],
  invalid: [
    {
      name: 'named value "true" on a v2-only service: an error, with the named value as related information',
      code: NAMED,
      files: withNamedValue(V2_ONLY, "'true'"),
      findings: [{ line: 4, level: 'error', text: 'validate-trust="{{validate-certificate-chain}}"', message: /the named value in main\.bicep is "true" on BasicV2, StandardV2, PremiumV2, tiers that can't validate/ }],
    },
    {
      name: 'the Azure Verified Module’s named value "true" everywhere on a service that may be classic or v2: a warning',
      code: NAMED,
      files: avmWithNamedValue("'true'"),
      findings: [{ line: 4, level: 'warning', message: 'is "true" on Consumption, BasicV2, StandardV2, PremiumV2' }],
    },
    {
      name: 'named value "true" everywhere on a service that may be classic or v2 (the switch was forgotten): a warning',
      code: NAMED,
      files: withNamedValue(ANY_TIER, "'true'"),
      findings: [{ line: 4, level: 'warning', message: 'is "true" on Consumption, BasicV2, StandardV2, PremiumV2' }],
    },
    {
      name: 'a switch that is wrong for one v2 tier names only that tier',
      code: NAMED,
      files: withNamedValue(ANY_TIER, `contains([${CLASSIC_SKUS.slice(1, -1)}, 'StandardV2'], apiManagementSettings.sku) ? 'true' : 'false'`),
      findings: [{ line: 4, level: 'warning', message: '"true" on StandardV2, a tier that' }],
    },
    {
      name: 'named value in another file (an existing reference to the service): its value counts for every SKU',
      code: NAMED,
      files: withNamedValue(deployedOn('BasicV2'), "'true'", 'named-values.bicep'),
      findings: [{ line: 4, level: 'error', message: 'the named value in named-values.bicep is "true" on BasicV2' }],
    },
  ],
});

test('validate-trust-unsupported-tier: a named value resolved from Bicep is related information', () => {
  const { findings } = lintCase(validateTrustUnsupportedTier, { name: 'named', code: NAMED, files: withNamedValue(V2_ONLY, "'true'") });
  assert.equal(findings.length, 1);
  assert.ok(findings[0]!.related.some((r) => r.message === 'the named value validate-certificate-chain'), JSON.stringify(findings[0]!.related));
});

test('validate-trust-unsupported-tier: on classic and v2 tiers, the literal "false" is offered but not preferred (it drops chain validation on the classic ones)', () => {
  const mixed = lintCase(validateTrustUnsupportedTier, { name: 'mixed', code: NAMED, files: withNamedValue(ANY_TIER, "'true'") });
  assert.equal(mixed.findings.length, 1);
  assert.deepEqual(
    mixed.findings[0]!.fixes.map((f) => [f.title.endsWith('(on the classic tiers too)'), f.preferred]),
    [[true, false]],
  );
  const v2 = lintCase(validateTrustUnsupportedTier, { name: 'v2', code: NAMED, files: withNamedValue(V2_ONLY, "'true'") });
  assert.deepEqual(v2.findings[0]!.fixes.map((f) => f.preferred), [true]);
});

test('validate-trust-unsupported-tier: the SKU origins are related information', () => {
  const { findings } = lintCase(validateTrustUnsupportedTier, { name: 'origins', code: policy('<validate-client-certificate />'), files: V2_ONLY });
  assert.equal(findings.length, 1);
  assert.ok(findings[0]!.related.length > 0, 'related origins');
  assert.ok(findings[0]!.related.some((r) => r.file.endsWith('main.bicep') || r.file.endsWith('settings.bicep')));
});
