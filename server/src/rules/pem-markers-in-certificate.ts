import * as path from 'node:path';
import type { Fix } from '../core/finding';
import type { CertificateData } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';

const MARKER = /-----(BEGIN|END) CERTIFICATE-----/;

/** `encodedCertificate` / `data` carrying `-----BEGIN CERTIFICATE-----` markers: the deployment fails. */
export const pemMarkersInCertificate: BicepRule = {
  id: 'pem-markers-in-certificate',
  target: 'bicep',
  defaultLevel: 'error',
  description: 'A certificate uploaded from Bicep carries PEM markers, which APIM rejects: it wants base64 DER only.',
  check(ctx) {
    for (const entry of ctx.model.certificateEntriesIn(ctx.file)) {
      const data = entry.data;
      if (!data || data.transformed) continue;
      const property = entry.kind === 'ca' ? 'encodedCertificate' : 'data';
      const failure = 'the deployment fails with "Certificate data should contain a valid Base64Encoded string"';
      if (data.literal !== undefined && MARKER.test(data.literal)) {
        const fixes = literalFix(ctx, data, data.literal);
        const blocks = data.literal.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
        const more =
          blocks > 1
            ? ` It holds ${blocks} certificates, and ${property} takes one: upload each as its own entry.`
            : fixes.length === 0
              ? ' It also holds text outside the markers (such as OpenSSL\'s "Bag Attributes" lines), which is no part of the certificate.'
              : '';
        ctx.report({
          span: data.ref.span,
          message: `${property} holds a PEM certificate with -----BEGIN/END CERTIFICATE----- markers: ${failure}. Keep only the base64 between the markers.${more}`,
          fixes,
        });
        continue;
      }
      const loaded = data.loadedFile;
      if (!loaded || !ctx.certificates.file(loaded.path)?.hasPemMarkers) continue;
      const name = path.basename(loaded.path);
      // The path as the Bicep writes it, when it is written in this file (`'../certs/root-ca.cer'`).
      const written = loaded.pathRef.file === ctx.file ? ctx.text.slice(loaded.pathRef.span.start + 1, loaded.pathRef.span.end - 1) : name;
      // loadFileAsBase64 gives a valid base64 string: what it decodes to is the PEM text, not the DER certificate
      // APIM expects (facts §4). The base64 error can't happen, and whether the service reads PEM bytes as a
      // certificate is not documented: a warning that says so.
      const encoded = loaded.fn.toLowerCase() === 'loadfileasbase64';
      const message = encoded
        ? `${property}: ${loaded.fn}('${written}') base64-encodes the PEM text, markers included: APIM decodes it to that text, not to the certificate's DER bytes that ${property} is meant to hold, and whether it accepts PEM there is not documented. Load a copy without the markers (${siblingName(name)}) with loadTextContent.`
        : `${property}: ${loaded.fn}('${written}') loads the PEM text, markers included: ${failure}. Load a copy without the markers (${siblingName(name)}).`;
      ctx.report({
        span: data.ref.span,
        message,
        certain: !encoded,
        fixes: loadFixes(ctx, data),
        related: [{ file: loaded.path, span: { start: 0, end: 0 }, message: 'PEM: the text has -----BEGIN CERTIFICATE----- markers' }],
      });
    }
  },
};

/** `root-ca.cer` → `root-ca.without-markers.cer` (the naming of facts §5). */
function siblingName(name: string): string {
  const ext = path.extname(name);
  return `${name.slice(0, name.length - ext.length)}.without-markers.cer`;
}

/** Replaces a PEM literal by the base64 between its markers. */
function literalFix(ctx: BicepRuleContext, data: CertificateData, literal: string): Fix[] {
  // Safe only for what a PEM file of one certificate holds: one BEGIN/END block, base64 inside, nothing else but
  // blanks around it. OpenSSL's "Bag Attributes" lines or a second certificate would end up in the base64 (the second
  // certificate dropped without a word, as encodedCertificate holds one): no fix for those; the message says why.
  const body = /^(?:\s|\\[rn])*-----BEGIN CERTIFICATE-----((?:[A-Za-z0-9+/=]|\s|\\[rn])+)-----END CERTIFICATE-----(?:\s|\\[rn])*$/.exec(literal);
  if (!body) return [];
  const base64 = body[1]!.replace(/\\[rn]|\s/g, '');
  return [{ title: 'Remove the PEM markers and line breaks', edits: [{ file: ctx.file, span: data.ref.span, newText: `'${base64}'` }], preferred: true, autofix: true }];
}

/**
 * Points the load at `<name>.without-markers.cer` when the workspace has it; otherwise creates that file (the
 * certificate's base64 DER) and points the load at it, or strips the markers in Bicep with `replace(…)`.
 */
function loadFixes(ctx: BicepRuleContext, data: CertificateData): Fix[] {
  const loaded = data.loadedFile!;
  const written = ctx.text.slice(loaded.pathRef.span.start + 1, loaded.pathRef.span.end - 1);
  const slash = Math.max(written.lastIndexOf('/'), written.lastIndexOf('\\'));
  const sibling = written.slice(0, slash + 1) + siblingName(written.slice(slash + 1));
  if (ctx.certificates.file(path.resolve(path.dirname(loaded.path), path.basename(sibling)))?.hasPemMarkers === false) {
    const edit = { file: ctx.file, span: loaded.ref.span, newText: `loadTextContent('${sibling}')` };
    return [{ title: `Load ${path.basename(sibling)} (the certificate without markers)`, edits: [edit], preferred: true }];
  }
  const fixes: Fix[] = [];
  const certificates = ctx.certificates.file(loaded.path)?.certificates ?? [];
  const siblingPath = path.resolve(path.dirname(loaded.path), path.basename(sibling));
  if (certificates.length === 1 && !ctx.certificates.file(siblingPath)) {
    fixes.push({
      title: `Create ${path.basename(sibling)} (base64, no markers) and load it`,
      edits: [{ file: ctx.file, span: loaded.ref.span, newText: `loadTextContent('${sibling}')` }],
      creates: [{ file: siblingPath, content: certificates[0]!.base64 }],
      preferred: true,
    });
  }
  const call = `loadTextContent('${written}')`;
  const stripped = `replace(replace(replace(replace(${call}, '-----BEGIN CERTIFICATE-----', ''), '-----END CERTIFICATE-----', ''), '\\r', ''), '\\n', '')`;
  const edit = { file: ctx.file, span: loaded.ref.span, newText: stripped };
  fixes.push({ title: 'Strip the markers and line breaks with replace(…)', edits: [edit], preferred: fixes.length === 0 });
  return fixes;
}
