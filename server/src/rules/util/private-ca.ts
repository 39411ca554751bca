import { rootCertificates } from 'node:tls';
import { sha1Thumbprint } from '../../certificates/info';
import { actsAsCa } from '../../certificates/role';
import type { CertificateInfo } from '../../certificates/types';
import type { CertificateIndex } from '../types';
import { baseName } from './certificate-references';

/**
 * On the tiers that can't be given CA certificates (Consumption, v2), a chain that ends in a private or self-signed
 * CA can't be built, so chain validation fails for every client of it: what Microsoft documents ("root (or
 * intermediate) CA certificates must be uploaded … for Verify() to work" with a self-signed chain) and the blog
 * observed. Whether a certificate from a publicly trusted CA validates there is not documented: the tier rules say
 * so, and name the private CA when the workspace holds one (a self-signed certificate that is no public root, not
 * among the roots Node.js ships, Mozilla's). Their level doesn't depend on it: mTLS clients of an API are issued by a
 * private CA (public TLS CAs are dropping client authentication), and a v2 repository has no reason to hold its CA.
 */
export interface PrivateCa {
  file: string;
  certificate: CertificateInfo;
}

let publicRoots: Set<string> | undefined;

/** SHA-1 thumbprints (upper-case hex) of the public roots Node.js trusts. */
function publicRootThumbprints(): Set<string> {
  if (publicRoots) return publicRoots;
  // Kept once whole: a rule stopped while they are read (see engine/watchdog.ts) left a part of them, for good.
  const roots = new Set<string>();
  for (const pem of rootCertificates) {
    const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    roots.add(sha1Thumbprint(Buffer.from(body, 'base64')));
  }
  publicRoots = roots;
  return roots;
}

const found = new WeakMap<CertificateIndex, PrivateCa | null>();

/** The first self-signed CA certificate of the workspace that is no public root (a private CA's root), if any. */
export function privateCaIn(certificates: CertificateIndex): PrivateCa | undefined {
  const known = found.get(certificates);
  if (known !== undefined) return known ?? undefined;
  let result: PrivateCa | null = null;
  if (certificates.size > 0) {
    const roots = publicRootThumbprints();
    const hit = certificates.all().find(({ certificate }) => certificate.selfSigned && actsAsCa(certificate) && !roots.has(certificate.thumbprint));
    if (hit) result = { file: hit.file, certificate: hit.certificate };
  }
  found.set(certificates, result);
  return result ?? undefined;
}

/** `root-ca.cer ("CN=APIM Sample Root CA")`: for messages. */
export function privateCaText(ca: PrivateCa): string {
  return `${baseName(ca.file)} ("${ca.certificate.subject}")`;
}

/** What fails on a tier that can't validate chains: every request when the clients' CA is known to be private. */
export function failsText(ca: PrivateCa | undefined): string {
  return ca ? 'every request fails' : 'every request fails when the client certificates come from a private or self-signed CA, as mTLS client certificates do';
}

/** `Verify()` there: false for every certificate, or for every certificate of a private CA. */
export function everyCertificateText(ca: PrivateCa | undefined): string {
  return ca ? 'every certificate' : 'every certificate from a private or self-signed CA';
}

/** Why, in parentheses: the private CA of the workspace, or what isn't documented. */
export function becauseText(ca: PrivateCa | undefined): string {
  return ca
    ? ` (the clients' CA, ${privateCaText(ca)}, is a private one, and these tiers can't be given CA certificates)`
    : " (these tiers can't be given CA certificates; Microsoft doesn't document whether certificates from a publicly trusted CA validate there)";
}
