import { sha1Thumbprint } from '../certificates/info';
import type { CodeLens, Location } from 'vscode-languageserver/node';
import type { CertificateInfo } from '../certificates/types';
import type { Workspace } from '../engine/workspace';
import { certificateRole, validityState } from './hover';
import { COPY_THUMBPRINT_COMMAND, SHOW_PINS_COMMAND } from './protocol';
import { pinsOf } from './references';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** `Subject: … · Issuer: … · SHA-1 1A2B3C4D… · valid until 2027-01-01 (expired!) · client certificate`. */
export function certificateLensTitle(c: CertificateInfo, now: Date): string {
  const day = (d: Date): string => d.toISOString().slice(0, 10);
  const state = validityState(c, now.getTime());
  const validity =
    state === 'not yet valid' ? `valid from ${day(c.notBefore)} until ${day(c.notAfter)} (not yet valid!)` : `valid until ${day(c.notAfter)}${state === 'expired' ? ' (expired!)' : ''}`;
  return [`Subject: ${c.subject}`, `Issuer: ${c.issuer}`, `SHA-1 ${c.thumbprint.slice(0, 8)}…`, validity, certificateRole(c)].join(' · ');
}

/** The line of each PEM certificate block, by thumbprint (first block wins on duplicates). */
function pemLines(ws: Workspace, file: string): Map<string, number> {
  const lines = new Map<string, number>();
  const text = ws.textOf(file);
  const index = ws.lineIndex(file);
  if (!text || !index) return lines;
  for (const m of text.matchAll(PEM_CERTIFICATE)) {
    const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
    const thumbprint = sha1Thumbprint(der);
    if (!lines.has(thumbprint)) lines.set(thumbprint, index.positionAt(m.index).line);
  }
  return lines;
}

/**
 * `Pinned in 2 policies`, `Pinned 3 times in 2 policies`, `Not pinned in any policy`, and `, and in 1 Bicep file` when
 * Bicep or parameters files hold the thumbprint too (a named value).
 */
export function pinsLensTitle(pins: { policies: readonly Location[]; bicep: readonly Location[] }): string {
  const policies = new Set(pins.policies.map((p) => p.uri)).size;
  const bicepFiles = new Set(pins.bicep.map((p) => p.uri)).size;
  const inBicep = bicepFiles === 0 ? '' : `, and in ${bicepFiles} Bicep ${bicepFiles === 1 ? 'file' : 'files'}`;
  if (policies === 0) return `Not pinned in any policy${inBicep}`;
  const where = `${policies} ${policies === 1 ? 'policy' : 'policies'}`;
  return `${pins.policies.length === policies ? `Pinned in ${where}` : `Pinned ${pins.policies.length} times in ${where}`}${inBicep}`;
}

/**
 * Two code lenses per certificate of a certificate file, on its PEM block's first line (line 0 for base64/DER): how many
 * places in the workspace's policies pin it, which lists them (`apimMtls.showCertificatePins`); and what it is and when
 * it expires, which copies the thumbprint (`apimMtls.copyCertificateThumbprint`).
 */
export function certificateCodeLenses(ws: Workspace, file: string, uriOf: (file: string) => string, now: Date = new Date()): CodeLens[] {
  if (ws.kindOf(file) !== 'certificate') return [];
  const read = ws.certificate(file);
  if (!read || read.certificates.length === 0) return [];
  const lines = read.encoding === 'pem' ? pemLines(ws, file) : new Map<string, number>();
  const pinned = pinsOf(ws, read.certificates.map((c) => c.thumbprint), uriOf);
  return read.certificates.flatMap((c, i) => {
    const line = lines.get(c.thumbprint) ?? 0;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const pins = pinned[i]!;
    // The pins first: the short one, which a long subject would otherwise push out of sight.
    return [
      { range, command: { title: pinsLensTitle(pins), command: SHOW_PINS_COMMAND, arguments: [uriOf(file), range.start, [...pins.policies, ...pins.bicep]] } },
      { range, command: { title: certificateLensTitle(c, now), command: COPY_THUMBPRINT_COMMAND, arguments: [c.thumbprint] } },
    ];
  });
}
