/** What the linter and the editor need to know of one X.509 certificate. */
export interface CertificateInfo {
  /** Distinguished name as .NET prints it (`X509Certificate2.Subject`): most specific RDN first, ", " between, e.g. `CN=Valid Client, O=Contoso`. */
  subject: string;
  issuer: string;
  /** The subject's CN, if any. */
  commonName?: string;
  /** Serial number, upper-case hex without separators. */
  serialNumber: string;
  /** SHA-1 over the DER, upper-case hex (what APIM's `thumbprint` and `X509Certificate2.Thumbprint` use). */
  thumbprint: string;
  /** SHA-256 over the DER, upper-case hex. */
  thumbprintSha256: string;
  /** The DER, base64 on one line: what Bicep's `encodedCertificate` / `data` want (a `.without-markers.cer`). */
  base64: string;
  notBefore: Date;
  notAfter: Date;
  /** basicConstraints cA. */
  isCA: boolean;
  pathLength?: number;
  /** Subject equals issuer and the signature verifies with its own key (or, when it can't be checked, subject equals issuer). */
  selfSigned: boolean;
  /** e.g. `digitalSignature`, `keyCertSign`, `cRLSign`. */
  keyUsage: string[];
  /** e.g. `clientAuth` (1.3.6.1.5.5.7.3.2), `serverAuth`; unknown OIDs as dotted strings. */
  extendedKeyUsage: string[];
  /** SAN dNSName entries. */
  dnsNames: string[];
  /** e.g. `RSA 2048`, `ECDSA P-256`. */
  keyAlgorithm: string;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`; unknown OIDs dotted. */
  signatureAlgorithm?: string;
}

export type CertificateEncoding = 'pem' | 'base64' | 'der' | 'pfx';

/** The result of reading a certificate file: never throws; what went wrong is in `problems`. */
export interface CertificateFile {
  encoding: CertificateEncoding | 'unknown';
  /** The text carries `-----BEGIN CERTIFICATE-----` / `-----END CERTIFICATE-----`. */
  hasPemMarkers: boolean;
  certificates: CertificateInfo[];
  problems: string[];
}
