import * as path from 'node:path';
import { actsAsCa } from '../certificates/role';
import type { Hover, Position } from 'vscode-languageserver/node';
import type { CertificateInfo } from '../certificates/types';
import type { Span } from '../core/text';
import type { Workspace } from '../engine/workspace';
import { pathToUri } from './convert';
import { inlineSpan } from '../model/policy-resources';
import type { BicepRef, PolicyContext } from '../model/types';
import type { PolicyDocument } from '../parsers/policy/types';
import { describeSkus, type Sku } from '../model/sku';
import { elementAt, getAttribute } from '../parsers/policy';
import { attributeDocsOf, attributeSummary } from '../rules/util/attribute-docs';
import { namedValueOf } from '../rules/util/trust';
import { deployedServices } from '../rules/util/uploads';
import { spanRange } from './convert';
import { policyReferenceAt } from './policy-symbols';

const TIER_DEPENDENT_IDENTIFIERS = new Set(['Verify', 'VerifyNoRevocation']);
const LOAD_CALL = /\b(loadTextContent|loadFileAsBase64)\(\s*'([^']*)'/g;

/** Hover: certificate details on thumbprints and loaded certificate files; the possible SKUs on tier-dependent policy. */
export function hover(ws: Workspace, file: string, position: Position): Hover | null {
  const index = ws.lineIndex(file);
  if (!index) return null;
  const offset = index.offsetAt(position);
  switch (ws.kindOf(file)) {
    case 'policy': {
      const doc = ws.policy(file);
      return doc ? policyHover(ws, { file, doc, context: ws.policyContext(file), place: (s) => s }, offset) : null;
    }
    case 'bicep': {
      // Inside a policy written in a Bicep string: the policy hovers, placed in the Bicep file.
      const inline = ws.inlinePolicyAt(file, offset);
      if (inline) return policyHover(ws, { file, doc: inline.doc, context: inline.context, place: (s) => inlineSpan(inline.inline, s) }, inline.offset);
      return bicepHover(ws, file, offset);
    }
    case 'certificate': {
      const cert = ws.certificate(file);
      if (!cert) return null;
      const parts = cert.certificates.map((c) => describeCertificate(c));
      if (cert.problems.length) parts.push(`**Problems:** ${cert.problems.join('; ')}`);
      return parts.length ? markdown(parts.join('\n\n---\n\n')) : null;
    }
    default:
      return null;
  }
}

/** A policy to hover in: a policy file, or a policy written in a Bicep string (`place` maps its spans into `file`). */
interface HoveredPolicy {
  file: string;
  doc: PolicyDocument;
  context: PolicyContext;
  place(span: Span): Span;
}

function policyHover(ws: Workspace, target: HoveredPolicy, offset: number): Hover | null {
  const doc = target.doc;
  const ref = policyReferenceAt(doc, offset);
  if (ref?.kind === 'certificate-id') return certificateIdHover(ws, target, ref.id, ref.span);
  if (ref?.kind === 'thumbprint') return thumbprintHover(ws, ref.thumbprint, target.place(ref.span), target.file);
  const inside = (s: Span) => s.start <= offset && offset <= s.end;
  for (const expr of doc.expressions) {
    if (!inside(expr.span)) continue;
    const token = expr.tokens.find((t) => t.kind === 'identifier' && inside(t.span) && TIER_DEPENDENT_IDENTIFIERS.has(t.text));
    if (token) return skuHover(ws, target, token.span);
  }
  const el = elementAt(doc, offset);
  if (!el) return null;
  const trustAttr = getAttribute(el, 'validate-trust');
  if (trustAttr && (inside(trustAttr.nameSpan) || inside(trustAttr.valueSpan))) {
    return skuHover(ws, target, { start: trustAttr.nameSpan.start, end: trustAttr.valueSpan.end }, namedValueNote(target, trustAttr.value));
  }
  if (el.name === 'validate-client-certificate' && inside(el.nameSpan)) {
    return skuHover(ws, target, el.nameSpan, trustAttr ? undefined : '`validate-trust` is omitted, so it is **true** (the default).');
  }
  // The other attributes of validate-client-certificate and <identity>: what each does.
  const attribute = el.attributes.find((a) => inside(a.nameSpan));
  const about = attribute && attributeDocsOf(el.name)?.find((a) => a.name === attribute.name);
  if (attribute && about) return markdown(`\`${about.name}\` (${attributeSummary(about)})\n\n${about.doc}`, ws, target.file, target.place(attribute.nameSpan));
  return null;
}

