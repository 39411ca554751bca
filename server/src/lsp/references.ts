import type { Location, Position } from 'vscode-languageserver/node';
import type { Workspace } from '../engine/workspace';
import { inlineSpan } from '../model/policy-resources';
import type { Span } from '../core/text';
import type { PolicyDocument } from '../parsers/policy/types';
import { inlinePolicyDoc } from '../rules/util/bicep-policies';
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
  return [...(includeDeclaration ? definition(ws, file, position, uriOf) : []), ...policies.map((p) => p.location), ...bicep.map((b) => b.location)];
}

/**
 * Where the workspace pins each of these thumbprints (what a certificate file's code lenses count), in the order
 * given: the places in policies, and the places in Bicep and parameters files outside policies that hold it (a named
 * value's value, a parameter). One pass over the workspace for all of them (one per thumbprint took seconds for a
 * file of 300 certificates).
 */
export function pinsOf(ws: Workspace, thumbprints: readonly string[], uriOf: (file: string) => string): { policies: Location[]; bicep: Location[] }[] {
  // Each thumbprint once (a file may hold a certificate twice; both get its pins).
  const keys = [...new Set(thumbprints.map((t) => t.toUpperCase()))];
  const { policies, bicep } = collect(ws, keys.map((key) => ({ kind: 'thumbprint', key })), uriOf);
  const pins = keys.map(() => ({ policies: [] as Location[], bicep: [] as Location[] }));
  for (const p of policies) pins[p.target]!.policies.push(p.location);
  for (const b of bicep) pins[b.target]!.bicep.push(b.location);
  return thumbprints.map((t) => pins[keys.indexOf(t.toUpperCase())]!);
}

/** A place found, with the index of the target it is a reference to. */
type Found = { target: number; location: Location };

function collect(ws: Workspace, asked: Target[], uriOf: (file: string) => string): { policies: Found[]; bicep: Found[] } {
  const policies: Found[] = [];
  const bicep: Found[] = [];
  // A "thumbprint" longer than any hash (SHA-512: 128 digits) is no certificate's: its pattern, one optional
  // separator per digit pair, took seconds at 10,000 digits and overflowed the regular expression stack at 20,000.
  const targets = asked.map((t, i) => ({ ...t, i })).filter((t) => t.kind !== 'thumbprint' || t.key.length <= MAX_THUMBPRINT_DIGITS);
  if (targets.length === 0) return { policies, bicep };
  const byKey = new Map<string, number>();
  for (const t of targets) if (!byKey.has(`${t.kind}:${t.key}`)) byKey.set(`${t.kind}:${t.key}`, t.i);
  const targetOf = (ref: PolicyReference) => byKey.get(`${ref.kind}:${keyOf(ref)}`);
  const mayHold = prefilter(targets);
  const inPolicy = (doc: PolicyDocument, place: (span: Span) => Span, file: string) => {
    for (const ref of policyReferences(doc)) {
      const target = targetOf(ref);
      if (target !== undefined) policies.push({ target, location: toLocation(ws, file, place(ref.span), uriOf) });
    }
  };
  for (const policyFile of ws.files('policy')) {
    const text = ws.textOf(policyFile);
    if (!text || !mayHold(text)) continue;
    const doc = ws.policy(policyFile);
    if (doc) inPolicy(doc, (span) => span, policyFile);
  }
  const thumbprints = targets
    .filter((t) => t.kind === 'thumbprint')
    .map((t) => ({ target: t.i, pattern: new RegExp(`(?<![0-9A-Fa-f])${thumbprintPattern(t.key).source}(?![0-9A-Fa-f])`, 'gi') }));
  for (const bicepFile of ws.files('bicep')) {
    const text = ws.textOf(bicepFile) ?? '';
    if (!mayHold(text)) continue;
    const inlineRanges: [number, number][] = [];
    for (const { inline } of ws.getModel().inlinePoliciesIn(bicepFile)) {
      inlineRanges.push([inline.offsets[0] ?? 0, inline.offsets[inline.offsets.length - 1] ?? 0]);
      if (mayHold(inline.text)) inPolicy(inlinePolicyDoc(inline), (span) => inlineSpan(inline, span), bicepFile);
    }
    // Outside the policies written in it: the thumbprint as text (a named value's value, a parameter's).
    for (const { target, pattern } of thumbprints) {
      for (const m of text.matchAll(pattern)) {
        const at = m.index ?? 0;
        if (inlineRanges.some(([from, to]) => at >= from && at <= to)) continue;
        bicep.push({ target, location: toLocation(ws, bicepFile, { start: at, end: at + m[0].length }, uriOf) });
      }
    }
  }
  return { policies, bicep };
}

/**
 * A cheap look at a text before it is parsed (most policies name none of the targets); never false for a text that
 * holds one. The thumbprints are looked up in one pass over the text's runs of hex digits, whatever their number.
 */
function prefilter(targets: readonly Target[]): (text: string) => boolean {
  const keys = new Set(targets.filter((t) => t.kind === 'thumbprint').map((t) => t.key));
  const lengths = [...new Set([...keys].map((k) => k.length))];
  const shortest = keys.size > 0 ? Math.min(...lengths) : 0;
  const others = targets.filter((t) => t.kind !== 'thumbprint').map((t) => (t.kind === 'named-value' ? /\{\{/ : new RegExp(escapeRegExp(t.key), 'i')));
  // Runs of at least the shortest key's digits, separators anywhere between them: more than thumbprintPattern allows
  // (one between digit pairs), never less.
  const hexRun = new RegExp(`[0-9A-Fa-f](?:[\\s:-]?[0-9A-Fa-f]){${Math.max(0, shortest - 1)},}`, 'g');
  const holdsThumbprint = (text: string): boolean => {
    for (const m of text.matchAll(hexRun)) {
      const hex = m[0].replace(SEPARATORS, '').toUpperCase();
      for (const length of lengths) for (let at = 0; at + length <= hex.length; at++) if (keys.has(hex.slice(at, at + length))) return true;
    }
    return false;
  };
  return (text) => (keys.size > 0 && holdsThumbprint(text)) || others.some((p) => p.test(text));
}

const SEPARATORS = /[\s:-]/g;

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
