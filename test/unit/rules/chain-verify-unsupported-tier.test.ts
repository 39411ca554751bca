import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lintCase, testRule } from '../../rule-tester';
import { chainVerifyUnsupportedTier } from '../../../server/src/rules/chain-verify-unsupported-tier';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, SEED_UNGUARDED_POLICY, V2_WS, inbound, literalSkuWorkspace, seedVariablePolicy } from './expression-policy.fixtures';
import { withNamedValue } from './validation-policy.fixtures';

const TIER_SWITCH = "contains(['Developer', 'Basic', 'Standard', 'Premium'], apiManagementSettings.sku) ? 'true' : 'false'";

const onPolicy = { filename: OPERATION_POLICY };

/** The Application Gateway variant: the certificate comes from a header, not from context.Request.Certificate. */
const HEADER_CERTIFICATE = inbound(`<set-variable name="valid" value="@{
    var header = context.Request.Headers.GetValueOrDefault("X-ARR-ClientCert");
    var certificate = new X509Certificate2(Convert.FromBase64String(header));
    return certificate.VerifyNoRevocation();
}" />`);

testRule(chainVerifyUnsupportedTier, {
  valid: [
    { name: '{{x}} && …Verify() with x deployed as the tier switch (verified, not assumed)', code: SEED_CONTEXT_POLICY, files: withNamedValue(ANY_TIER_WS, TIER_SWITCH), ...onPolicy },
    { name: '{{x}} && …Verify() on a v2-only service with x deployed as "false"', code: SEED_CONTEXT_POLICY, files: withNamedValue(V2_WS, "'false'"), ...onPolicy },
  ],
  invalid: [
    {
      name: '{{x}} && …Verify() with x deployed as "true" on a service that may be classic or v2: a warning naming the v2 tiers',
      code: SEED_CONTEXT_POLICY,
      files: withNamedValue(ANY_TIER_WS, "'true'"),
      ...onPolicy,
      findings: [{ line: 13, level: 'warning', text: 'VerifyNoRevocation', message: 'VerifyNoRevocation() runs when {{validate-certificate-chain}} is "true", and the named value in main.bicep is "true" on Consumption, BasicV2, StandardV2, PremiumV2' }],
    },
    {
      name: '{{x}} && …Verify() with x from a parameter nobody sets (an azd variable): the named value only may be "true"',
      code: SEED_CONTEXT_POLICY,
      files: ((f) => ({ ...f, 'main.bicep': `${f['main.bicep']}\nparam validateChain bool\n` }))(withNamedValue(ANY_TIER_WS, 'toLower(string(validateChain))')),
      ...onPolicy,
      findings: [{ line: 13, level: 'warning', text: 'VerifyNoRevocation', message: 'and the named value in main.bicep may be "true" on Consumption, BasicV2, StandardV2, PremiumV2' }],
    },
    {
      name: '!{{x}} && …Verify() is not the {{x}} && … shape: the named value is not read, the guard warning stays',
      code: inbound('<set-variable name="ok" value="@(!{{validate-certificate-chain}} && context.Request.Certificate != null && context.Request.Certificate.Verify())" />'),
      files: withNamedValue(V2_WS, "'true'"),
      ...onPolicy,
      findings: [{ line: 4, level: 'warning', text: 'Verify', message: 'whenever the named value that guards it is true' }],
    },
    {
      name: '{{x}} && …Verify() on a v2-only service with x deployed as "true": an error',
      code: SEED_CONTEXT_POLICY,
      files: withNamedValue(V2_WS, "'true'"),
      ...onPolicy,
      findings: [{ line: 13, level: 'error', text: 'VerifyNoRevocation' }],
    },
  ],
});

