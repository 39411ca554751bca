import type { Location, Position } from 'vscode-languageserver/node';
import type { Workspace } from '../engine/workspace';
import type { BicepRef } from '../model/types';
import { entryCertificate } from '../rules/util/bicep-certificates';
import { namedValueOf } from '../rules/util/trust';
import { deployedServices } from '../rules/util/uploads';
import { toLocation } from './convert';
import { policyAtPosition, policyReferenceAt, thumbprintKey } from './policy-symbols';

/**
 * Go to definition in a policy (a file, or a policy written in a Bicep string): a certificate id goes to the Bicep
 * resource that uploads it to the policy's service, a thumbprint to the Bicep uploading a certificate of that
 * thumbprint there and to the certificate files that have it, `{{name}}` to the named value the deploying Bicep defines. Nothing (an empty list) where the workspace doesn't say.
 */
export function definition(ws: Workspace, file: string, position: Position, uriOf: (file: string) => string): Location[] {
  const target = policyAtPosition(ws, file, position);
  const ref = target && policyReferenceAt(target.doc, target.offset);
  if (!target || !ref) return [];
  const at = (r: BicepRef): Location => toLocation(ws, r.file, r.span, uriOf);
  switch (ref.kind) {
    case 'certificate-id': {
      const id = ref.id.toLowerCase();
      const uploads = deployedServices(target.context).flatMap((s) => s.uploadedCertificates?.ids ?? []);
      return unique(uploads.filter((c) => c.id.toLowerCase() === id).map((c) => at(c.ref)));
    }
    case 'thumbprint': {
      const key = thumbprintKey(ref.thumbprint);
      const certificates = ws.getCertificates();
      // The Bicep that uploads a certificate of that thumbprint to the policy's service (what
      // `context.Deployment.Certificates["…"]` finds), then the certificate files that hold it.
      const uploads = deployedServices(target.context)
        .flatMap((s) => s.uploadedCertificates?.ids ?? [])
        .filter((c) => entryCertificate(c.entry, certificates)?.certificate.thumbprint === key);
      const files = certificates.byThumbprint(key).map((m) => toLocation(ws, m.file, { start: 0, end: 0 }, uriOf));
      return unique([...uploads.map((c) => at(c.ref)), ...files]);
    }
    case 'named-value':
      return unique((namedValueOf(target.context, ref.name) ?? []).map((nv) => at(nv.ref)));
  }
}

/** One location per place (a policy deployed to several services may reach the same upload twice). */
function unique(locations: Location[]): Location[] {
  const seen = new Set<string>();
  return locations.filter((l) => {
    const key = `${l.uri}:${l.range.start.line}:${l.range.start.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
