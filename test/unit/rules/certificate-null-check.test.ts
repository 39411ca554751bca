import { testRule } from '../../rule-tester';
import { certificateNullCheck } from '../../../server/src/rules/certificate-null-check';
import { fragmentBicep } from './bicep-service.fixtures';
import { ANY_TIER_WS, OPERATION_POLICY, SEED_CONTEXT_POLICY, SEED_UNGUARDED_POLICY, RETURN_401, inbound, reject, seedVariablePolicy } from './expression-policy.fixtures';

const HEADER = (value: string): string => `<set-header name="X-Client" exists-action="override">
    <value>${value}</value>
</set-header>`;

/** A fragment that validates the client certificate (it answers 401 without one). */
const VALIDATING_FRAGMENT = `<fragment>
    <validate-client-certificate validate-trust="false">
        <identities>
            <identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" />
        </identities>
    </validate-client-certificate>
</fragment>`;
const INCLUDE_THEN_READ = inbound(`<include-fragment fragment-id="client-cert" />\n${HEADER('@(context.Request.Certificate.Thumbprint)')}`);
const READ_THEN_INCLUDE = inbound(`${HEADER('@(context.Request.Certificate.Thumbprint)')}\n<include-fragment fragment-id="client-cert" />`);
/** A Bicep policy fragment named 'client-cert' that loads `fragments/validate.xml`. */
const FRAGMENT_BICEP = fragmentBicep('fragments/validate.xml');

/** A header from the certificate, set only when there is one. */
const HEADER_IF_CERTIFICATE = `<choose>
    <when condition="@(context.Request.Certificate != null)">
        ${HEADER('@(context.Request.Certificate.Thumbprint)')}
    </when>
</choose>`;

/** validate-client-certificate (it answers 401 without a certificate). */
const VALIDATE = '<validate-client-certificate validate-trust="false" />';
/** A `<choose>` that answers 401 without a certificate. */
const NULL_401 = `<choose>
    <when condition="@(context.Request.Certificate == null)">
        ${RETURN_401}
    </when>
</choose>`;
/** A `<choose>` on a request header: `branch` in its <when>, and in its <otherwise> when given. */
const ON_HEADER = (branch: string, otherwise?: string): string => `<choose>
    <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Partner&quot;))">
        ${branch}
    </when>${otherwise === undefined ? '' : `
    <otherwise>
        ${otherwise}
    </otherwise>`}
</choose>`;
const READ_SUBJECT = '<set-variable name="subject" value="@(context.Request.Certificate.Subject)" />';

/**
 * A `<choose>` that goes on when `condition` holds (setting the client `known` or `anonymous`) and answers 401 in its
 * `<otherwise>`, then a read of the certificate's subject into the variable `name`.
 */
const ELSE_401_THEN_READ = (condition: string, name: string, client = 'known'): string => `<choose>
    <when condition="${condition}">
        <set-variable name="client" value="${client}" />
    </when>
    <otherwise>
        ${RETURN_401}
    </otherwise>
</choose>
<set-variable name="${name}" value="@(context.Request.Certificate.Subject)" />`;

