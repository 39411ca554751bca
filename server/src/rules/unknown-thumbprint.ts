import type { PolicyRule } from './types';
import type { WorkspaceCertificateGroup } from './util/certificate-references';
import { fileNames, groupedCertificates, policyThumbprints } from './util/certificate-references';
import { editDistance } from '../core/nearest';

/** A thumbprint this close (in edited hex digits) to a workspace certificate's is offered as a correction. */
const MAX_TYPO_DISTANCE = 3;

const WHERE: Record<string, string> = {
  thumbprint: 'this identity pins',
  'issuer-thumbprint': 'this identity pins as issuer',
  expression: 'this expression compares with',
};

/** A pinned thumbprint that no certificate file of the workspace has (only when the workspace has certificate files). */
export const unknownThumbprint: PolicyRule = {
  id: 'unknown-thumbprint',
  target: 'policy',
  defaultLevel: 'info',
  description: 'A thumbprint pinned in a policy matches no certificate file in the workspace.',
  check(ctx) {
    if (ctx.certificates.size === 0) return;
    const groups = groupedCertificates(ctx.certificates);
    const pieces = new Map<number, Map<string, number[]>>();
    for (const ref of policyThumbprints(ctx.doc)) {
      if (ctx.certificates.byThumbprint(ref.thumbprint).length > 0) continue;
      const near = mayBeNear(ref.thumbprint, groups, pieces)
        .map((g) => ({ g, distance: editDistance(ref.thumbprint, g.certificate.thumbprint) }))
        .filter((n) => n.distance <= MAX_TYPO_DISTANCE)
        .sort((a, b) => a.distance - b.distance);
      const files = `${ctx.certificates.size} certificate file${ctx.certificates.size === 1 ? '' : 's'}`;
      const hint = near[0]
        ? ` It is ${near[0].distance} digit${near[0].distance === 1 ? '' : 's'} away from ${near[0].g.certificate.thumbprint} ("${near[0].g.certificate.subject}"): a typo?`
        : ' Check that it was copied from the right certificate, or add the certificate\'s public .cer file to the workspace.';
      ctx.report({
        span: ref.span,
        message: `No certificate in the workspace (${files}) has the thumbprint ${WHERE[ref.kind]}.${hint}`,
        fixes: near.map((n, i) => ({
          title: `Use ${n.g.certificate.thumbprint} (${fileNames(n.g.files)}: ${n.g.certificate.subject})`,
          edits: [{ file: ctx.file, span: ref.span, newText: n.g.certificate.thumbprint }],
          preferred: i === 0 && (near.length === 1 || near[1]!.distance > n.distance),
        })),
        related: near.map((n) => ({ file: n.g.files[0]!, span: { start: 0, end: 0 }, message: `${n.g.certificate.subject}: ${n.g.certificate.thumbprint}` })),
      });
    }
  },
};

/**
 * The groups (in their order) whose thumbprint may be within MAX_TYPO_DISTANCE edits of `thumbprint`. Cut into 2·MAX+1
 * pieces, one piece is left whole by the edits (each touches two pieces at most: a swap of neighbours), so it is found
 * in the other thumbprint: looked up in `pieces`, every group's substrings of that length (made once per length).
 * Comparing each unknown thumbprint with every certificate took 8 s for 2,000 of them and a bundle of 300.
 */
function mayBeNear(thumbprint: string, groups: readonly WorkspaceCertificateGroup[], pieces: Map<number, Map<string, number[]>>): WorkspaceCertificateGroup[] {
  const count = 2 * MAX_TYPO_DISTANCE + 1;
  const length = Math.floor(thumbprint.length / count);
  if (length === 0) return [...groups];
  let at = pieces.get(length);
  if (!at) {
    pieces.set(length, (at = new Map()));
    for (const [k, g] of groups.entries()) {
      const t = g.certificate.thumbprint;
      for (let i = 0; i + length <= t.length; i++) {
        const piece = t.slice(i, i + length);
        const list = at.get(piece);
        if (!list) at.set(piece, [k]);
        else if (list[list.length - 1] !== k) list.push(k);
      }
    }
  }
  const found = new Set<number>();
  for (let p = 0; p < count; p++) for (const k of at.get(thumbprint.slice(p * length, (p + 1) * length)) ?? []) found.add(k);
  return [...found].sort((a, b) => a - b).map((k) => groups[k]!);
}