/** A certificate id: the certificate the policy's services upload under it (its resource, the file it loads). */
function certificateIdHover(ws: Workspace, target: HoveredPolicy, id: string, span: Span): Hover {
  const { file, context } = target;
  const uploads = new Map<string, BicepRef>();
  for (const service of deployedServices(context)) {
    for (const c of service.uploadedCertificates?.ids ?? []) if (c.id.toLowerCase() === id.toLowerCase()) uploads.set(`${c.ref.file}:${c.ref.span.start}`, c.ref);
  }
  if (uploads.size === 0) {
    const text = context.deployments.length
      ? `No certificate with the id \`${id}\` is uploaded by the Bicep that deploys this policy.`
      : `No Bicep file in the workspace deploys this policy, so the certificates uploaded to its service are not known.`;
    return markdown(text, ws, file, target.place(span));
  }
  const parts: string[] = [];
  for (const ref of uploads.values()) {
    const where = `\`${id}\`: uploaded in ${path.relative(path.dirname(file), ref.file)}:${(ws.lineIndex(ref.file)?.positionAt(ref.span.start).line ?? 0) + 1}`;
    const entry = ws.getModel().certificateEntriesIn(ref.file).find((e) => e.kind === 'client' && e.ref.span.start === ref.span.start);
    const loaded = entry?.data?.loadedFile?.path;
    const cert = loaded ? ws.certificate(loaded) : undefined;
    const details = cert?.certificates.map((c) => describeCertificate(c, path.relative(path.dirname(file), loaded!))) ?? [];
    parts.push([where, ...details].join('\n\n'));
  }
  return markdown(parts.join('\n\n---\n\n'), ws, file, target.place(span));
}

function thumbprintHover(ws: Workspace, thumbprint: string, span: Span, file: string): Hover {
  const matches = ws.getCertificates().byThumbprint(thumbprint.replace(/[^0-9A-Fa-f]/g, ''));
  const text = matches.length
    ? matches.map((m) => describeCertificate(m.certificate, path.relative(path.dirname(file), m.file))).join('\n\n---\n\n')
    : `No certificate file in the workspace has the thumbprint \`${thumbprint}\`.`;
  return markdown(text, ws, file, span);
}

