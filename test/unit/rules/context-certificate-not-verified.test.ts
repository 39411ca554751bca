import { testRule } from '../../rule-tester';
import { contextCertificateNotVerified } from '../../../server/src/rules/context-certificate-not-verified';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, SEED_UNGUARDED_POLICY, V2_WS, RETURN_401, inbound, reject, seedVariablePolicy } from './expression-policy.fixtures';

const PIN = '!context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint)';
const DATES_ONLY = '@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTime.Now)';
const ECHO = `
<return-response>
    <set-status code="200" />
    <set-body>@(context.Request.Certificate.ToString())</set-body>
</return-response>`;

/** A validate-client-certificate (validate-trust false) with one `<identity>`, then a check of presence and dates. */
const identityThenDates = (identity: string): string =>
  inbound(`<validate-client-certificate validate-trust="false">
    <identities>
        ${identity}
    </identities>
</validate-client-certificate>
<choose>
    <when condition="${DATES_ONLY}">
        ${RETURN_401}
    </when>
</choose>`);

testRule(contextCertificateNotVerified, {
  valid: [
    { name: 'the blog policy: thumbprint pin and tier-switched chain check', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'the earlier blog variant', code: SEED_UNGUARDED_POLICY },
    { name: 'the set-variable variant verifies the chain', code: seedVariablePolicy() },
    {
      name: 'a validate-client-certificate that validates trust (default) does the identity check',
      code: inbound(`<validate-client-certificate validate-revocation="false" />
<choose>
    <when condition="${DATES_ONLY}">
        ${RETURN_401}
    </when>
</choose>`),
    },
    {
      name: 'validate-trust="false" with a thumbprint identity pins it',
      code: identityThenDates('<identity thumbprint="{{client-thumbprint}}" />'),
    },
    { name: 'an issuer check in the expression (beyond dates)', code: reject('@(context.Request.Certificate == null || context.Request.Certificate.Issuer != "CN=APIM Sample DEV Intermediate CA")') },
    {
      name: 'the certificate is forwarded to the backend, which decides',
      code: reject('@(context.Request.Certificate == null)', `
<set-header name="X-Client-Certificate" exists-action="override">
    <value>@(Convert.ToBase64String(context.Request.Certificate.RawData))</value>
</set-header>`),
    },
    { name: 'no decision: the certificate is only printed', code: inbound('<set-header name="X-Client" exists-action="override"><value>@(context.Request.Certificate?.ToString())</value></set-header>') },
  ],
  invalid: [
    {
      name: "the blog's first sample (rawxml): append the thumbprint pin",
      code: reject(DATES_ONLY, ECHO),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate', message: 'presence and dates only' }],
      output: reject(`@(context.Request.Certificate == null || context.Request.Certificate.NotAfter < DateTime.Now || ${PIN})`, ECHO),
    },
    {
      name: 'escaped xml on a v2-only service: the advice is to pin',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.Now)'),
      files: V2_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, text: 'context.Request.Certificate', message: /Pin it: .*can't validate chains/ }],
      output: reject(`@(context.Request.Certificate == null || context.Request.Certificate.NotAfter &lt; DateTime.Now || ${PIN})`),
    },
    {
      name: 'a presence check alone',
      code: reject('@(context.Request.Certificate == null)', ECHO),
      findings: [{ line: 5, text: 'context.Request.Certificate' }],
      output: reject(`@(context.Request.Certificate == null || ${PIN})`, ECHO),
    },
    {
      name: 'validate-trust="false" with names only does not verify or pin',
      code: identityThenDates('<identity subject="CN=Client 01, O=Contoso" />'),
      findings: [{ line: 10, text: 'context.Request.Certificate' }],
    },
    {
      name: 'dates through an alias in a set-variable block: no fix',
      code: inbound(`<set-variable name="certificateValidationResult" value="@{
    var cert = context.Request.Certificate;
    var now = DateTime.Now;
    if (cert == null) { return "ClientCertificateNotFound"; }
    if (cert.NotBefore > now || cert.NotAfter < now) { return "ClientCertificateExpired"; }
    return null;
}" />`),
      findings: [{ line: 7, text: 'cert' }],
    },
  ],
});
