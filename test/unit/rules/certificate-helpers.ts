import { toBase64, toPem } from '../../../server/src/certificates/encoding';
import { generateCertificate, type GeneratedCertificate } from '../../../server/src/certificates/generate';
import { EXISTING_SERVICE, policy } from './bicep-service.fixtures';

/** The moment the certificate rule tests judge validity against. */
export const NOW = new Date('2026-06-01T00:00:00Z');

const O = 'O=Contoso';
const d = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/**
 * Certificates for the certificate rule tests (ECDSA P-256, fixed dates around `NOW`):
 *
 *   root ─┬─ issuing ─┬─ valid            (valid until 2027-01-01)
 *         │           ├─ partnerExpired   (expired 2026-05-01) ── partnerRenewed (same subject, until 2027-04-15)
 *         │           ├─ expiring         (until 2026-06-20: 19 days after NOW)
 *         │           └─ comma            (O="Contoso, Inc.")
 *         ├─ other (another issuing CA)
 *         └─ expiredCa (an issuing CA that expired 2026-03-01)
 */
export interface TestCertificates {
  root: GeneratedCertificate;
  issuing: GeneratedCertificate;
  other: GeneratedCertificate;
  expiredCa: GeneratedCertificate;
  valid: GeneratedCertificate;
  partnerExpired: GeneratedCertificate;
  partnerRenewed: GeneratedCertificate;
  expiring: GeneratedCertificate;
  comma: GeneratedCertificate;
}

let cached: Promise<TestCertificates> | undefined;

async function make(): Promise<TestCertificates> {
  const root = await generateCertificate({ id: 'root', kind: 'root', subject: `CN=Test Root CA, ${O}`, notBefore: d('2020-01-01'), notAfter: d('2040-01-01') });
  const ca = (id: string, cn: string, from: string, to: string): Promise<GeneratedCertificate> =>
    generateCertificate({ id, kind: 'intermediate', subject: `CN=${cn}, ${O}`, issuer: root, notBefore: d(from), notAfter: d(to) });
  const [issuing, other, expiredCa] = await Promise.all([
    ca('issuing', 'Test Issuing CA', '2020-01-01', '2035-01-01'),
    ca('other', 'Other Issuing CA', '2020-01-01', '2035-01-01'),
    ca('expired-ca', 'Old Issuing CA', '2020-01-01', '2026-03-01'),
  ]);
  const client = (id: string, subject: string, from: string, to: string): Promise<GeneratedCertificate> =>
    generateCertificate({ id, kind: 'client', subject, issuer: issuing, dnsNames: [`${id}.contoso.example`, `${id}.alt.contoso.example`], notBefore: d(from), notAfter: d(to) });
  const [valid, partnerExpired, partnerRenewed, expiring, comma] = await Promise.all([
    client('valid', `CN=Valid Client, ${O}`, '2026-01-01', '2027-01-01'),
    client('partner', `CN=Partner Client, ${O}`, '2025-05-01', '2026-05-01'),
    client('partner-renewed', `CN=Partner Client, ${O}`, '2026-04-15', '2027-04-15'),
    client('expiring', `CN=Expiring Client, ${O}`, '2025-06-20', '2026-06-20'),
    client('comma', 'CN=Comma Client, O="Contoso, Inc.", C=NL', '2026-01-01', '2027-01-01'),
  ]);
  return { root, issuing, other, expiredCa, valid, partnerExpired, partnerRenewed, expiring, comma };
}

/** The test certificates, generated once per test process. */
export function testCertificates(): Promise<TestCertificates> {
  return (cached ??= make());
}

/** PEM text of a certificate (what `x.cer` holds). */
export function pem(cert: GeneratedCertificate): string {
  return toPem('CERTIFICATE', cert.der);
}

/** Base64 without markers (what `x.without-markers.cer` holds and Bicep loads). */
export function base64(cert: GeneratedCertificate): string {
  return toBase64(cert.der);
}

/** Workspace files for certificates: `certs/<id>.cer` (PEM) and `certs/<id>.without-markers.cer`. */
export function certFiles(...certs: GeneratedCertificate[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const c of certs) {
    files[`certs/${c.id}.cer`] = pem(c);
    files[`certs/${c.id}.without-markers.cer`] = base64(c);
  }
  return files;
}

/** A `validate-client-certificate` policy around the given `<identity …/>` lines (rawxml style, API scope). */
export function vccPolicy(identities: string, attributes = 'validate-trust="false"'): string {
  return policy(`<validate-client-certificate ${attributes}>
            <identities>
${identities
  .split('\n')
  .map((l) => `                ${l}`)
  .join('\n')}
            </identities>
        </validate-client-certificate>`);
}

/** A `service/certificates` resource on an existing service, loading `path` with `fn`. */
export function clientCertificateBicep(path: string, fn = 'loadTextContent'): string {
  return `${EXISTING_SERVICE}
resource partnerCertificate 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {
  parent: apim
  name: 'partner-client'
  properties: {
    data: ${fn}('${path}')
  }
}
`;
}

/** A classic (Developer) service uploading CA certificates loaded from `certs/` (the first to `Root`, the others to `CertificateAuthority`). */
export function caBicep(...ids: string[]): string {
  const entries = ids
    .map((id, i) => `      {\n        encodedCertificate: loadTextContent('./certs/${id}.without-markers.cer')\n        storeName: '${i === 0 ? 'Root' : 'CertificateAuthority'}'\n      }`)
    .join('\n');
  return `resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {
  name: 'apim-contoso'
  location: 'westeurope'
  sku: {
    name: 'Developer'
    capacity: 1
  }
  properties: {
    publisherEmail: 'api-team@contoso.example'
    publisherName: 'Contoso'
    certificates: [
${entries}
    ]
  }
}
`;
}