testRule(certificateNullCheck, {
  valid: [
    {
      // What the safe fix writes, with a later use: null != "…" is true, so || skips the rest without a certificate.
      name: 'a ?. comparison with a literal that stops the evaluation (!= then ||, == then &&) guards what follows',
      code: reject(
        '@(context.Request.Certificate?.Thumbprint != &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; || context.Request.Certificate.NotAfter &lt; DateTime.Now)',
      ),
    },
    {
      name: 'a ?. comparison with == then &&, and a chained call',
      code: inbound(
        '<set-variable name="ok" value="@(context.Request.Certificate?.Thumbprint.ToUpper() == &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; &amp;&amp; context.Request.Certificate.NotAfter &gt; DateTime.Now)" />',
      ),
    },
    {
      name: 'an included fragment (APIOps extract layout) validates the certificate before the read',
      code: INCLUDE_THEN_READ,
      filename: 'apimartifacts/apis/orders/operations/get/policy.xml',
      files: { 'apimartifacts/policyFragments/client-cert/policy.xml': VALIDATING_FRAGMENT },
    },
    {
      name: 'an included fragment in a fragments/ folder above, named by its id (a public repository’s layout)',
      code: INCLUDE_THEN_READ,
      filename: 'policies/apis/orders.xml',
      files: { 'policies/fragments/client-cert.xml': VALIDATING_FRAGMENT },
    },
    {
      name: "a Bicep fragment named by a path whose service name can't be read ('${svc}/client-cert')",
      code: INCLUDE_THEN_READ,
      filename: 'policies/orders.xml',
      files: { 'main.bicep': FRAGMENT_BICEP.replace("  parent: apim\n  name: 'client-cert'", "  name: '${apiManagementServiceName}/client-cert'"), 'fragments/validate.xml': VALIDATING_FRAGMENT },
    },
    {
      name: "a Bicep fragment written in the resource's string ('''<fragment>…''')",
      code: INCLUDE_THEN_READ,
      filename: 'policies/orders.xml',
      files: { 'main.bicep': FRAGMENT_BICEP.replace("loadTextContent('fragments/validate.xml')", `'''\n${VALIDATING_FRAGMENT}\n'''`) },
    },
    {
      name: 'two samples of a repository define the same fragment id: the one nearest the policy counts',
      code: INCLUDE_THEN_READ,
      filename: 'sample-b/api.xml',
      files: {
        'sample-a/main.bicep': FRAGMENT_BICEP.replace('fragments/validate.xml', 'fragment.xml'),
        'sample-a/fragment.xml': '<fragment>\n    <rate-limit calls="10" renewal-period="60" />\n</fragment>',
        'sample-b/main.bicep': FRAGMENT_BICEP.replace('fragments/validate.xml', 'fragment.xml'),
        'sample-b/fragment.xml': VALIDATING_FRAGMENT,
      },
    },
    {
      name: 'an included fragment that a Bicep policyFragments resource of that name deploys',
      code: INCLUDE_THEN_READ,
      filename: 'policies/orders.xml',
      files: { 'main.bicep': FRAGMENT_BICEP, 'fragments/validate.xml': VALIDATING_FRAGMENT },
    },
    { name: 'the blog policy: a returning <when> tests null first, the body after the <choose> is safe', code: SEED_CONTEXT_POLICY, files: ANY_TIER_WS, filename: OPERATION_POLICY },
    { name: 'the earlier blog variant: `== null ||` earlier in the same expression', code: SEED_UNGUARDED_POLICY },
    { name: 'the set-variable variant: the stored result is returned on before the header', code: seedVariablePolicy() },
    {
      name: 'validate-client-certificate (ignore-error false) before: inbound and outbound uses are safe',
      code: inbound(`<validate-client-certificate validate-trust="false" ignore-error="false">
    <identities>
        <identity thumbprint="2DB300DFDA51470556A3E1AA3A332D81CCB0482E" />
    </identities>
</validate-client-certificate>
${HEADER('@(context.Request.Certificate.Thumbprint)')}`).replace('    <outbound>\n        <base />', `    <outbound>\n        <base />\n        ${HEADER('@(context.Request.Certificate.Subject)')}`),
    },
    { name: 'null-conditional access and ??', code: inbound(HEADER('@(context.Request.Certificate?.Thumbprint ?? "none")')) },
    { name: 'a ternary on the null test', code: inbound(HEADER('@(context.Request.Certificate == null ? "none" : context.Request.Certificate.Subject)')) },
    { name: '`null !=` first, escaped xml', code: inbound(HEADER('@(null != context.Request.Certificate &amp;&amp; context.Request.Certificate.NotAfter &lt; DateTime.Now ? &quot;expired&quot; : &quot;ok&quot;)')) },
    {
      name: 'an alias tested with `is null` and an early return',
      code: inbound(`<set-variable name="subject" value="@{
    var cert = context.Request.Certificate;
    if (cert is null)
    {
        return string.Empty;
    }
    return cert.Subject;
}" />`),
    },
    {
      name: 'the body of `when != null`, and the later <when> of a `when == null` that does not return',
      code: inbound(`${HEADER_IF_CERTIFICATE}
<choose>
    <when condition="@(context.Request.Certificate == null)">
        <set-variable name="anonymous" value="true" />
    </when>
    <when condition="@(context.Request.Certificate.NotAfter < DateTime.Now)">
        ${RETURN_401}
    </when>
    <otherwise>
        ${HEADER('@(context.Request.Certificate.Subject)')}
    </otherwise>
</choose>`),
    },
    {
      name: '`when != null` goes on and its <otherwise> returns 401: the uses after the <choose> are safe',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate != null)">
        ${HEADER('@(context.Request.Certificate.Thumbprint)')}
    </when>
    <otherwise>
        ${RETURN_401}
    </otherwise>
</choose>
<set-variable name="subject" value="@(context.Request.Certificate.Subject)" />`),
    },
    {
      // Every way through the outer <choose> checks the certificate: validate-client-certificate, or a null test that
      // returns (itself in a <choose>), in each branch, an <otherwise> among them.
      name: 'a check in every branch of a <choose> with an <otherwise> (validate-client-certificate, a null test that returns): the use after is safe',
      code: inbound(`${ON_HEADER(VALIDATE, VALIDATE)}
${ON_HEADER(NULL_401, ON_HEADER(VALIDATE, NULL_401))}
${READ_SUBJECT}`),
    },
    {
      name: 'a check in one branch covers the uses after it in that branch',
      code: inbound(ON_HEADER(`${NULL_401}\n${READ_SUBJECT}`, `${VALIDATE}\n${READ_SUBJECT}`)),
    },
    {
      name: '`when != null` in a `@{…}` block through an alias, else a nested <choose> that returns on every branch: the use after is safe',
      code: inbound(`<choose>
    <when condition="@{ var cert = context.Request.Certificate; return (cert != null &amp;&amp; cert.NotAfter > DateTime.Now); }">
        <set-variable name="client" value="known" />
    </when>
    <otherwise>
        <choose>
            <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Debug&quot;))">
                ${RETURN_401}
            </when>
            <otherwise>
                ${RETURN_401}
            </otherwise>
        </choose>
    </otherwise>
</choose>
<set-variable name="subject" value="@(context.Request.Certificate.Subject)" />`),
    },
    {
      name: 'the API policy answers 401 in the <otherwise> of `when != null`: a read after <base /> in the operation is safe',
      code: inbound(HEADER('@(context.Request.Certificate.Thumbprint)')),
      filename: 'apimartifacts/apis/orders/operations/get/policy.xml',
      files: {
        'apimartifacts/apis/orders/policy.xml': inbound(`<choose>
    <when condition="@(context.Request.Certificate != null)">
        <set-variable name="client" value="known" />
    </when>
    <otherwise>
        ${RETURN_401}
    </otherwise>
</choose>`),
      },
    },
    {
      name: '?? in an earlier returning <when>: later uses, also in backend, are safe',
      code: inbound(`<choose>
    <when condition="@((context.Request.Certificate?.Thumbprint ?? "") != "2DB300DFDA51470556A3E1AA3A332D81CCB0482E")">
        ${RETURN_401}
    </when>
</choose>`).replace('    <backend>\n        <base />', `    <backend>\n        <base />\n        ${HEADER('@(context.Request.Certificate.Subject)')}`),
    },
    {
      name: 'a certificate read from a header is not context.Request.Certificate',
      code: inbound(`<set-body>@{
    string header = context.Request.Headers.GetValueOrDefault("X-ARR-ClientCert");
    X509Certificate2 certificate = null;
    if (!string.IsNullOrWhiteSpace(header))
    {
        certificate = new X509Certificate2(Convert.FromBase64String(header));
    }
    return certificate?.ToString() + certificate.Subject;
}</set-body>`),
    },
  ],
  invalid: [
    {
      // The later branches run when `!= null` is false: without a certificate, the read there always fails.
      name: 'after `when != null` (alone, or && more), the later <when> and the <otherwise> run without a certificate',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate != null)">
        <set-variable name="client" value="known" />
    </when>
    <when condition="@(context.Request.Certificate.Issuer.Contains(&quot;Contoso&quot;))">
        <set-variable name="client" value="contoso" />
    </when>
</choose>
<choose>
    <when condition="@(context.Request.Certificate != null &amp;&amp; context.Request.Certificate.Thumbprint == &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot;)">
        <set-variable name="client" value="pinned" />
    </when>
    <otherwise>
        ${HEADER('@(context.Request.Certificate.Subject)')}
    </otherwise>
</choose>`),
      findings: [
        { line: 8, level: 'warning', text: 'context.Request.Certificate.Issuer' },
        { line: 18, level: 'warning', text: 'context.Request.Certificate.Subject' },
      ],
      noFix: true,
    },
    {
      // With a null certificate, null == "…" is false and || goes on to the unchecked use.
      name: 'a ?. comparison that does not stop the evaluation (== then ||) guards nothing',
      code: reject(
        '@(context.Request.Certificate?.Thumbprint == &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; || context.Request.Certificate.NotAfter &lt; DateTime.Now)',
      ),
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate.NotAfter' }],
      noFix: true,
    },
    {
      name: '`when != null` without an <otherwise>, or with one that does not return: the use after the <choose> may run without a certificate',
      code: inbound(`${HEADER_IF_CERTIFICATE}
<choose>
    <when condition="@(context.Request.Certificate != null)">
        <set-variable name="client" value="known" />
    </when>
    <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Debug&quot;))">
        ${RETURN_401}
    </when>
    <otherwise>
        <set-variable name="client" value="anonymous" />
    </otherwise>
</choose>
<set-variable name="subject" value="@(context.Request.Certificate.Subject)" />`),
      findings: [{ line: 22, level: 'warning', text: 'context.Request.Certificate.Subject' }],
    },
    {
      // The check runs only for requests with the X-Partner header: the others reach the read without one.
      name: 'a check in one branch of a <choose> (a null test that returns, validate-client-certificate), or in all but one: the use after the <choose> may run without a certificate',
      code: inbound(`${ON_HEADER(NULL_401)}
${READ_SUBJECT}
${ON_HEADER(VALIDATE, '<set-variable name="client" value="anonymous" />')}
${READ_SUBJECT}
${ON_HEADER(NULL_401, ON_HEADER(VALIDATE))}
${READ_SUBJECT}`),
      findings: [
        { line: 13, level: 'warning', text: 'context.Request.Certificate.Subject' },
        { line: 22, level: 'warning', text: 'context.Request.Certificate.Subject' },
        { line: 39, level: 'warning', text: 'context.Request.Certificate.Subject' },
      ],
    },
    {
      name: '`when != null || …`, or an earlier <when> that goes on: a request without a certificate gets past the <choose>',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate != null || context.Request.Headers.ContainsKey(&quot;X-Debug&quot;))">
        <set-variable name="client" value="known" />
    </when>
    <otherwise>
        ${RETURN_401}
    </otherwise>
