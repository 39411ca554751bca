import type { BicepRule } from './types';
import { keySpanAt } from './util/bicep-edit';

/** How many CA certificates a service installs at most (facts §4; the ARM reference for `properties.certificates`). */
export const MAX_CA_CERTIFICATES = 10;

/** More than 10 CA certificates in `properties.certificates`. */
export const caCertificatesLimit: BicepRule = {
  id: 'ca-certificates-limit',
  target: 'bicep',
  defaultLevel: 'error',
  description: 'More than 10 CA certificates in properties.certificates: API Management installs at most 10.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      const ca = service.caCertificates;
      // The Azure Verified Module's parameter is @maxLength(10): Bicep itself reports it there.
      if (service.existing || service.registryModule || !ca || ca.ref.file !== ctx.file) continue;
      // One side of a condition is deployed: `cond ? [6 certificates] : [6 others]` installs 6, not 12.
      const count = ca.mostAtOnce;
      if (count <= MAX_CA_CERTIFICATES) continue;
      ctx.report({
        span: keySpanAt(ctx.text, ca.ref.span.start),
        message:
          `properties.certificates lists ${count} CA certificates, but API Management installs at most ${MAX_CA_CERTIFICATES}: ` +
          'the deployment is over the limit. Keep only the roots and intermediates that client certificates chain to, or pin ' +
          'client certificates by thumbprint instead of validating their chain.',
        // Which are over the limit is clear when no condition chooses between entries.
        related: (ca.entries.length === count ? ca.entries : []).slice(MAX_CA_CERTIFICATES).map((e, i) => ({ file: e.ref.file, span: e.ref.span, message: `CA certificate ${MAX_CA_CERTIFICATES + i + 1}` })),
      });
    }
  },
};
