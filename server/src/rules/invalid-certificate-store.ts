import type { Fix } from '../core/finding';
import type { Span } from '../core/text';
import type { CertificateEntry } from '../model/types';
import type { BicepRule, BicepRuleContext } from './types';
import { insertLineBeforeEdit, setMemberValueEdit } from './util/bicep-edit';
import { CA_STORES, certificateFileInfo, describeCertificate, entryCertificate, isCaStore, storeFor, type CaStore } from './util/bicep-certificates';

/** A CA certificate entry whose `storeName` is missing or not `Root` / `CertificateAuthority`. */
export const invalidCertificateStore: BicepRule = {
  id: 'invalid-certificate-store',
  target: 'bicep',
  defaultLevel: 'error',
  description: "A CA certificate in properties.certificates without storeName, or with a store other than 'Root' or 'CertificateAuthority'.",
  check(ctx) {
    for (const entry of ctx.model.certificateEntriesIn(ctx.file)) {
      if (entry.kind !== 'ca') continue;
      const store = entry.storeName;
      const value = store?.value;
      if (store && (value === undefined || isCaStore(value))) continue;
      const found = entryCertificate(entry, ctx.certificates);
      const suggested = found ? storeFor(found.certificate) : undefined;
      const related = found && suggested ? certificateFileInfo(found, `${describeCertificate(found.certificate)}: it belongs in '${suggested}'`) : [];
      const hint = suggested
        ? ` This certificate belongs in '${suggested}'.`
        : " Use 'Root' for a self-signed root CA, 'CertificateAuthority' for an intermediate.";
      if (!store || value === undefined) {
        ctx.report({
          span: missingSpan(ctx, entry),
          message: `This CA certificate has no storeName: it is required, and the deployment fails without it.${hint}`,
          fixes: insertFixes(ctx, entry, suggested),
          related,
        });
        continue;
      }
      const cased = CA_STORES.find((s) => s.toLowerCase() === value.toLowerCase());
      const choices: CaStore[] = cased ? [cased] : suggested ? [suggested] : [...CA_STORES];
      ctx.report({
        span: store.ref.span,
        message: cased
          ? `storeName '${value}' differs in case from '${cased}', the value the API defines; whether APIM accepts it is not documented. Write '${cased}'.`
          : `storeName '${value}' is not a store APIM accepts: only 'Root' and 'CertificateAuthority' are.${hint}`,
        certain: cased === undefined,
        fixes: choices.map((s) => ({
          title: `Set storeName to '${s}'`,
          edits: [setMemberValueEdit(ctx.file, ctx.text, store.ref.span, `'${s}'`)],
          preferred: choices.length === 1,
        })),
        related,
      });
    }
  },
};

/** Where to point when storeName is missing: the `encodedCertificate` key (a member start), else the entry's `{`. */
function missingSpan(ctx: BicepRuleContext, entry: CertificateEntry): Span {
  const data = entry.data;
  if (!data) return { start: entry.ref.span.start, end: entry.ref.span.start + 1 };
  const at = ctx.text.lastIndexOf('encodedCertificate', data.ref.span.start);
  if (at < entry.ref.span.start) return data.ref.span;
  return ctx.text[at - 1] === "'" ? { start: at - 1, end: at + 'encodedCertificate'.length + 1 } : { start: at, end: at + 'encodedCertificate'.length };
}

/** Adds `storeName: '…'` before the entry's `encodedCertificate`: the suggested store, or one fix per store. */
function insertFixes(ctx: BicepRuleContext, entry: CertificateEntry, suggested: CaStore | undefined): Fix[] {
  const at = missingSpan(ctx, entry);
  if (!entry.data || at.start === entry.ref.span.start || at.start === entry.data.ref.span.start) return [];
  return (suggested ? [suggested] : [...CA_STORES]).map((s) => ({
    title: `Add storeName: '${s}'`,
    edits: [insertLineBeforeEdit(ctx.file, ctx.text, at.start, `storeName: '${s}'`)],
    preferred: suggested !== undefined,
  }));
}
