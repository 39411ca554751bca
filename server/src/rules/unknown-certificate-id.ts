import * as path from 'node:path';
import type { Span } from '../core/text';
import type { PolicyContext } from '../model/types';
import { commonUploadThumbprints, commonUploads, deployedServices } from './util/uploads';
import { elementsNamed, getAttribute } from '../parsers/policy/query';
import type { PolicyDocument } from '../parsers/policy/types';
import type { PolicyRule } from './types';
import { certificateKeyLiterals, replaceFix, THUMBPRINT_KEY } from './util/certificate-keys';
import { nearestWithin } from '../core/nearest';
import { hasPlaceholder } from './util/placeholder';

const CONSEQUENCE: Record<CertificateRef['kind'], string> = {
  indexer: 'The indexer throws KeyNotFoundException and the gateway answers 500. Use the thumbprint of an uploaded certificate (or TryGetValue)',
  lookup: 'The lookup never finds it, so this check always takes the "not found" branch. Use the thumbprint of an uploaded certificate',
  issuer: 'This identity never matches. Use the id of an uploaded certificate',
};

/** An id or thumbprint this close (in edits) to an uploaded certificate's is offered as a correction. */
const MAX_TYPO_DISTANCE = 3;

/** The uploads a finding points at, at most. */
const MAX_RELATED = 10;

/**
 * The unknown ids and thumbprints of a policy that get a "did you mean" (3,000 unknown ids among 3,000 uploads took
 * 3.4 s, each measured against every upload). A policy with more has something other than typos to fix.
 */
const MAX_TYPO_SEARCHES = 200;

/**
 * A certificate that no certificate uploaded to the policy's services is: `<identity issuer-certificate-id="id">` names
 * it by id (never matches), `context.Deployment.Certificates["…"]` by thumbprint (the indexer throws; a key that is no
 * thumbprint at all is `certificate-key-not-thumbprint`'s). Only when the Bicep that deploys the policy uploads the
 * services' certificates (`Microsoft.ApiManagement/service/certificates`) and all their ids (for thumbprints: all
 * their certificates) are known.
 */
export const unknownCertificateId: PolicyRule = {
  id: 'unknown-certificate-id',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'issuer-certificate-id, or the thumbprint in context.Deployment.Certificates["…"], names a certificate that the Bicep deploying the policy doesn’t upload to its service.',
  check(ctx) {
    // Most services upload no certificates (or not all of them from this Bicep): then nothing is looked for.
    if (!uploadsKnown(ctx.policy)) return;
    const refs = certificateRefs(ctx.doc, ctx.text);
    if (refs.length === 0) return;
    const services = deployedServices(ctx.policy);
    const names = services.map((s) => `${s.symbolicName} (${path.basename(s.ref.file)})`);
    const where = names.length === 1 ? `the service ${names[0]}` : `every one of the services ${names.join(', ')}`;
    // The uploads a finding points at: the first few, as the message lists them (every upload on every finding made
    // the report grow with unknown ids × uploads).
    const related = services
      .flatMap((s) => s.uploadedCertificates!.ids)
      .slice(0, MAX_RELATED)
      .map((c) => ({ file: c.ref.file, span: c.ref.span, message: `uploads the certificate '${c.id}'` }));
    const ids = refs.some((r) => r.kind === 'issuer') ? [...new Set(commonUploads(services).map((c) => c.id))] : [];
    const known = new Set(ids.map((id) => id.toLowerCase()));
    const thumbprints = refs.some((r) => r.kind !== 'issuer') ? commonUploadThumbprints(services, ctx.certificates) : undefined;
    // Typos are looked for among the first unknown ids only: each search measures every upload.
    let searches = 0;
    for (const ref of refs) {
      if (ref.kind === 'issuer') {
        if (known.has(ref.value.toLowerCase())) continue;
        const typo = searches++ < MAX_TYPO_SEARCHES ? closeTo(ref.value, ids) : undefined;
        ctx.report({
          span: ref.span,
          message: `No certificate with the id '${ref.value}' is uploaded to ${where}; the Bicep that deploys this policy uploads ${listed(ids)}. ${CONSEQUENCE.issuer}${typo ? `: '${typo}'?` : '.'}`,
          fixes: typo && ref.fixable ? [replaceFix(ctx.file, ref.span, typo, `Use '${typo}'`)] : [],
          related,
        });
        continue;
      }
      // The dictionary is keyed by thumbprint: judged when every uploaded certificate can be read.
      if (!thumbprints || thumbprints.some((t) => t.thumbprint === ref.value.toUpperCase())) continue;
      const typo = searches++ < MAX_TYPO_SEARCHES ? closeTo(ref.value.toUpperCase(), thumbprints.map((t) => t.thumbprint)) : undefined;
      const owner = typo && thumbprints.find((t) => t.thumbprint === typo);
      ctx.report({
        span: ref.span,
        message:
          `No certificate with the thumbprint ${ref.value} is uploaded to ${where}; the Bicep that deploys this policy uploads ` +
          `${listed(thumbprints.map((t) => `${t.id} (${t.thumbprint})`))}. ${CONSEQUENCE[ref.kind]}${owner ? `: ${owner.thumbprint} ('${owner.id}')?` : '.'}`,
        fixes: owner && ref.fixable ? [replaceFix(ctx.file, ref.span, owner.thumbprint, `Use the thumbprint of '${owner.id}'`)] : [],
        related,
      });
    }
  },
};

