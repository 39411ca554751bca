import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from './encoding';
import { commonNameOf, formatDotNetName } from './names';
import type { CertificateInfo } from './types';

export const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

/** RFC 5280 key usage bits, in bit order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;
export type KeyUsageName = (typeof KEY_USAGE_BITS)[number];

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const CURVE_NAMES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

const SIGNATURE_NAMES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
};

function keyUsageNames(bits: asn1js.BitString): string[] {
  const bytes = bits.valueBlock.valueHexView;
  return KEY_USAGE_BITS.filter((_, i) => i < bytes.length * 8 && (bytes[i >> 3] & (0x80 >> (i & 7))) !== 0);
}

function keyAlgorithmOf(x509: X509Certificate): string {
  const key = x509.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${details.modulusLength ?? '?'}`;
    case 'rsa-pss':
      return `RSA-PSS ${details.modulusLength ?? '?'}`;
    case 'ec':
      return `ECDSA ${CURVE_NAMES[details.namedCurve ?? ''] ?? details.namedCurve ?? '?'}`;
    case 'ed25519':
      return 'Ed25519';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

function isSelfSigned(cert: pkijs.Certificate, x509: X509Certificate): boolean {
  if (!cert.subject.isEqual(cert.issuer)) return false;
  try {
    return x509.verify(x509.publicKey);
  } catch {
    return true; // the signature could not be checked: the names alone decide
  }
}

/** Everything the linter needs to know of one DER certificate. Throws when the bytes are not a certificate. */
export function certificateInfoFromDer(der: Uint8Array): CertificateInfo {
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  const x509 = new X509Certificate(der);
  const info: CertificateInfo = {
    subject: formatDotNetName(cert.subject),
    issuer: formatDotNetName(cert.issuer),
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    thumbprint: createHash('sha1').update(der).digest('hex').toUpperCase(),
    thumbprintSha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    base64: Buffer.from(der).toString('base64'),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    isCA: false,
    selfSigned: isSelfSigned(cert, x509),
    keyUsage: [],
    extendedKeyUsage: [],
    dnsNames: [],
    keyAlgorithm: keyAlgorithmOf(x509),
    signatureAlgorithm: SIGNATURE_NAMES[cert.signatureAlgorithm.algorithmId] ?? cert.signatureAlgorithm.algorithmId,
  };
  const commonName = commonNameOf(cert.subject);
  if (commonName !== undefined) info.commonName = commonName;
  for (const ext of cert.extensions ?? []) {
    const parsed: unknown = ext.parsedValue;
    if (ext.extnID === OID.basicConstraints && parsed instanceof pkijs.BasicConstraints) {
      info.isCA = parsed.cA;
      if (typeof parsed.pathLenConstraint === 'number') info.pathLength = parsed.pathLenConstraint;
      else if (parsed.pathLenConstraint instanceof asn1js.Integer) info.pathLength = parsed.pathLenConstraint.valueBlock.valueDec;
    } else if (ext.extnID === OID.keyUsage && parsed instanceof asn1js.BitString) {
      info.keyUsage = keyUsageNames(parsed);
    } else if (ext.extnID === OID.extKeyUsage && parsed instanceof pkijs.ExtKeyUsage) {
      info.extendedKeyUsage = parsed.keyPurposes.map((oid) => EKU_NAMES[oid] ?? oid);
    } else if (ext.extnID === OID.subjectAltName && parsed instanceof pkijs.AltName) {
      info.dnsNames = parsed.altNames.filter((n) => n.type === 2 && typeof n.value === 'string').map((n) => String(n.value));
    }
  }
  return info;
}
