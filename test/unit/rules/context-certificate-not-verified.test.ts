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

/** A fragment that rejects a certificate the service hasn't uploaded (a thumbprint pin), as APIOps extracts it. */
const PIN_FRAGMENT = {
  'apimartifacts/policyFragments/pin/policy.xml': `<fragment>
    <choose>
        <when condition="@(context.Request.Certificate == null || !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint))">
            <return-response><set-status code="401" /></return-response>
        </when>
    </choose>
</fragment>`,
};
const NAME_CHECK = '<choose>\n    <when condition="@(!context.Request.Certificate.Subject.Contains(&quot;CN=partner&quot;))">\n        <return-response><set-status code="403" /></return-response>\n    </when>\n</choose>';

testRule(contextCertificateNotVerified, {
  valid: [
    {
      name: 'a fragment is judged in the policies that include it, not alone',
      code: '<fragment>\n    <choose>\n        <when condition="@(context.Request.Certificate == null)">\n            <return-response><set-status code="401" /></return-response>\n        </when>\n    </choose>\n</fragment>',
      filename: 'apimartifacts/policyFragments/cert-null/policy.xml',
    },
    {
      name: 'a name check after an included fragment that pins the certificate',
      code: inbound(`<include-fragment fragment-id="pin" />\n${NAME_CHECK}`),
      filename: 'apimartifacts/apis/orders/policy.xml',
      files: PIN_FRAGMENT,
    },
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
    {
      name: 'an issuer check with a thumbprint pin (Microsoft Learn)',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.Issuer != "CN=APIM Sample DEV Intermediate CA" || context.Request.Certificate.Thumbprint != "2DB300DFDA51470556A3E1AA3A332D81CCB0482E")'),
    },
    {
      name: 'a subject check with the chain verified',
      code: reject('@(context.Request.Certificate == null || !context.Request.Certificate.SubjectName.Name.EndsWith("O=Contoso") || !context.Request.Certificate.VerifyNoRevocation())'),
    },
    {
      name: 'a subject check with a pin through a local variable',
      code: inbound(`<set-variable name="ok" value="@{
    var cert = context.Request.Certificate;
    var thumbprint = cert?.Thumbprint ?? "";
    return cert != null &amp;&amp; cert.Subject == "CN=Client 01" &amp;&amp; context.Deployment.Certificates.Values.Any(c => c.Thumbprint == thumbprint);
}" />`),
    },
    {
      name: 'names only forwarded to the backend (a null guard is no name check)',
      code: reject('@(context.Request.Certificate == null)', `
<set-header name="X-Client-Subject" exists-action="override">
    <value>@(context.Request.Certificate == null ? "" : context.Request.Certificate.Subject)</value>
</set-header>`),
    },
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
      name: 'a name check, and an include of a fragment the workspace doesn’t hold',
      code: inbound(`<include-fragment fragment-id="elsewhere" />\n${NAME_CHECK}`),
      filename: 'apimartifacts/apis/orders/policy.xml',
      files: PIN_FRAGMENT,
      findings: [{ line: 6, message: 'by its Subject only' }],
    },
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
      name: 'an issuer check alone: names are not an identity',
      code: reject('@(context.Request.Certificate == null || context.Request.Certificate.Issuer != "CN=APIM Sample DEV Intermediate CA")'),
      files: V2_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate.Issuer', message: /by its Issuer only: names are text that anyone can write .*Pin it: .*can't validate chains/ }],
    },
    {
      // After a public policy: the issuer tested through a local variable with IndexOf; the thumbprint is only forwarded.
      name: 'issuer names and dates through locals, the thumbprint forwarded to the backend',
      code: inbound(`<choose>
    <when condition="@{
        var c = context.Request.Certificate;
        var now = DateTime.Now;
        bool timeOk = (now >= c.NotBefore) &amp;&amp; (now <= c.NotAfter);
        var issuer = c.Issuer ?? string.Empty;
        bool issuerOk = issuer.IndexOf("CN=OuttaTune", StringComparison.OrdinalIgnoreCase) >= 0;
        return !(timeOk &amp;&amp; issuerOk);
    }">
        ${RETURN_401}
    </when>
</choose>
<set-header name="x-client-thumbprint" exists-action="override">
    <value>@(context.Request.Certificate.Thumbprint)</value>
</set-header>`),
      findings: [{ line: 9, text: 'c.Issuer', message: 'by its Issuer and dates only' }],
    },
    {
      name: 'subject and issuer compared with string.Equals',
      code: reject('@(context.Request.Certificate == null || !string.Equals(context.Request.Certificate.Subject, "CN=Client 01") || !context.Request.Certificate.IssuerName.Name.StartsWith("CN=Contoso"))'),
      findings: [{ line: 5, text: 'context.Request.Certificate.Subject', message: 'by its Subject and IssuerName only' }],
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