testRule(chainVerifyUnsupportedTier, {
  valid: [
    { name: 'the blog policy: tier-switched by {{validate-certificate-chain}} on a service that may be classic or v2', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, ...onPolicy },
    { name: 'unguarded VerifyNoRevocation() on a classic tier (literal SKU, existing service in another file)', code: SEED_UNGUARDED_POLICY, files: literalSkuWorkspace('Premium'), ...onPolicy },
    { name: 'the set-variable variant on a configured classic SKU', code: seedVariablePolicy(), sku: ['Developer'] },
    { name: 'unknown SKU: nothing says the tier is wrong', code: SEED_UNGUARDED_POLICY },
    {
      name: 'a named value in an enclosing <when> guards the call (service may be classic or v2)',
      code: inbound(`<choose>
    <when condition="{{validate-certificate-chain}}">
        <set-variable name="trusted" value="@(context.Request.Certificate != null && context.Request.Certificate.Verify())" />
    </when>
</choose>`),
      files: ANY_TIER_WS,
      ...onPolicy,
    },
    {
      name: 'Verify with arguments is not the certificate chain check',
      code: inbound('<set-variable name="ok" value="@(context.Variables.GetValueOrDefault<Jwt>("jwt").Verify("key"))" />'),
      sku: ['BasicV2'],
    },
  ],
  invalid: [
    {
      name: 'unguarded VerifyNoRevocation() on a v2-only typed parameter: error on the method name',
      code: SEED_UNGUARDED_POLICY,
      files: V2_WS,
      ...onPolicy,
      findings: [{ line: 7, level: 'error', text: 'VerifyNoRevocation', message: /BasicV2, StandardV2, PremiumV2 \(from main\.bicep.*fails for every certificate/ }],
    },
    {
      name: 'literal StandardV2 on the existing service: error',
      code: SEED_UNGUARDED_POLICY,
      files: literalSkuWorkspace('StandardV2'),
      ...onPolicy,
      // The expression pins by context.Deployment.Certificates already: the advice is to drop the call, not to pin.
      findings: [{ line: 7, level: 'error', text: 'VerifyNoRevocation', message: /StandardV2 \(from main\.bicep\).* This expression already pins the certificate by thumbprint: remove the VerifyNoRevocation\(\) call\.$/ }],
    },
    {
      name: 'the tier switch on a v2-only service: warning (it only works while the named value is false)',
      code: SEED_CONTEXT_POLICY,
      files: V2_WS,
      ...onPolicy,
      findings: [{ line: 13, level: 'warning', text: 'VerifyNoRevocation', message: 'whenever the named value that guards it is true' }],
    },
    {
      name: 'unguarded on a service that may be classic or v2: warning',
      code: seedVariablePolicy(),
      files: ANY_TIER_WS,
      ...onPolicy,
      findings: [{ line: 20, level: 'warning', text: 'VerifyNoRevocation', message: 'among the possible SKUs' }],
    },
    {
      name: 'escaped xml format on a configured Consumption SKU: Verify()',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate == null || !context.Request.Certificate.Verify())">
        <return-response><set-status code="401" /></return-response>
    </when>
    <when condition="@(context.Request.Certificate.Thumbprint != &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; &amp;&amp; context.Request.Certificate.Verify())">
        <return-response><set-status code="403" /></return-response>
    </when>
</choose>`),
      sku: ['Consumption'],
      findings: [
        { line: 5, level: 'error', text: 'Verify', message: /Consumption.* Pin the certificate instead: compare its Thumbprint/ },
        { line: 8, level: 'error', text: 'Verify', message: /already pins the certificate by thumbprint: remove the Verify\(\) call/ },
      ],
    },
    {
      name: 'if ({{named}}) in a block on a v2-only service: warning',
      code: inbound(`<set-variable name="result" value="@{
    var cert = context.Request.Certificate;
    if (cert == null) { return "ClientCertificateNotFound"; }
    if ({{validate-certificate-chain}})
    {
        if (!cert.VerifyNoRevocation()) { return "ClientCertificateNotTrusted"; }
    }
    return null;
}" />`),
      files: V2_WS,
      ...onPolicy,
      findings: [{ line: 9, level: 'warning', text: 'VerifyNoRevocation' }],
    },
    {
      name: 'a certificate read from a header (behind an Application Gateway) on BasicV2',
      code: HEADER_CERTIFICATE,
      sku: ['BasicV2'],
      findings: [{ line: 7, level: 'error', text: 'VerifyNoRevocation' }],
    },
    {
      name: 'only traced (IsVerified = …Verify()): a warning that the value says nothing, not a failing check',
      code: inbound('<trace source="mtls"><message>@($"IsVerified={context.Request.Certificate?.Verify()}")</message></trace>'),
      sku: ['StandardV2'],
      findings: [{ line: 4, level: 'warning', text: 'Verify', message: "StandardV2 can't validate client certificate chains: the value reported here is false for every certificate" }],
    },
  ],
});

test('chain-verify-unsupported-tier: the SKU origins are related information', () => {
  const { findings } = lintCase(chainVerifyUnsupportedTier, { name: 'origins', code: SEED_UNGUARDED_POLICY, files: V2_WS, filename: OPERATION_POLICY });
  assert.equal(findings.length, 1);
  assert.ok(findings[0]!.related.some((r) => r.file.endsWith('.bicep')));
});
