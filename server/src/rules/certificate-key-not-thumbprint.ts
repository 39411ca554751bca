import * as path from 'node:path';
import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import { mayMention } from '../parsers/policy/query';
import { certificateKeys } from '../parsers/policy/tokens';
import type { PolicyRule, PolicyRuleContext } from './types';
import { entryCertificate } from './util/bicep-certificates';
import { normalizeThumbprint } from './util/certificate-references';
import { hasPlaceholder } from './util/placeholder';
import { deployedServices } from './util/uploads';

/** A key of 40 hex digits: a thumbprint, which is what the dictionary is keyed by. */
const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

const CONSEQUENCE = {
  indexer: 'the indexer throws KeyNotFoundException and the gateway answers 500',
  lookup: 'the lookup never finds it, so this check always takes the "not found" branch',
} as const;

/**
 * `context.Deployment.Certificates["partner-client"]`: the dictionary of uploaded certificates is keyed by thumbprint,
 * so a key that is none (a certificate's id, its name, a thumbprint written with separators) is never found. Keys
 * filled in before deployment (`{{named value}}`, template placeholders) are left alone.
 */
export const certificateKeyNotThumbprint: PolicyRule = {
  id: 'certificate-key-not-thumbprint',
  target: 'policy',
  defaultLevel: 'warning',
  description:
    'context.Deployment.Certificates["…"] (or ContainsKey, TryGetValue) with a key that is not a thumbprint: the dictionary is keyed by the certificates’ thumbprints, so an id or a name is never found.',
  check(ctx) {
    if (!mayMention(ctx.doc, 'Certificates')) return;
    for (const expr of ctx.doc.expressions) {
      const looked = new Set<string>();
      for (const { token, access } of certificateKeys(expr.tokens)) {
        const key = token.value!;
        if (THUMBPRINT.test(key) || hasPlaceholder(key)) continue;
        // An indexer after a lookup of the same key (`ContainsKey(k) ? Certificates[k] : …`) is the lookup's finding.
        if (access === 'lookup') looked.add(key);
        else if (looked.has(key)) continue;
        const plain = ctx.text.slice(token.span.start, token.span.end) === `"${key}"`;
        const span = plain ? { start: token.span.start + 1, end: token.span.end - 1 } : token.span;
        const consequence = CONSEQUENCE[access];
        const cleaned = normalizeThumbprint(key);
        if (cleaned) {
          ctx.report({
            span,
            message: `This key is a thumbprint written with other characters (blanks, colons or invisible marks), but the keys of context.Deployment.Certificates are the 40 hex digits alone: ${consequence}. Write ${cleaned}.`,
            fixes: plain ? [replaceFix(ctx.file, span, cleaned, `Write the thumbprint as ${cleaned}`)] : [],
          });
          continue;
        }
        const upload = uploadNamed(ctx, key);
        if (upload) {
          const thumbprint = upload.thumbprint;
          ctx.report({
            span,
            message:
              `'${key}' is the id of a certificate uploaded in ${path.basename(upload.file)}, but context.Deployment.Certificates is keyed by ` +
              `thumbprint, not by id: ${consequence}. ${thumbprint ? `Use its thumbprint, ${thumbprint}` : 'Use its thumbprint'}, or a {{named value}} that holds it.`,
            fixes: thumbprint && plain ? [replaceFix(ctx.file, span, thumbprint, `Use the thumbprint of '${key}'`)] : [],
            related: [{ file: upload.file, span: upload.span, message: `uploads the certificate '${key}'` }],
          });
          continue;
        }
        ctx.report({
          span,
          message:
            `'${key}' is not a thumbprint, but context.Deployment.Certificates is keyed by the uploaded certificates’ thumbprints ` +
            `(not by their ids or names): ${consequence}. Use the certificate’s thumbprint (40 hex digits), or a {{named value}} that holds it.`,
        });
      }
    }
  },
};

/** The certificate the policy's services upload under this id (case-insensitively), with its thumbprint when it can be read. */
function uploadNamed(ctx: PolicyRuleContext, id: string): { file: string; span: Span; thumbprint?: string } | undefined {
  for (const service of deployedServices(ctx.policy)) {
    for (const c of service.uploadedCertificates?.ids ?? []) {
      if (c.id.toLowerCase() !== id.toLowerCase()) continue;
      const thumbprint = entryCertificate(c.entry, ctx.certificates)?.certificate.thumbprint;
      return { file: c.ref.file, span: c.ref.span, ...(thumbprint ? { thumbprint } : {}) };
    }
  }
  return undefined;
}

function replaceFix(file: string, span: Span, value: string, title: string): Fix {
  return { title, edits: [{ file, span, newText: value }], preferred: true };
}
