import { sha1Thumbprint } from '../../certificates/info';
import * as path from 'node:path';
import type { CertificateInfo } from '../../certificates/types';
import type { Span } from '../../core/text';
import type { CertificateEntry } from '../../model/types';
import { elementsNamed, getAttribute } from '../../parsers/policy';
import { RecentCache } from '../../parsers/policy/recent';
import type { CsToken, PolicyDocument, PolicyElement } from '../../parsers/policy/types';
import type { CertificateIndex, RuleSettings } from '../types';
import { entryCertificate } from './bicep-certificates';
import { identityElements, sameDn } from './identity';
import { checkThumbprintFormat, literalContentSpan, thumbprintComparisons } from './thumbprints';
import { hasPlaceholder } from './placeholder';

const DAY_MS = 86_400_000;

/**
 * The upper-case 40-hex form of a written thumbprint, stray characters (U+200E, blanks, colons) dropped; undefined when
 * it is no thumbprint or a `{{named value}}` (`thumbprint-format` reports those).
 */
export function normalizeThumbprint(written: string): string | undefined {
  if (hasPlaceholder(written)) return undefined;
  const problem = checkThumbprintFormat(written);
  if (!problem) return written.toUpperCase();
  return problem.kind === 'stray' ? problem.cleaned.toUpperCase() : undefined;
}

/** A SHA-1 thumbprint pinned in a policy. */
export interface PolicyThumbprint {
  /** Where: an `<identity>` attribute, or a string literal in an expression that reads `.Thumbprint`. */
  kind: 'thumbprint' | 'issuer-thumbprint' | 'expression';
  /** Upper-case 40-hex. */
  thumbprint: string;
  /** The thumbprint as written (inside the quotes). */
  span: Span;
  /** The `<identity>`, for the identity kinds. */
  identity?: PolicyElement;
}

/**
 * Every literal thumbprint a policy pins: `thumbprint` / `issuer-thumbprint` of each `<identity>` of
 * `validate-client-certificate`, and 40-hex string literals compared with a `.Thumbprint` in expressions (`==`, `!=`,
 * `Equals`, `string.Equals`, `new[] { … }.Contains`: see `thumbprintComparisons`).
 * `{{named values}}` and values that are not 40 hex digits are left out.
 */
export function policyThumbprints(doc: PolicyDocument): readonly PolicyThumbprint[] {
  return thumbprintCache.get(doc, findPolicyThumbprints);
}

const thumbprintCache = new RecentCache<PolicyDocument, readonly PolicyThumbprint[]>(4);

function findPolicyThumbprints(doc: PolicyDocument): PolicyThumbprint[] {
  const found: PolicyThumbprint[] = [];
  for (const vcc of elementsNamed(doc, 'validate-client-certificate')) {
    for (const identity of identityElements(vcc)) {
      for (const kind of ['thumbprint', 'issuer-thumbprint'] as const) {
        const attribute = getAttribute(identity, kind);
        const thumbprint = attribute && normalizeThumbprint(attribute.value);
        if (attribute && thumbprint) found.push({ kind, thumbprint, span: attribute.valueSpan, identity });
      }
    }
  }
  // A literal once, however many comparisons read it (an allow-list in a local, read at every check: reads × items).
  const seen = new Set<CsToken>();
  for (const comparison of thumbprintComparisons(doc)) {
    for (const token of comparison.literals) {
      if (seen.has(token)) continue;
      seen.add(token);
      const thumbprint = token.value !== undefined ? normalizeThumbprint(token.value) : undefined;
      if (thumbprint) found.push({ kind: 'expression', thumbprint, span: literalContentSpan(doc.text, token) });
    }
  }
  return found.sort((a, b) => a.span.start - b.span.start);
}

/** One certificate of the workspace and every file that holds it (`x.cer` and `x.without-markers.cer` hold the same one). */
export interface WorkspaceCertificateGroup {
  certificate: CertificateInfo;
  files: string[];
}

/** The workspace certificate with this thumbprint, with all files holding it; undefined when no file does. */
export function certificateByThumbprint(index: CertificateIndex, thumbprint: string): WorkspaceCertificateGroup | undefined {
  const { byThumbprint } = groupsOf(index);
  // The index's own lookup, for a thumbprint written in lower case (the groups are keyed by the upper-case one).
  return byThumbprint.get(thumbprint) ?? byThumbprint.get(index.byThumbprint(thumbprint)[0]?.certificate.thumbprint ?? '');
}

