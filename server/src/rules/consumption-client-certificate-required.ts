import { skuCertainty } from '../model/sku';
import type { BicepRule } from './types';
import { keySpanAt } from './util/bicep-edit';
import { matchingSkusText } from './util/bicep-skus';

/**
 * `enableClientCertificate: true` on a Consumption service: every request must then present a certificate.
 * Only when the service is certainly Consumption: a template for any tier needs the flag for its Consumption
 * deployments, and telling it so on every tier would be noise.
 */
export const consumptionClientCertificateRequired: BicepRule = {
  id: 'consumption-client-certificate-required',
  target: 'bicep',
  defaultLevel: 'info',
  description: 'enableClientCertificate: true on a Consumption service makes every request to every API present a client certificate.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      const ref = service.enableClientCertificate.ref;
      if (service.existing || service.enableClientCertificate.value !== true || !ref) continue;
      if (skuCertainty(service.skus, (s) => s === 'Consumption') !== 'all') continue;
      const skus = matchingSkusText(service.skus, (s) => s === 'Consumption');
      ctx.report({
        span: keySpanAt(ctx.text, ref.span.start),
        message:
          `On ${skus}, enableClientCertificate: true makes the gateway require a client certificate on every request to every ` +
          'API of this service, not only those whose policies check it. Put APIs without mutual TLS in another service.',
        related: service.skus.origins,
      });
    }
  },
};