/** `span` is in the policy's own offsets. */
function skuHover(ws: Workspace, target: HoveredPolicy, span: Span, note?: string): Hover {
  const { file, context: ctx } = target;
  const lines = [`**Possible APIM tiers:** ${describeSkus(ctx.skus)}`];
  for (const origin of [...(ctx.skus.links ?? []), ...ctx.skus.origins]) {
    const where = ws.lineIndex(origin.file)?.positionAt(origin.span.start);
    // A link that opens the place (VS Code reads `#L13`; other editors show the text).
    const shown = `${path.relative(path.dirname(file), origin.file)}${where ? `:${where.line + 1}` : ''}`;
    lines.push(`- ${origin.message} ([${escapeLinkText(shown)}](<${pathToUri(origin.file)}${where ? `#L${where.line + 1}` : ''}>))`);
  }
  if (ctx.deployments.length === 0) lines.push('- No Bicep file in the workspace deploys this policy; set `apimMtls.sku` to lint it for a tier.');
  lines.push('', 'Consumption and the v2 tiers can’t validate a client certificate’s chain (`validate-trust`, `Verify()`, `VerifyNoRevocation()`).');
  if (note) lines.push('', note);
  return markdown(lines.join('\n'), ws, file, target.place(span));
}

/** For `validate-trust="{{name}}"`: what the named value deployed with the service is, tier by tier. */
function namedValueNote(target: HoveredPolicy, value: string): string | undefined {
  const name = /^\s*\{\{([^{}]+)\}\}\s*$/.exec(value)?.[1]?.trim();
  if (!name) return undefined;
  const { file, context } = target;
  if (context.deployments.length === 0) return undefined;
  const found = namedValueOf(context, name);
  if (!found) return `\`{{${name}}}\` is not defined by the Bicep that deploys this policy: its value is unknown here.`;
  const tiers = [...context.skus.values];
  const is = (s: Sku): string => (found.every((nv) => nv.certainlyTrue.has(s)) ? '"true"' : found.every((nv) => !nv.maybeTrue.has(s)) ? '"false"' : '"true" or "false"');
  const where = [...new Set(found.map((nv) => path.relative(path.dirname(file), nv.ref.file)))].join(', ');
  return [`\`{{${name}}}\` (the named value in ${where}):`, ...tiers.map((s) => `- ${s}: ${is(s)}`)].join('\n');
}

function bicepHover(ws: Workspace, file: string, offset: number): Hover | null {
  const index = ws.lineIndex(file)!;
  const line = index.positionAt(offset).line;
  const lineStart = index.lineStart(line);
  const text = index.lineText(line);
  LOAD_CALL.lastIndex = 0;
  for (let m = LOAD_CALL.exec(text); m; m = LOAD_CALL.exec(text)) {
    const span = { start: lineStart + m.index, end: lineStart + m.index + m[0].length + 1 };
    if (offset < span.start || offset > span.end) continue;
    const target = path.resolve(path.dirname(file), m[2]!);
    const cert = ws.certificate(target);
    if (!cert) return null;
    const parts = cert.certificates.map((c) => describeCertificate(c, m![2]));
    if (cert.hasPemMarkers) parts.push('⚠ This file carries PEM markers: `encodedCertificate` / `data` need base64 without them.');
    return markdown(parts.join('\n\n---\n\n') || `No certificate could be read from \`${m[2]}\`.`, ws, file, span);
  }
  return null;
}

/** What a certificate is for: root CA, intermediate CA, client certificate or end-entity certificate. */
export function certificateRole(c: CertificateInfo): string {
  return actsAsCa(c) ? (c.selfSigned ? 'root CA' : 'intermediate CA') : c.extendedKeyUsage.includes('clientAuth') ? 'client certificate' : 'end-entity certificate';
}

/** `expired` / `not yet valid` at `now`, or undefined while the certificate is valid. */
export function validityState(c: CertificateInfo, now = Date.now()): 'expired' | 'not yet valid' | undefined {
  return c.notAfter.getTime() < now ? 'expired' : c.notBefore.getTime() > now ? 'not yet valid' : undefined;
}

/** A certificate as a short Markdown block. */
export function describeCertificate(c: CertificateInfo, where?: string): string {
  const validity = validityState(c);
  const state = validity ? ` — **${validity}**` : '';
  return [
    `**${c.commonName ?? c.subject}**${where ? ` · \`${where}\`` : ''}`,
    '',
    `| | |`,
    `|---|---|`,
    `| Subject | ${escapeCell(c.subject)} |`,
    `| Issuer | ${escapeCell(c.issuer)} |`,
    `| Thumbprint (SHA-1) | \`${c.thumbprint}\` |`,
    `| Valid | ${c.notBefore.toISOString()} → ${c.notAfter.toISOString()}${state} |`,
    `| Kind | ${certificateRole(c)} · ${c.keyAlgorithm} |`,
  ].join('\n');
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function markdown(value: string, ws?: Workspace, file?: string, span?: Span): Hover {
  const index = file ? ws?.lineIndex(file) : undefined;
  return {
    contents: { kind: 'markdown', value },
    ...(index && span ? { range: spanRange(index, span) } : {}),
  };
}

/** Markdown link text as written: `[`, `]` and `\\` escaped (a folder named `[x]`). */
function escapeLinkText(text: string): string {
  return text.replace(/[[\]\\]/g, (c) => `\\${c}`);
}