/** Workspace certificates grouped by thumbprint, in file order (memoised per index: a new index when a certificate changes). */
export function groupedCertificates(index: CertificateIndex): readonly WorkspaceCertificateGroup[] {
  return groupsOf(index).list;
}

interface CertificateGroups {
  list: readonly WorkspaceCertificateGroup[];
  /** The same groups by thumbprint (each lookup listed and deduplicated the files again: pins × copies). */
  byThumbprint: ReadonlyMap<string, WorkspaceCertificateGroup>;
}

function groupsOf(index: CertificateIndex): CertificateGroups {
  return groupCache.get(index, groupCertificates);
}

const groupCache = new RecentCache<CertificateIndex, CertificateGroups>(2);

function groupCertificates(index: CertificateIndex): CertificateGroups {
  const byThumbprint = new Map<string, WorkspaceCertificateGroup>();
  const files = new Map<WorkspaceCertificateGroup, Set<string>>();
  for (const { file, certificate } of index.all()) {
    const group = byThumbprint.get(certificate.thumbprint);
    if (!group) {
      const made = { certificate, files: [file] };
      byThumbprint.set(certificate.thumbprint, made);
      files.set(made, new Set([file]));
    } else if (!files.get(group)!.has(file)) {
      files.get(group)!.add(file);
      group.files.push(file);
    }
  }
  return { list: [...byThumbprint.values()], byThumbprint };
}

/** A certificate a Bicep file deploys: loaded from a workspace file, or written inline as base64. */
export interface BicepCertificateReference {
  entry: CertificateEntry;
  certificate: CertificateInfo;
  /** The `loadTextContent(…)` / `loadFileAsBase64(…)` call, or the literal. */
  span: Span;
  /** The loaded file (absolute) and the span of the call's `'path'` argument, when loaded. */
  file?: string;
  pathSpan?: Span;
}

/** The certificates behind `properties.certificates[].encodedCertificate` and `service/certificates` `data` (see `entryCertificate`). */
export function bicepCertificateReferences(entries: readonly CertificateEntry[], index: CertificateIndex): BicepCertificateReference[] {
  const out: BicepCertificateReference[] = [];
  for (const entry of entries) {
    const found = entryCertificate(entry, index);
    const data = entry.data;
    if (!found || !data) continue;
    const loaded = data.loadedFile;
    out.push(
      loaded
        ? { entry, certificate: found.certificate, span: loaded.ref.span, file: loaded.path, pathSpan: loaded.pathRef.span }
        : { entry, certificate: found.certificate, span: data.ref.span },
    );
  }
  return out;
}

/** Where a certificate stands against the expiry window. `days`: whole days since expiry (rounded down), or left (rounded up). */
export type Validity = { state: 'expired'; days: number } | { state: 'expiring'; days: number } | { state: 'valid' };

/** Judges `notAfter` against `settings.now` and the warning window. */
export function judgeValidity(certificate: CertificateInfo, settings: RuleSettings): Validity {
  const end = certificate.notAfter.getTime();
  const left = end - settings.now.getTime();
  const window = settings.certificateExpiryWarningDays * DAY_MS;
  let validity: Validity;
  if (left < 0) validity = { state: 'expired', days: Math.floor(-left / DAY_MS) };
  else if (left <= window) validity = { state: 'expiring', days: Math.max(1, Math.ceil(left / DAY_MS)) };
  else validity = { state: 'valid' };
  // When this judgement changes: entering the window; else the next change of the day count (expiring: 1 day less,
  // down to the moment of expiry; expired: 1 day more).
  if (settings.onTimeBoundary) {
    if (validity.state === 'valid') settings.onTimeBoundary(end - window);
    else if (validity.state === 'expiring') settings.onTimeBoundary(end - (validity.days - 1) * DAY_MS);
    else settings.onTimeBoundary(end + Math.floor(-left / DAY_MS + 1) * DAY_MS);
  }
  return validity;
}

