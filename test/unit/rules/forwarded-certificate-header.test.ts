import { testRule } from '../../rule-tester';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { forwardedCertificateHeader, isForwardedCertificateHeader } from '../../../server/src/rules/forwarded-certificate-header';
import { apiBicep, serviceBicep } from './bicep-service.fixtures';
import { OPERATION_POLICY, inbound } from './expression-policy.fixtures';

/** The pattern of nine public policies behind Application Gateway: the forwarded thumbprint checked against a list. */
const ALLOW_LIST = `<choose>
    <when condition="@(!new [] { &quot;{{partner-thumbprint}}&quot; }.Contains(context.Request.Headers.GetValueOrDefault(&quot;X-ARR-ClientCertThumbprint&quot;, &quot;&quot;).ToUpperInvariant()))">
        <return-response><set-status code="403" /></return-response>
    </when>
</choose>`;

/** The operation policy deployed by a service with these properties. */
const deployedBy = (properties: string, header = ''): Record<string, string> => ({
  'main.bicep': serviceBicep("'Premium'", properties, header),
  'api.bicep': apiBicep(`./${OPERATION_POLICY}`),
});

/** An APIOps extract: the API's policy, and the global policy that runs at its `<base />`. */
const API_POLICY = 'apimartifacts/apis/partner/policy.xml';
const IP_FILTER = '<ip-filter action="allow"><address-range from="10.0.1.0" to="10.0.1.255" /></ip-filter>';
const globalWith = (inner: string): Record<string, string> => ({ 'apimartifacts/policy.xml': inbound(inner) });

