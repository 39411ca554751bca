import type { Location, Position } from 'vscode-languageserver/node';
import type { Workspace } from '../engine/workspace';
import { inlineSpan } from '../model/policy-resources';
import { parsePolicy } from '../parsers/policy';
import { toLocation } from './convert';
import { definition } from './definition';
import { policyAtPosition, policyReferenceAt, policyReferences, thumbprintKey, type PolicyReference } from './policy-symbols';

/** What references are looked for: a thumbprint (normalised), a certificate id or a named value (lower case). */
type Target = { kind: PolicyReference['kind']; key: string };

/**
 * Find All References: where the policies of the workspace (files, and policies written in Bicep strings) pin the same
 * thumbprint, name the same certificate id or use the same `{{named value}}` as the place asked about, in a policy or in
 * a certificate file (its certificates' thumbprints); for a thumbprint, also where Bicep and parameters files hold it
 * outside policies (a named value's value). With `includeDeclaration`, also what go to definition gives: the
 * certificate files, the upload resources, the named value resources.
 */
export function references(ws: Workspace, file: string, position: Position, includeDeclaration: boolean, uriOf: (file: string) => string): Location[] {
  const { policies, bicep } = collect(ws, targetsAt(ws, file, position), uriOf);
  return [...(includeDeclaration ? definition(ws, file, position, uriOf) : []), ...policies, ...bicep];
}

/**
 * Where the workspace pins this thumbprint (what a certificate file's code lens counts): the places in policies, and
 * the places in Bicep and parameters files outside policies that hold it (a named value's value, a parameter).
 */
export function pinsOf(ws: Workspace, thumbprint: string, uriOf: (file: string) => string): { policies: Location[]; bicep: Location[] } {
  return collect(ws, [{ kind: 'thumbprint', key: thumbprint.toUpperCase() }], uriOf);
}

function collect(ws: Workspace, asked: Target[], uriOf: (file: string) => string): { policies: Location[]; bicep: Location[] } {
  const policies: Location[] = [];
  const bicep: Location[] = [];
  // A "thumbprint" longer than any hash (SHA-512: 128 digits) is no certificate's: its pattern, one optional
  // separator per digit pair, took seconds at 10,000 digits and overflowed the regular expression stack at 20,000.
  const targets = asked.filter((t) => t.kind !== 'thumbprint' || t.key.length <= MAX_THUMBPRINT_DIGITS);
  if (targets.length === 0) return { policies, bicep };
  const matches = (ref: PolicyReference) => targets.some((t) => t.kind === ref.kind && t.key === keyOf(ref));
  // A cheap look at each text first: most policies name none of them.
  const patterns = targets.map((t) =>
    t.kind === 'thumbprint' ? thumbprintPattern(t.key) : t.kind === 'named-value' ? /\{\{/ : new RegExp(escapeRegExp(t.key), 'i'),
  );
  const mayHold = (text: string) => patterns.some((p) => p.test(text));
  for (const policyFile of ws.files('policy')) {
    const text = ws.textOf(policyFile);
    if (!text || !mayHold(text)) continue;
    const doc = ws.policy(policyFile);
    for (const ref of doc ? policyReferences(doc) : []) if (matches(ref)) policies.push(toLocation(ws, policyFile, ref.span, uriOf));
  }
  const thumbprints = targets.filter((t) => t.kind === 'thumbprint').map((t) => new RegExp(`(?<![0-9A-Fa-f])${thumbprintPattern(t.key).source}(?![0-9A-Fa-f])`, 'gi'));
  for (const bicepFile of ws.files('bicep')) {
    const text = ws.textOf(bicepFile) ?? '';
    if (!mayHold(text)) continue;
    const inlineRanges: [number, number][] = [];
    for (const resource of ws.getModel().policyResourcesIn(bicepFile)) {
      const inline = resource.value?.inline;
      if (!inline) continue;
      inlineRanges.push([inline.offsets[0] ?? 0, inline.offsets[inline.offsets.length - 1] ?? 0]);
      if (!mayHold(inline.text)) continue;
      for (const ref of policyReferences(parsePolicy(inline.text))) if (matches(ref)) policies.push(toLocation(ws, bicepFile, inlineSpan(inline, ref.span), uriOf));
    }
    // Outside the policies written in it: the thumbprint as text (a named value's value, a parameter's).
    for (const pattern of thumbprints) {
      for (const m of text.matchAll(pattern)) {
        const at = m.index ?? 0;
        if (inlineRanges.some(([from, to]) => at >= from && at <= to)) continue;
        bicep.push(toLocation(ws, bicepFile, { start: at, end: at + m[0].length }, uriOf));
      }
    }
  }
  return { policies, bicep };
}

const MAX_THUMBPRINT_DIGITS = 128;

/** The thumbprint's hex, its digit pairs optionally separated as people write them (`AB:CD`, `AB CD`, `AB-CD`). */
function thumbprintPattern(key: string): RegExp {
  return new RegExp((key.match(/..?/g) ?? []).map(escapeRegExp).join('[\\s:-]?'), 'i');
}

function keyOf(ref: PolicyReference): string {
  if (ref.kind === 'thumbprint') return thumbprintKey(ref.thumbprint);
  return (ref.kind === 'certificate-id' ? ref.id : ref.name).toLowerCase();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What is asked about: the reference under the cursor in a policy, or the certificates of a certificate file. */
function targetsAt(ws: Workspace, file: string, position: Position): Target[] {
  if (ws.kindOf(file) === 'certificate') {
    return (ws.certificate(file)?.certificates ?? []).map((c) => ({ kind: 'thumbprint', key: c.thumbprint.toUpperCase() }));
  }
  const found = policyAtPosition(ws, file, position);
  const ref = found && policyReferenceAt(found.doc, found.offset);
  return ref ? [{ kind: ref.kind, key: keyOf(ref) }] : [];
}