/** `expired on 2025-12-31 (330 days ago)` / `expires on 2040-06-30, in 4964 days`. */
export function describeValidity(certificate: CertificateInfo, validity: Validity): string {
  const date = certificate.notAfter.toISOString().slice(0, 10);
  if (validity.state === 'expired') return `expired on ${date} (${validity.days === 0 ? 'less than a day' : plural(validity.days, 'day')} ago)`;
  if (validity.state === 'expiring') return `expires on ${date}, in ${plural(validity.days, 'day')}`;
  return `is valid until ${date}`;
}

/** `is valid only from 2090-01-01, in 23011 days` (within a day: the time, UTC), for a certificate not valid at `now`. */
export function describeStart(certificate: CertificateInfo, now: Date): string {
  const wait = certificate.notBefore.getTime() - now.getTime();
  const iso = certificate.notBefore.toISOString();
  return wait < DAY_MS ? `is valid only from ${iso.slice(0, 16).replace('T', ' ')} UTC, in less than a day` : `is valid only from ${iso.slice(0, 10)}, in ${plural(Math.ceil(wait / DAY_MS), 'day')}`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** A file name for messages: `dev-valid-client.cer`. */
export function baseName(file: string): string {
  return path.basename(file);
}

/** The files named in a message at most: the same certificate copied into every API folder is not listed in full. */
const FILES_NAMED = 3;
/** The files given as related locations at most. */
const FILES_RELATED = 10;

/** The files that hold a certificate, for a message: `a.cer, a.without-markers.cer`, or `a.cer, b.cer, c.cer and 997 more`. */
export function fileNames(files: readonly string[]): string {
  const named = files.slice(0, FILES_NAMED).map(baseName).join(', ');
  return files.length > FILES_NAMED ? `${named} and ${files.length - FILES_NAMED} more` : named;
}

/** The files that hold a certificate, as related locations (the first ten), each with `message`. */
export function relatedFiles(files: readonly string[], message: string): { file: string; span: Span; message: string }[] {
  return files.slice(0, FILES_RELATED).map((file) => ({ file, span: { start: 0, end: 0 }, message }));
}

/**
 * Renewals of a certificate in the workspace: the same subject and issuer, a later `notAfter` that is still ahead of
 * `now`, another thumbprint.
 */
export function renewalsOf(certificate: CertificateInfo, index: CertificateIndex, settings: RuleSettings): WorkspaceCertificateGroup[] {
  return laterCertificates(certificate, index).filter(({ certificate: c }) => {
    if (c.notAfter <= settings.now) return false;
    settings.onTimeBoundary?.(c.notAfter.getTime());
    return true;
  });
}

const laterCache = new RecentCache<CertificateIndex, Map<string, readonly WorkspaceCertificateGroup[]>>(2);

/** Same subject and issuer, a later `notAfter`, another thumbprint: per index and thumbprint, once (every policy asks). */
function laterCertificates(certificate: CertificateInfo, index: CertificateIndex): readonly WorkspaceCertificateGroup[] {
  const byThumbprint = laterCache.get(index, () => new Map());
  let later = byThumbprint.get(certificate.thumbprint);
  if (!later) {
    later = groupedCertificates(index).filter(
      ({ certificate: c }) =>
        c.thumbprint !== certificate.thumbprint &&
        c.notAfter > certificate.notAfter &&
        sameDn(c.subject, certificate.subject) &&
        sameDn(c.issuer, certificate.issuer),
    );
    byThumbprint.set(certificate.thumbprint, later);
  }
  return later;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Where each certificate of a certificate file is written, by thumbprint: its PEM block, or (base64 without
 * markers, DER) the first line of the file.
 */
export function certificateSpans(text: string): { pem: Map<string, Span>; firstLine: Span } {
  const pem = new Map<string, Span>();
  for (const m of text.matchAll(PEM_CERTIFICATE)) {
    const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
    const thumbprint = sha1Thumbprint(der);
    if (!pem.has(thumbprint)) pem.set(thumbprint, { start: m.index, end: m.index + m[0].length });
  }
  const start = Math.max(0, text.search(/\S/));
  const lineEnd = text.slice(start).search(/\r?\n/);
  return { pem, firstLine: { start, end: lineEnd < 0 ? text.length : start + lineEnd } };
}
