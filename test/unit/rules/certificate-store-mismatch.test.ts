import { testRule } from '../../rule-tester';
import { certificateStoreMismatch } from '../../../server/src/rules/certificate-store-mismatch';
import { CLIENT_BASE64, CLIENT_PEM, INTERMEDIATE_CA_PEM, ROOT_CA_BASE64, ROOT_CA_PEM, SETTINGS_BICEP, avmServiceBicep, serviceBicep, settingsHeader } from './bicep-service.fixtures';

/** A classic service with CA entries `[file, store]` (the first `encodedCertificate` is on line 13). */
function entries(...items: [string, string][]): string {
  const body = items.map(([file, store]) => `  {\n    encodedCertificate: loadTextContent('./certs/${file}')\n    storeName: '${store}'\n  }`).join('\n');
  return serviceBicep("'Premium'", `certificates: [\n${body}\n]`);
}

const CERTS = {
  'certs/root-ca.cer': ROOT_CA_PEM,
  'certs/root-ca.without-markers.cer': ROOT_CA_BASE64,
  'certs/dev-intermediate-ca.cer': INTERMEDIATE_CA_PEM,
  'certs/client-01.cer': CLIENT_PEM,
  'certs/client-01.without-markers.cer': CLIENT_BASE64,
};

/**
 * A root made without basicConstraints (key usage keyCertSign, as PowerShell's New-SelfSignedCertificate makes them):
 * `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -config <(printf '[req]\ndistinguished_name=dn\nprompt=no\n[dn]\nCN=My Root Authority\n')
 *  -addext keyUsage=critical,digitalSignature,keyCertSign,cRLSign -addext subjectKeyIdentifier=hash -days 36500`.
 */
const ROOT_WITHOUT_BASIC_CONSTRAINTS = `-----BEGIN CERTIFICATE-----
MIIBbTCCAROgAwIBAgIUJqF4U2CmZNL+AYaTqxLz9FXebLUwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRTXkgUm9vdCBBdXRob3JpdHkwIBcNMjYxMTI3MDUzMzQzWhgP
MjEyNjExMDMwNTMzNDNaMBwxGjAYBgNVBAMMEU15IFJvb3QgQXV0aG9yaXR5MFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEer85gz0Yx/Vu3HF097ChyjFLDD1TxaRu
1FO6v6lj6a7KHHabHrxxAJuhtmnNtksFrilCMxJ4/CY25a+qfIEF7aMxMC8wDgYD
VR0PAQH/BAQDAgGGMB0GA1UdDgQWBBSXcwaGDDzmUREoODqnVXtC+wulgTAKBggq
hkjOPQQDAgNIADBFAiApEJmyfJnwypmFfHpBqZKkuggRuwDdYSAguUdytETHvgIh
APf10wy24xPUML1AUyLJh1l1tc9hAPG07PdoT1UKqL/O
-----END CERTIFICATE-----
`;

testRule(certificateStoreMismatch, {
  valid: [
    { name: 'root in Root, intermediate in CertificateAuthority', code: entries(['root-ca.without-markers.cer', 'Root'], ['dev-intermediate-ca.cer', 'CertificateAuthority']), files: CERTS },
    {
      name: 'a root without basicConstraints, with keyCertSign, in Root (found in a public template): a CA, not a client certificate',
      code: entries(['my-root.cer', 'Root']),
      files: { 'certs/my-root.cer': ROOT_WITHOUT_BASIC_CONSTRAINTS },
    },
    { name: 'certificate file not in the workspace', code: entries(['other.cer', 'CertificateAuthority']) },
    { name: 'invalid store (invalid-certificate-store reports it)', code: entries(['root-ca.cer', 'My']), files: CERTS },
    {
      name: 'tier-guarded root in Root',
      code: serviceBicep(
        'apiManagementSettings.sku',
        "certificates: contains(['Developer', 'Basic', 'Standard', 'Premium'], apiManagementSettings.sku) ? [\n  {\n    encodedCertificate: loadTextContent('./certs/root-ca.without-markers.cer')\n    storeName: 'Root'\n  }\n] : null",
        settingsHeader('apiManagementSettingsType'),
      ),
      files: { ...CERTS, 'settings.bicep': SETTINGS_BICEP },
    },
  ],
  invalid: [
    {
      name: 'the same root in CertificateAuthority',
      code: entries(['my-root.cer', 'CertificateAuthority']),
      files: { 'certs/my-root.cer': ROOT_WITHOUT_BASIC_CONSTRAINTS },
      findings: [{ line: 14, text: "storeName: 'CertificateAuthority'", message: 'CN=My Root Authority is a self-signed root CA' }],
      output: entries(['my-root.cer', 'Root']),
    },
    {
      name: 'a client certificate among the Azure Verified Module’s certificates parameter',
      code: avmServiceBicep("'Premium'", "certificates: [\n  {\n    encodedCertificate: loadTextContent('./certs/client-01.without-markers.cer')\n    storeName: 'Root'\n  }\n]"),
      files: CERTS,
      findings: [{ line: 8, level: 'warning', message: "CN=Client 01, O=Contoso is not a CA: the module’s certificates parameter holds CA certificates only." }],
    },
    {
      name: 'self-signed root in CertificateAuthority',
      code: entries(['root-ca.without-markers.cer', 'CertificateAuthority']),
      files: CERTS,
      findings: [{ line: 14, level: 'warning', text: "storeName: 'CertificateAuthority'", message: "CN=APIM Sample Root CA is a self-signed root CA, but it is uploaded to 'CertificateAuthority'" }],
      output: entries(['root-ca.without-markers.cer', 'Root']),
    },
    {
      name: 'intermediate in Root (the second entry)',
      code: entries(['root-ca.without-markers.cer', 'Root'], ['dev-intermediate-ca.cer', 'Root']),
      files: CERTS,
      findings: [{ line: 18, level: 'warning', message: 'an intermediate CA issued by CN=APIM Sample Root CA' }],
      output: entries(['root-ca.without-markers.cer', 'Root'], ['dev-intermediate-ca.cer', 'CertificateAuthority']),
    },
    {
      name: 'a client certificate among the CA certificates',
      code: entries(['client-01.without-markers.cer', 'CertificateAuthority']),
      files: CERTS,
      findings: [
        {
          line: 13,
          level: 'warning',
          text: "loadTextContent('./certs/client-01.without-markers.cer')",
          message: 'CN=Client 01, O=Contoso is not a CA: properties.certificates holds CA certificates only',
        },
      ],
    },
    {
      name: 'a literal root in CertificateAuthority',
      code: serviceBicep("'Premium'", `certificates: [\n  {\n    encodedCertificate: '${ROOT_CA_BASE64}'\n    storeName: 'CertificateAuthority'\n  }\n]`),
      findings: [{ line: 14, message: 'a self-signed root belongs in Root' }],
    },
  ],
});
