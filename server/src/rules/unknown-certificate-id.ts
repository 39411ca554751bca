import * as path from 'node:path';
import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import type { PolicyContext } from '../model/types';
import { commonUploads, deployedServices } from './util/uploads';
import { elementsNamed, getAttribute, mayMention } from '../parsers/policy/query';
import { certificateKeys } from '../parsers/policy/tokens';
import type { PolicyDocument } from '../parsers/policy/types';
import type { PolicyRule } from './types';
import { nearest } from './util/nearest';
import { hasPlaceholder } from './util/placeholder';

const CONSEQUENCE: Record<CertificateIdRef['kind'], string> = {
  indexer: 'The indexer throws KeyNotFoundException and the gateway answers 500. Use the id of an uploaded certificate (or TryGetValue)',
  lookup: 'The lookup never finds it, so this check always takes the "not found" branch. Use the id of an uploaded certificate',
  issuer: 'This identity never matches. Use the id of an uploaded certificate',
};

/** An id this close (in edits) to an uploaded certificate's is offered as a correction. */
const MAX_TYPO_DISTANCE = 3;

/**
 * A certificate id that no certificate uploaded to the policy's services has: `context.Deployment.Certificates["id"]`
 * (the indexer throws) or `<identity issuer-certificate-id="id">` (never matches). Only when the Bicep that deploys the
 * policy uploads the services' certificates (`Microsoft.ApiManagement/service/certificates`) and all their ids are known.
 */
export const unknownCertificateId: PolicyRule = {
  id: 'unknown-certificate-id',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'context.Deployment.Certificates["id"] or issuer-certificate-id names a certificate that the Bicep deploying the policy doesn’t upload to its service.',
  check(ctx) {
    // Most services upload no certificates (or not all of them from this Bicep): then nothing is looked for.
    if (!uploadsKnown(ctx.policy)) return;
    const refs = certificateIds(ctx.doc, ctx.text);
    if (refs.length === 0) return;
    const uploaded = uploadedIds(ctx.policy);
    if (!uploaded) return;
    const known = [...new Set(uploaded.ids)];
    const lower = new Set(known.map((id) => id.toLowerCase()));
    for (const ref of refs) {
      if (lower.has(ref.id.toLowerCase())) continue;
      const near = nearest(ref.id, known);
      const typo = near && near.distance <= MAX_TYPO_DISTANCE ? near.value : undefined;
      const list = known.length > 5 ? `${known.slice(0, 5).join(', ')}…` : known.join(', ');
      const consequence = CONSEQUENCE[ref.kind];
      ctx.report({
        span: ref.span,
        message:
          `No certificate with the id '${ref.id}' is uploaded to ${uploaded.services}; the Bicep that deploys this policy uploads ${list}. ` +
          `${consequence}${typo ? `: '${typo}'?` : '.'}`,
        fixes: typo && ref.fixable ? [replaceFix(ctx.file, ref.span, typo)] : [],
        related: uploaded.refs,
      });
    }
  },
};

function replaceFix(file: string, span: Span, id: string): Fix {
  return { title: `Use '${id}'`, edits: [{ file, span, newText: id }], preferred: true };
}

/** Every deployment's service is known, and so is each one's list of uploaded certificates, in full. */
function uploadsKnown(policy: PolicyContext): boolean {
  if (policy.deployments.length === 0 || policy.deployments.some((d) => !d.service)) return false;
  const services = deployedServices(policy);
  return services.length > 0 && services.every((s) => s.uploadedCertificates?.complete);
}

/** The certificate ids uploaded to every service this policy is deployed to; undefined unless all are known. */
function uploadedIds(policy: PolicyContext): { ids: string[]; services: string; refs: { file: string; span: Span; message: string }[] } | undefined {
  if (!uploadsKnown(policy)) return undefined;
  const services = deployedServices(policy);
  // A policy deployed to several services: an id is fine when every one of them has it.
  const names = services.map((s) => `${s.symbolicName} (${path.basename(s.ref.file)})`);
  return {
    ids: commonUploads(services).map((c) => c.id),
    services: names.length === 1 ? `the service ${names[0]}` : `every one of the services ${names.join(', ')}`,
    refs: services.flatMap((s) => s.uploadedCertificates!.ids).map((c) => ({ file: c.ref.file, span: c.ref.span, message: `uploads the certificate '${c.id}'` })),
  };
}

interface CertificateIdRef {
  id: string;
  span: Span;
  kind: 'indexer' | 'lookup' | 'issuer';
  /** `span` holds exactly the id as written (no quotes or entities around or inside it). */
  fixable: boolean;
}

/**
 * The ids written as string literals in `context.Deployment.Certificates["id"]`, `….ContainsKey("id")` and
 * `….TryGetValue("id", …)`, and in `issuer-certificate-id="id"`. An indexer after a lookup of the same id in the same
 * expression is left to that lookup (it doesn't throw there).
 */
function certificateIds(doc: PolicyDocument, text: string): CertificateIdRef[] {
  const out: CertificateIdRef[] = [];
  for (const expr of mayMention(doc, 'Certificates') ? doc.expressions : []) {
    const looked = new Set<string>();
    for (const { token: key, access: kind } of certificateKeys(expr.tokens)) {
      // A plain "id" as written: its content, which a fix can replace; otherwise (verbatim, &quot;…) the whole literal.
      const source = text.slice(key.span.start, key.span.end);
      const id = key.value!;
      if (kind === 'lookup') looked.add(id.toLowerCase());
      else if (looked.has(id.toLowerCase())) continue;
      const plain = source === `"${id}"`;
      out.push({ id, span: plain ? { start: key.span.start + 1, end: key.span.end - 1 } : key.span, kind, fixable: plain });
    }
  }
  for (const identity of elementsNamed(doc, 'identity')) {
    const attr = getAttribute(identity, 'issuer-certificate-id');
    if (!attr || attr.expression || attr.value === '' || hasPlaceholder(attr.value)) continue;
    out.push({ id: attr.value, span: attr.valueSpan, kind: 'issuer', fixable: attr.rawValue === attr.value });
  }
  return out;
}
