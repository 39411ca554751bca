import type { BicepRef, PolicyContext, ServiceInfo } from '../../model/types';
import type { CertificateIndex } from '../types';
import { entryCertificate } from './bicep-certificates';

/** The services a policy is deployed to, each once (the defining declaration of an `existing` one); undefined entries dropped. */
export function deployedServices(context: PolicyContext): ServiceInfo[] {
  const services = new Set<ServiceInfo>();
  for (const d of context.deployments) {
    const owner = d.service?.definition ?? d.service;
    if (owner) services.add(owner);
  }
  return [...services];
}

/**
 * The certificates uploaded to every one of `services` (`service/certificates`, by id, compared case-insensitively),
 * each id once, with where the first service uploads it: the ids a policy deployed to all of them can rely on.
 */
export function commonUploads(services: readonly ServiceInfo[]): { id: string; ref: BicepRef }[] {
  const lists = services.map((s) => s.uploadedCertificates?.ids ?? []);
  const seen = new Set<string>();
  const out: { id: string; ref: BicepRef }[] = [];
  for (const c of lists[0] ?? []) {
    const key = c.id.toLowerCase();
    if (seen.has(key) || !lists.every((l) => l.some((x) => x.id.toLowerCase() === key))) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** An uploaded certificate whose certificate could be read: its id, where, and its thumbprint (upper-case hex). */
export interface UploadedThumbprint {
  id: string;
  ref: BicepRef;
  thumbprint: string;
}

/**
 * The certificates uploaded to every one of `services`, with their thumbprints: what `context.Deployment.Certificates`
 * is keyed by. Undefined unless every upload of every service is known and its certificate can be read (a certificate
 * file loaded in `data`, or a literal; not a Key Vault reference or a password-protected PFX).
 */
export function commonUploadThumbprints(services: readonly ServiceInfo[], certificates: CertificateIndex): UploadedThumbprint[] | undefined {
  const lists: UploadedThumbprint[][] = [];
  for (const service of services) {
    const uploaded = service.uploadedCertificates;
    if (!uploaded?.complete) return undefined;
    const list: UploadedThumbprint[] = [];
    for (const c of uploaded.ids) {
      const found = entryCertificate(c.entry, certificates);
      if (!found) return undefined;
      list.push({ id: c.id, ref: c.ref, thumbprint: found.certificate.thumbprint });
    }
    lists.push(list);
  }
  const seen = new Set<string>();
  return (lists[0] ?? []).filter((c) => !seen.has(c.thumbprint) && seen.add(c.thumbprint) && lists.every((l) => l.some((x) => x.thumbprint === c.thumbprint)));
}
