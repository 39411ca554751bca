import type { CertificateInfo } from './types';

/**
 * Can the certificate issue others (a CA, for the linter's judgements of roles and stores)? Its basicConstraints say
 * cA, or its key usage holds keyCertSign, which only a CA may assert. Some tools make CAs without basicConstraints
 * (PowerShell's New-SelfSignedCertificate, `openssl req -x509` with a bare configuration), and Windows and OpenSSL
 * outside its strict mode take them as issuers: such a root in the Root store is not "a client certificate".
 */
export function actsAsCa(certificate: CertificateInfo): boolean {
  return certificate.isCA || certificate.keyUsage.includes('keyCertSign');
}