</choose>
<choose>
    <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Probe&quot;))">
        <set-variable name="probe" value="true" />
    </when>
    <when condition="@(context.Request.Certificate != null)">
        <set-variable name="client" value="known" />
    </when>
    <otherwise>
        ${RETURN_401}
    </otherwise>
</choose>
<set-variable name="subject" value="@(context.Request.Certificate.Subject)" />`),
      findings: [{ line: 23, level: 'warning', text: 'context.Request.Certificate.Subject' }],
    },
    {
      // Each of these lets a request without a certificate past the <choose>: a return only on some paths of the
      // <otherwise>, a negated test, `|` (no short circuit, still or), and a block that returns true without one.
      name: '`when != null` whose <otherwise> returns only sometimes, or whose condition may hold without a certificate',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate != null)">
        <set-variable name="client" value="known" />
    </when>
    <otherwise>
        <choose>
            <when condition="@(context.Request.Headers.ContainsKey(&quot;X-Strict&quot;))">
                ${RETURN_401}
            </when>
        </choose>
    </otherwise>
</choose>
<set-variable name="a" value="@(context.Request.Certificate.Subject)" />
${ELSE_401_THEN_READ('@(!(context.Request.Certificate != null))', 'b', 'anonymous')}
${ELSE_401_THEN_READ('@(context.Request.Certificate != null | context.Request.Headers.ContainsKey(&quot;X-Debug&quot;))', 'c')}
${ELSE_401_THEN_READ('@{ if (context.Request.Certificate != null) { return false; } return true; }', 'd', 'anonymous')}`),
      findings: [
        { line: 16, level: 'warning', text: 'context.Request.Certificate.Subject' },
        { line: 25, level: 'warning', text: 'context.Request.Certificate.Subject' },
        { line: 34, level: 'warning', text: 'context.Request.Certificate.Subject' },
        { line: 43, level: 'warning', text: 'context.Request.Certificate.Subject' },
      ],
    },
    {
      name: 'the fragment is included after the read',
      code: READ_THEN_INCLUDE,
      filename: 'apimartifacts/apis/orders/operations/get/policy.xml',
      files: { 'apimartifacts/policyFragments/client-cert/policy.xml': VALIDATING_FRAGMENT },
      findings: [{ line: 5, level: 'warning' }],
    },
    {
      name: 'the included fragment is not in the workspace, or checks nothing about the certificate',
      code: INCLUDE_THEN_READ,
      filename: 'apimartifacts/apis/orders/operations/get/policy.xml',
      files: { 'apimartifacts/policyFragments/client-cert/policy.xml': '<fragment>\n    <rate-limit calls="10" renewal-period="60" />\n</fragment>' },
      findings: [{ line: 6, level: 'warning' }],
    },
    {
      // The rules skip documents that can't mention the certificate (mayMention): a character reference can spell it.
      name: 'Certificate spelled with a character reference (&#67;) is still the certificate',
      code: reject('@(context.Request.&#67;ertificate.Thumbprint != &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot;)'),
      findings: [{ line: 5, level: 'warning', text: 'context.Request.&#67;ertificate.Thumbprint', message: '500 instead of 401' }],
      output: reject('@(context.Request.&#67;ertificate?.Thumbprint != &quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot;)'),
    },
    {
      name: 'rawxml when condition without a null check: ?. fix',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate.Thumbprint != "2DB300DFDA51470556A3E1AA3A332D81CCB0482E")">
        ${RETURN_401}
    </when>
