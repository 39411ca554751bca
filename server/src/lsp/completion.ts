import * as path from 'node:path';
import { actsAsCa } from '../certificates/role';
import { CompletionItemKind, CompletionItemTag, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver/node';
import type { CertificateInfo } from '../certificates/types';
import type { Workspace } from '../engine/workspace';
import type { PolicyContext } from '../model/types';
import { commonUploads, deployedServices } from '../rules/util/uploads';
import { spanRange } from './convert';

/** The cursor in the value of an `<identity>` attribute that names a certificate (text from the tag's `<` up to it). */
const IDENTITY_VALUE = /<identity\b[^<>]*?\s(thumbprint|issuer-thumbprint|issuer-certificate-id)\s*=\s*"([^"<>]*)$/;
/** The cursor in the string key of `context.Deployment.Certificates["…"]`, `.ContainsKey("…")` or `.TryGetValue("…"`. */
const CERTIFICATE_KEY = /context\s*\.\s*Deployment\s*\.\s*Certificates\s*(?:\[|\.\s*(?:ContainsKey|TryGetValue)\s*\()\s*"([^"\r\n<>]*)$/;
/** How far back the cursor's context is looked for: one start tag or one expression line. */
const LOOK_BACK = 4000;

/**
 * Completion in policies (files, and policies written in Bicep strings): the workspace's certificates (subject, thumbprint, validity) in `thumbprint="…"` and
 * `issuer-thumbprint="…"` of an `<identity>` (client certificates first; CA certificates only for the issuer) and in
 * the key of `context.Deployment.Certificates["…"]` (keyed by thumbprint), and the ids of the certificates the
 * policy's services upload in `issuer-certificate-id="…"`.
 * Read from the text before the cursor, so it works while the document is half typed.
 */
export function completion(ws: Workspace, file: string, position: Position, now = new Date()): CompletionItem[] {
  const kind = ws.kindOf(file);
  const text = ws.textOf(file);
  const index = ws.lineIndex(file);
  if ((kind !== 'policy' && kind !== 'bicep') || text === undefined || !index) return [];
  const offset = index.offsetAt(position);
  // In Bicep, only inside a policy written in a string (`value: '''<policies>…'''`), with that policy's services.
  const inline = kind === 'bicep' ? ws.inlinePolicyAt(file, offset) : undefined;
  if (kind === 'bicep' && !inline) return [];
  const policyContext = (): PolicyContext => inline?.context ?? ws.policyContext(file);
  const before = text.slice(Math.max(0, offset - LOOK_BACK), offset);
  // The rest of the value being replaced: up to its closing quote (or the end of the line).
  const end = offset + /^[^"\r\n<>]*/.exec(text.slice(offset, offset + 200))![0].length;
  const rangeFrom = (typed: string): Range => spanRange(index, { start: offset - typed.length, end });
  const attribute = IDENTITY_VALUE.exec(before);
  if (attribute) {
    const range = rangeFrom(attribute[2]!);
    if (attribute[1] === 'issuer-certificate-id') return idItems(policyContext(), range);
    return thumbprintItems(ws, attribute[1] === 'issuer-thumbprint', range, now);
  }
  // context.Deployment.Certificates is keyed by thumbprint: the workspace's client certificates.
  const key = CERTIFICATE_KEY.exec(before);
  if (key) return thumbprintItems(ws, false, rangeFrom(key[1]!), now);
  return [];
}

/** One item per certificate (the same certificate in several files once), valid ones first, then by subject. */
function thumbprintItems(ws: Workspace, issuer: boolean, range: Range, now: Date): CompletionItem[] {
  const byThumbprint = new Map<string, { certificate: CertificateInfo; files: string[] }>();
  for (const { file, certificate } of ws.getCertificates().all()) {
    if (issuer && !actsAsCa(certificate)) continue;
    const entry = byThumbprint.get(certificate.thumbprint) ?? { certificate, files: [] };
    entry.files.push(path.basename(file));
    byThumbprint.set(certificate.thumbprint, entry);
  }
  return [...byThumbprint.values()].map(({ certificate: c, files }) => {
    const expired = c.notAfter.getTime() < now.getTime();
    const early = c.notBefore.getTime() > now.getTime();
    // Expired or not yet valid: struck through and last; pinning one would be reported at once.
    const invalid = expired ? 'expired' : early ? 'not yet valid' : undefined;
    const kind = actsAsCa(c) ? (c.selfSigned ? 'root CA' : 'intermediate CA') : 'client certificate';
    const rank = (invalid ? 2 : 0) + (actsAsCa(c) && !issuer ? 1 : 0);
    return {
      label: c.commonName ?? c.subject,
      labelDetails: { description: c.thumbprint },
      kind: CompletionItemKind.Value,
      detail: `${kind}${invalid ? `, ${invalid}` : ''}: ${c.subject}`,
      documentation: {
        kind: MarkupKind.Markdown,
        value: [
          `**${c.subject}**`,
          `issued by ${c.issuer}`,
          `valid ${day(c.notBefore)} to ${day(c.notAfter)}${invalid ? ` (**${invalid}**)` : ''}`,
          `thumbprint \`${c.thumbprint}\``,
          `in ${files.join(', ')}`,
        ].join('\n\n'),
      },
      tags: invalid ? [CompletionItemTag.Deprecated] : [],
      sortText: `${rank}${c.commonName ?? c.subject}`,
      filterText: `${c.thumbprint} ${c.subject}`,
      textEdit: { range, newText: c.thumbprint },
    };
  });
}

/** The ids of the certificates uploaded to every service the policy is deployed to (what the Bicep says). */
function idItems(context: PolicyContext, range: Range): CompletionItem[] {
  // A deployment to a service the model can't tell: nothing is known to be uploaded to all of them.
  if (context.deployments.some((d) => !d.service)) return [];
  return commonUploads(deployedServices(context)).map((c) => ({
    label: c.id,
    kind: CompletionItemKind.Reference,
    detail: `certificate uploaded in ${path.basename(c.ref.file)}`,
    textEdit: { range, newText: c.id },
  }));
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
