import type { BicepRef, PolicyContext, ServiceInfo } from '../../model/types';

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
