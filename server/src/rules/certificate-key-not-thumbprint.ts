import * as path from 'node:path';
import type { Span } from '../core/text';
import type { PolicyRule, PolicyRuleContext } from './types';
import { entryCertificate } from './util/bicep-certificates';
import { normalizeThumbprint } from './util/certificate-references';
import { certificateKeyLiterals, replaceFix, THUMBPRINT_KEY } from './util/certificate-keys';
import { hasPlaceholder } from './util/placeholder';
import { deployedServices } from './util/uploads';

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
    for (const { value: key, span, access, fixable: plain } of certificateKeyLiterals(ctx.doc, ctx.text)) {
      if (THUMBPRINT_KEY.test(key) || hasPlaceholder(key)) continue;
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
