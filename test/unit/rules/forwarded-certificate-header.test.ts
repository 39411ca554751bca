import { testRule } from '../../rule-tester';
import { forwardedCertificateHeader } from '../../../server/src/rules/forwarded-certificate-header';
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

testRule(forwardedCertificateHeader, {
  valid: [
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
  ],
  invalid: [
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