testRule(forwardedCertificateHeader, {
  valid: [
    // A public-repository sweep: the caller is checked where it runs for this policy too (the rule page's defences).
    { name: 'the caller checked in the global policy, which runs at this policy’s <base /> before the read', code: inbound(ALLOW_LIST), filename: API_POLICY, files: globalWith(IP_FILTER) },
    {
      name: 'the caller checked in a fragment included before the read (read in place)',
      code: inbound(`<include-fragment fragment-id="frontdoor-only" />\n${ALLOW_LIST}`),
      filename: API_POLICY,
      files: { 'apimartifacts/policyFragments/frontdoor-only/policy.xml': `<fragment>\n    ${IP_FILTER}\n</fragment>` },
    },
    { name: 'the certificate of the TLS connection itself', code: inbound('<choose><when condition="@(context.Request.Certificate == null)"><return-response><set-status code="401" /></return-response></when></choose>') },
    { name: 'another header', code: inbound('<set-variable name="id" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-Request-Id&quot;, &quot;&quot;))" />') },
    {
      name: 'a header set for the backend from the TLS certificate (not read from the request)',
      code: inbound('<set-header name="X-Client-Cert-Thumbprint" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint)</value></set-header>'),
    },
    { name: 'only the proxy’s addresses are let in (ip-filter)', code: inbound(`<ip-filter action="allow"><address-range from="10.0.1.0" to="10.0.1.255" /></ip-filter>\n${ALLOW_LIST}`) },
    {
      name: 'the caller’s address is checked in C#',
      code: inbound(`<choose><when condition="@(!context.Request.IpAddress.StartsWith(&quot;10.0.1.&quot;))"><return-response><set-status code="403" /></return-response></when></choose>\n${ALLOW_LIST}`),
    },
    {
      name: 'Front Door’s documented check: X-Azure-FDID against a named value',
      code: inbound(`<check-header name="X-Azure-FDID" failed-check-httpcode="403" failed-check-error-message="Invalid request." ignore-case="false"><value>{{FrontDoorId}}</value></check-header>\n${ALLOW_LIST}`),
    },
    { name: "the service is in a virtual network in Internal mode (the blog's setup)", code: inbound(ALLOW_LIST), filename: OPERATION_POLICY, files: deployedBy("virtualNetworkType: 'Internal'") },
    { name: 'the service takes private endpoint traffic only', code: inbound(ALLOW_LIST), filename: OPERATION_POLICY, files: deployedBy("publicNetworkAccess: 'Disabled'") },
    {
      name: 'a header whose name is a named value (a verified flag kept in Key Vault, in a public policy)',
      code: inbound('<set-variable name="ok" value="@(context.Request.Headers.GetValueOrDefault(&quot;{{client-certificate-verified-header}}&quot;, &quot;false&quot;) == &quot;true&quot;)" />'),
    },
    {
      name: 'Front Door’s id checked against a literal, as its documentation also allows',
      code: inbound(`<check-header name="X-Azure-FDID" failed-check-httpcode="403" failed-check-error-message="Invalid request." ignore-case="false"><value>a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b</value></check-header>\n${ALLOW_LIST}`),
    },
    {
      name: 'the policy sets the header itself (from the TLS certificate) before reading it',
      code: inbound(
        `<set-header name="X-ARR-ClientCertThumbprint" exists-action="override"><value>@(context.Request.Certificate?.Thumbprint ?? "")</value></set-header>\n${ALLOW_LIST}`,
      ),
    },
    {
      // gitpavleenbali/azure-wiki: the decision is on the TLS certificate; the header only goes back in the 403 body.
      name: 'the header only echoed back in the response a rejection returns, traced and logged',
      code: inbound(`<choose>
  <when condition="@(context.Request.Certificate == null || !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint))">
    <return-response>
      <set-status code="403" reason="Client certificate required" />
      <set-body>@(context.Request.Headers.GetValueOrDefault("X-Client-Cert-Fingerprint", "none"))</set-body>
    </return-response>
  </when>
</choose>
<trace source="mtls"><message>@(context.Request.Headers.GetValueOrDefault("X-ARR-ClientCertThumbprint", ""))</message></trace>`),
    },
    {
      name: 'headers whose names only look like it: a certification id, a mode, a flag, a count',
      code: inbound(
        ['X-VPS-VIT-Client-Certification-Id', 'X-Client-Certificate-Mode', 'X-SSL-Cert-Required', 'X-Client-Certs-Count']
          .map((h, i) => `<set-variable name="v${i}" value="@(context.Request.Headers.GetValueOrDefault(&quot;${h}&quot;, &quot;&quot;))" />`)
          .join('\n'),
      ),
    },
  ],
  invalid: [
    {
      name: 'the global policy checks no caller; or the read runs before <base /> (before the global check)',
      code: inbound(ALLOW_LIST),
      filename: API_POLICY,
      files: globalWith('<rate-limit calls="10" renewal-period="60" />'),
      findings: [{ line: 5, level: 'warning' }],
    },
    {
      name: 'the read before <base />: the global policy’s check runs after it',
      code: inbound(ALLOW_LIST).replace('<base />', '').replace('</choose>', '</choose>\n        <base />'),
      filename: API_POLICY,
      files: globalWith(IP_FILTER),
      findings: [{ line: 5, level: 'warning' }],
    },
    {
      name: 'the fragment that checks the caller is included inside a branch',
      code: inbound(`<choose><when condition="@(true)"><include-fragment fragment-id="frontdoor-only" /></when></choose>\n${ALLOW_LIST}`),
      filename: API_POLICY,
      files: { 'apimartifacts/policyFragments/frontdoor-only/policy.xml': `<fragment>\n    ${IP_FILTER}\n</fragment>` },
      findings: [{ line: 6, level: 'warning' }],
    },
    {
      name: 'pseudo-defences: the address only as a rate-limit key, an ip-filter in a branch, a secret compared in Content-Type',
      code: inbound(
        '<rate-limit-by-key calls="10" renewal-period="60" counter-key="@(context.Request.IpAddress)" />\n' +
          '<choose><when condition="@(context.Request.Url.Path.StartsWith(&quot;/admin&quot;))"><ip-filter action="allow"><address from="10.0.0.1" /></ip-filter></when></choose>\n' +
          '<check-header name="Content-Type" failed-check-httpcode="415" failed-check-error-message="x" ignore-case="true"><value>{{content-type}}</value></check-header>\n' +
          ALLOW_LIST,
      ),
      findings: [{ line: 8, text: '&quot;X-ARR-ClientCertThumbprint&quot;' }],
    },
    {
      name: 'the forwarded thumbprint against an allow list, nothing known of the network',
      code: inbound(ALLOW_LIST),
      findings: [
        {
          line: 5,
          level: 'warning',
          text: '&quot;X-ARR-ClientCertThumbprint&quot;',
          message: /^This policy takes the client certificate from the X-ARR-ClientCertThumbprint header, .* but anyone who reaches APIM without going through the proxy can send that header/,
        },
      ],
    },
    {
      name: 'deployed by a service that faces the internet (no virtual network): the message says so',
      code: inbound(ALLOW_LIST),
      filename: OPERATION_POLICY,
      files: deployedBy("virtualNetworkType: 'External'"),
      findings: [{ line: 5, message: 'the service that deploys this policy is reachable from the internet, so anyone can send that header' }],
    },
    {
      name: 'a network type the Bicep can’t tell (a parameter without default): the general wording',
      code: inbound(ALLOW_LIST),
      filename: OPERATION_POLICY,
      files: deployedBy('virtualNetworkType: networkType', 'param networkType string\n'),
      findings: [{ line: 5, message: 'anyone who reaches APIM without going through the proxy' }],
    },
    {
      name: 'check-header on the forwarded certificate; several headers are one finding that names them',
      code: inbound(
        '<check-header name="X-ARR-ClientCert" failed-check-httpcode="401" failed-check-error-message="No certificate" ignore-case="true" />\n' +
          '<set-variable name="subject" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-SSL-Client-S-DN&quot;, &quot;&quot;))" />',
      ),
      findings: [{ line: 4, text: 'X-ARR-ClientCert', message: 'from the X-ARR-ClientCert and X-SSL-Client-S-DN headers' }],
    },
    {
      name: 'a check-header of the certificate header itself against a named value is no check of the caller',
      code: inbound('<check-header name="X-Client-Certificate-Thumbprint" failed-check-httpcode="403" failed-check-error-message="Forbidden" ignore-case="true"><value>{{partner-thumbprint}}</value></check-header>'),
      findings: [{ line: 4, text: 'X-Client-Certificate-Thumbprint' }],
    },
  ],
});

test('which header names carry a forwarded client certificate (or a part of it)', () => {
  const yes = [
    'X-ARR-ClientCert', 'X-ARR-ClientCertThumbprint', 'X-ARR-ClientCert-Thumbprint', 'X-Client-Certificate', 'X-Client-Cert',
    'X-Forwarded-Client-Cert', 'Client-Cert', 'Client-Cert-Chain', 'X-SSL-Client-Cert', 'X-SSL-Client-S-DN', 'X-SSL-Client-Verify',
    'SSL-Client-Verify', 'X-ClientCert-Issuer', 'X-Client-Thumbprint', 'X-Certificate-Thumbprint', 'Cf-Client-Cert-Sha256',
    'x-client-cert-verification', 'X-SSL-Cert',
  ];
  const no = [
    'X-Request-Id', 'X-Client-Id', 'X-VPS-VIT-Client-Certification-Id', 'X-Client-Certificate-Mode', 'X-SSL-Cert-Required',
    'X-Client-Certs-Count', 'X-SSL', 'Certificate', 'X-Thumbprint-Version',
  ];
  assert.deepEqual(yes.filter((h) => !isForwardedCertificateHeader(h)), []);
  assert.deepEqual(no.filter((h) => isForwardedCertificateHeader(h)), []);
});