/** `a, b, c` (five at most). */
function listed(values: readonly string[]): string {
  return values.length > 5 ? `${values.slice(0, 5).join(', ')}…` : values.join(', ');
}

/** The candidate one to three edits away, if any (only distances up to three worked out: 4,000 unknown ids among 4,000 uploads took 13 s with whole tables). */
function closeTo(value: string, candidates: readonly string[]): string | undefined {
  return nearestWithin(value, candidates, MAX_TYPO_DISTANCE);
}


/** Every deployment's service is known, and so is each one's list of uploaded certificates, in full. */
function uploadsKnown(policy: PolicyContext): boolean {
  if (policy.deployments.length === 0 || policy.deployments.some((d) => !d.service)) return false;
  const services = deployedServices(policy);
  return services.length > 0 && services.every((s) => s.uploadedCertificates?.complete);
}

interface CertificateRef {
  /** The id (`issuer`) or the thumbprint (`indexer`, `lookup`), as written. */
  value: string;
  span: Span;
  kind: 'indexer' | 'lookup' | 'issuer';
  /** `span` holds exactly the value as written (no quotes or entities around or inside it). */
  fixable: boolean;
}

/**
 * The thumbprints written as string literals in `context.Deployment.Certificates["…"]`, `….ContainsKey("…")` and
 * `….TryGetValue("…", …)` (keys of 40 hex digits; other keys are no thumbprint), and the ids in
 * `issuer-certificate-id="id"`. An indexer after a lookup of the same key in the same expression is left to that
 * lookup (it doesn't throw there).
 */
function certificateRefs(doc: PolicyDocument, text: string): CertificateRef[] {
  const out: CertificateRef[] = [];
  for (const key of certificateKeyLiterals(doc, text)) {
    if (THUMBPRINT_KEY.test(key.value)) out.push({ value: key.value, span: key.span, kind: key.access, fixable: key.fixable });
  }
  for (const identity of elementsNamed(doc, 'identity')) {
    const attr = getAttribute(identity, 'issuer-certificate-id');
    if (!attr || attr.expression || attr.value === '' || hasPlaceholder(attr.value)) continue;
    out.push({ value: attr.value, span: attr.valueSpan, kind: 'issuer', fixable: attr.rawValue === attr.value });
  }
  return out;
}