</choose>`),
      files: ANY_TIER_WS,
      filename: OPERATION_POLICY,
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate.Thumbprint', message: '500 instead of 401' }],
      output: inbound(`<choose>
    <when condition="@(context.Request.Certificate?.Thumbprint != "2DB300DFDA51470556A3E1AA3A332D81CCB0482E")">
        ${RETURN_401}
    </when>
</choose>`),
    },
    {
      name: 'the literal on the left ("…" != cert.Thumbprint): the same ?. fix',
      code: reject('@(&quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; != context.Request.Certificate.Thumbprint)'),
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate.Thumbprint' }],
      output: reject('@(&quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; != context.Request.Certificate?.Thumbprint)'),
    },
    {
      name: 'on the right but not the whole operand ("…" == cert.Thumbprint.ToUpper()): no fix, ?. would change the type',
      code: reject('@(&quot;2DB300DFDA51470556A3E1AA3A332D81CCB0482E&quot; == context.Request.Certificate.Thumbprint.ToUpper())'),
      findings: [{ line: 5, level: 'warning', text: 'context.Request.Certificate.Thumbprint' }],
      noFix: true,
    },
    {
      name: 'through an alias; one finding per expression (the first use)',
      code: inbound(`<set-variable name="expired" value="@{
    var cert = context.Request.Certificate;
    var now = DateTime.Now;
    return cert.NotAfter < now || cert.NotBefore > now;
}" />`),
      findings: [{ line: 7, text: 'cert.NotAfter', message: "'cert' (context.Request.Certificate)" }],
    },
    {
      name: 'a typed declaration is an alias too',
      code: inbound(HEADER(`@{
    X509Certificate2 cert = context.Request.Certificate;
    return cert.GetNameInfo(X509NameType.SimpleName, false);
}`)),
      findings: [{ line: 7, text: 'cert.GetNameInfo' }],
    },
    {
      name: 'validate-client-certificate with ignore-error="true" does not make it non-null',
      code: inbound(`<validate-client-certificate validate-trust="false" ignore-error="true" />
${HEADER('@(context.Request.Certificate.Thumbprint)')}`),
      findings: [{ line: 6, text: 'context.Request.Certificate.Thumbprint' }],
    },
    {
      name: 'on-error runs also when the certificate was missing; a use before the check is not covered either',
      code: inbound(
        `${HEADER('@(context.Request.Certificate.Subject)')}
<choose>
    <when condition="@(context.Request.Certificate == null)">
        ${RETURN_401}
    </when>
</choose>`,
        HEADER('@(context.Request.Certificate.Thumbprint)'),
      ),
      findings: [
        { line: 5, text: 'context.Request.Certificate.Subject' },
        { line: 22, text: 'context.Request.Certificate.Thumbprint' },
      ],
    },
    {
      name: 'inside `when == null` the certificate is null',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate == null)">
        <return-response>
            <set-status code="401" />
            <set-body>@(context.Request.Certificate.ToString())</set-body>
        </return-response>
    </when>
</choose>`),
      findings: [{ line: 8, text: 'context.Request.Certificate.ToString' }],
    },
    {
      name: 'the null test after the use does not count; escaped xml',
      code: inbound(HEADER('@(context.Request.Certificate.NotAfter &lt; DateTime.Now &amp;&amp; context.Request.Certificate != null ? &quot;expired&quot; : &quot;ok&quot;)')),
      findings: [{ line: 5, text: 'context.Request.Certificate.NotAfter' }],
    },
    {
      name: 'a null test in a <when> that does not return does not cover what follows the <choose>',
      code: inbound(`<choose>
    <when condition="@(context.Request.Certificate == null)">
        <set-variable name="anonymous" value="true" />
    </when>
</choose>
${HEADER('@(context.Request.Certificate.Subject)')}`),
      findings: [{ line: 10, text: 'context.Request.Certificate.Subject' }],
    },
  ],
});
