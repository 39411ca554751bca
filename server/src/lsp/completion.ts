import * as path from 'node:path';
import { actsAsCa } from '../certificates/role';
import { CompletionItemKind, CompletionItemTag, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver/node';
import type { CertificateInfo } from '../certificates/types';
import type { Workspace } from '../engine/workspace';
import type { PolicyContext } from '../model/types';
import { attributeDocsOf, attributeSummary, type AttributeDoc } from '../rules/util/attribute-docs';
import { commonUploads, deployedServices } from '../rules/util/uploads';
import { spanRange } from './convert';

/** The cursor in the value of an `<identity>` attribute that names a certificate (text from the tag's `<` up to it). */
const IDENTITY_VALUE = /<identity\b[^<>]*?\s(thumbprint|issuer-thumbprint|issuer-certificate-id)\s*=\s*"([^"<>]*)$/;
/** The cursor in the string key of `context.Deployment.Certificates["…"]`, `.ContainsKey("…")` or `.TryGetValue("…"`. */
const CERTIFICATE_KEY = /context\s*\.\s*Deployment\s*\.\s*Certificates\s*(?:\[|\.\s*(?:ContainsKey|TryGetValue)\s*\()\s*"([^"\r\n<>]*)$/;
/** How far back the cursor's context is looked for: one start tag or one expression line. */
const LOOK_BACK = 4000;

/** What the client can take: snippets (`validate-trust="${1|true,false|}"`), or plain text. */
export interface CompletionOptions {
  snippets: boolean;
  now?: Date;
}

/**
 * Completion in policies (files, and policies written in Bicep strings): the workspace's certificates (subject, thumbprint, validity) in `thumbprint="…"` and
 * `issuer-thumbprint="…"` of an `<identity>` (client certificates first; CA certificates only for the issuer) and in
 * the key of `context.Deployment.Certificates["…"]` (keyed by thumbprint), and the ids of the certificates the
 * policy's services upload in `issuer-certificate-id="…"`; the attributes of `validate-client-certificate` and
 * `<identity>` not written yet (each with what it does), and `true` / `false` in the booleans.
 * Read from the text before the cursor, so it works while the document is half typed.
 */
export function completion(ws: Workspace, file: string, position: Position, options: CompletionOptions = { snippets: false }): CompletionItem[] {
  const now = options.now ?? new Date();
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
  const tag = startTagAt(before);
  const docs = tag && attributeDocsOf(tag.element);
  if (!tag || !docs) return [];
  if (tag.value) {
    const attribute = docs.find((a) => a.name === tag.value!.attribute);
    return attribute?.type.kind === 'boolean' ? booleanItems(attribute.type.default, rangeFrom(tag.value.typed)) : [];
  }
  // The name being typed, up to its end after the cursor, and the attributes the tag has after it.
  const rest = text.slice(offset, offset + LOOK_BACK);
  const nameEnd = /^[A-Za-z0-9_.:-]*/.exec(rest)![0].length;
  const range = spanRange(index, { start: offset - tag.name!.length, end: offset + nameEnd });
  const present = new Set([...tag.names, ...namesAfter(rest.slice(nameEnd))]);
  const valueFollows = /^\s*=/.test(rest.slice(nameEnd));
  return docs.filter((a) => !present.has(a.name)).map((a, i) => attributeItem(a, i, range, valueFollows ? undefined : options));
}

/**
 * The start tag the cursor is in (`before`: the text up to the cursor), read from its `<`: the element, the attributes
 * before the cursor, and either the attribute name being typed there (after a blank) or the value being typed (inside
 * its quotes). Undefined when the cursor is not in a start tag, or is where neither goes (right after a value's quote).
 */
function startTagAt(before: string): { element: string; names: string[]; name?: string; value?: { attribute: string; typed: string } } | undefined {
  // A value holds no raw `<`: the last one opens the tag.
  const s = before.slice(before.lastIndexOf('<'));
  const open = /^<([A-Za-z_][A-Za-z0-9_.:-]*)/.exec(s);
  if (!open) return undefined;
  const names: string[] = [];
  let i = open[0].length;
  for (;;) {
    const blank = i;
    while (i < s.length && /\s/.test(s[i]!)) i++;
    const nameStart = i;
    while (i < s.length && /[A-Za-z0-9_.:-]/.test(s[i]!)) i++;
    // At the cursor: a name (or nothing yet) after a blank; right after the element's name or a value's quote, nothing.
    if (i === s.length) return nameStart > blank ? { element: open[1]!, names, name: s.slice(nameStart) } : undefined;
    if (i === nameStart) return undefined; // `>`, `/` or something else that ends what can be completed
    const name = s.slice(nameStart, i);
    names.push(name);
    let k = i;
    while (k < s.length && /\s/.test(s[k]!)) k++;
    if (s[k] !== '=') continue;
    k++;
    while (k < s.length && /\s/.test(s[k]!)) k++;
    const quote = s[k];
    if (quote !== '"' && quote !== "'") return undefined;
    const close = s.indexOf(quote, k + 1);
    if (close < 0) return { element: open[1]!, names, value: { attribute: name, typed: s.slice(k + 1) } };
    i = close + 1;
  }
}

/** The attribute names written in `rest` (the text after the cursor) up to the end of its start tag. */
function namesAfter(rest: string): string[] {
  const tagEnd = rest.search(/[<>]/);
  const tag = (tagEnd < 0 ? rest : rest.slice(0, tagEnd)).replace(/"[^"]*"|'[^']*'/g, '""');
  return [...tag.matchAll(/([A-Za-z_][A-Za-z0-9_.:-]*)\s*=/g)].map((m) => m[1]!);
}

/** An attribute to add, with its value's quotes (a snippet: the cursor in them, a boolean's choices default first). */
function attributeItem(a: AttributeDoc, order: number, range: Range, options: CompletionOptions | undefined): CompletionItem {
  let newText = a.name;
  if (options) {
    const choices = a.type.kind === 'boolean' ? `\${1|${a.type.default},${!a.type.default}|}` : '$1';
    newText = options.snippets ? `${a.name}="${choices}"` : `${a.name}=""`;
  }
  return {
    label: a.name,
    kind: CompletionItemKind.Property,
    detail: attributeSummary(a),
    documentation: { kind: MarkupKind.Markdown, value: a.doc },
    sortText: String(order).padStart(2, '0'),
    textEdit: { range, newText },
    insertTextFormat: options?.snippets ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
}

/** `true` and `false` in a boolean attribute's value, the default first. */
function booleanItems(byDefault: boolean, range: Range): CompletionItem[] {
  return [byDefault, !byDefault].map((value, i) => ({
    label: String(value),
    kind: CompletionItemKind.Value,
    detail: value === byDefault ? 'the default' : undefined,
    sortText: String(i),
    textEdit: { range, newText: String(value) },
  }));
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
