import type { BicepRule } from './types';
import { actsAsCa } from '../certificates/role';
import { setMemberValueEdit } from './util/bicep-edit';
import { certificateFileInfo, describeCertificate, entryCertificate, isCaStore, storeFor } from './util/bicep-certificates';

/** A CA certificate in the wrong store, or a non-CA (client) certificate among the CA certificates. */
export const certificateStoreMismatch: BicepRule = {
  id: 'certificate-store-mismatch',
  target: 'bicep',
  defaultLevel: 'warning',
  description:
    'A self-signed root in CertificateAuthority, an intermediate in Root, or a client certificate among the CA certificates of properties.certificates.',
  check(ctx) {
    for (const entry of ctx.model.certificateEntriesIn(ctx.file)) {
      const store = entry.storeName;
      if (entry.kind !== 'ca' || !store?.value || !isCaStore(store.value)) continue;
      const found = entryCertificate(entry, ctx.certificates);
      if (!found) continue;
      const { certificate } = found;
      const related = certificateFileInfo(found, describeCertificate(certificate));
      if (!actsAsCa(certificate)) {
        ctx.report({
          span: entry.data?.ref.span ?? store.ref.span,
          message:
            `${describeCertificate(certificate)}: ${entry.registryModule ? 'the module’s certificates parameter' : 'properties.certificates'} holds CA certificates only. ` +
            'Upload a client certificate with a Microsoft.ApiManagement/service/certificates resource, and its issuing CA here.',
          related,
        });
        continue;
      }
      const expected = storeFor(certificate);
      if (expected === store.value) continue;
      const why = certificate.selfSigned ? 'a self-signed root belongs in Root' : 'an intermediate belongs in CertificateAuthority';
      ctx.report({
        span: store.ref.span,
        message:
          `${describeCertificate(certificate)}, but it is uploaded to '${store.value}': ${why}, ` +
          `or chain validation may fail. Use storeName: '${expected}'.`,
        fixes: [{ title: `Set storeName to '${expected}'`, edits: [setMemberValueEdit(ctx.file, ctx.text, store.ref.span, `'${expected}'`)], preferred: true }],
        related,
      });
    }
  },
};
