import { readCertificateFile } from '../../certificates/read';
import { actsAsCa } from '../../certificates/role';
import type { CertificateInfo } from '../../certificates/types';
import type { RelatedInfo } from '../../core/finding';
import type { CertificateEntry } from '../../model/types';
import type { CertificateIndex } from '../types';

/** The stores `properties.certificates[].storeName` accepts (facts §4). */
export const CA_STORES = ['Root', 'CertificateAuthority'] as const;
export type CaStore = (typeof CA_STORES)[number];

/** Is this exactly one of the accepted store names? */
export function isCaStore(value: string): value is CaStore {
  return (CA_STORES as readonly string[]).includes(value);
}

/** The certificate an entry uploads, read from the loaded workspace file or the literal; `file` is set for a loaded file. */
export interface EntryCertificate {
  certificate: CertificateInfo;
  file?: string;
}

/** Reads the (first) certificate of `encodedCertificate` / `data`, when it is a readable literal or workspace file. */
export function entryCertificate(entry: CertificateEntry, certificates: CertificateIndex): EntryCertificate | undefined {
  const data = entry.data;
  const loaded = data?.loadedFile?.path;
  if (loaded) {
    const certificate = certificates.file(loaded)?.certificates[0];
    return certificate ? { certificate, file: loaded } : undefined;
  }
  const certificate = data?.literal ? readCertificateFile(data.literal).certificates[0] : undefined;
  return certificate ? { certificate } : undefined;
}

/** Where a CA certificate belongs: a self-signed root in `Root`, an intermediate in `CertificateAuthority` (facts §4). */
export function storeFor(certificate: CertificateInfo): CaStore {
  return certificate.selfSigned ? 'Root' : 'CertificateAuthority';
}

/** `root (CN=…, self-signed)`: what a certificate is, for messages. */
export function describeCertificate(certificate: CertificateInfo): string {
  const kind = !actsAsCa(certificate) ? 'not a CA' : certificate.selfSigned ? 'a self-signed root CA' : `an intermediate CA issued by ${certificate.issuer}`;
  return `${certificate.subject} is ${kind}`;
}

/** Related info pointing at the certificate file an entry loads. */
export function certificateFileInfo(found: EntryCertificate, message: string): RelatedInfo[] {
  return found.file ? [{ file: found.file, span: { start: 0, end: 0 }, message }] : [];
}
