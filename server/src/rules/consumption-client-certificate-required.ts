import { skuCertainty } from '../model/sku';
import type { BicepRule } from './types';
import { keySpanAt } from './util/bicep-edit';
import { matchingSkusText } from './util/bicep-skus';

/** `enableClientCertificate: true` on a service that may be Consumption: every request must then present a certificate. */
export const consumptionClientCertificateRequired: BicepRule = {
  id: 'consumption-client-certificate-required',
  target: 'bicep',
  defaultLevel: 'info',
  description: 'enableClientCertificate: true on a Consumption service makes every request to every API present a client certificate.',
  check(ctx) {
    for (const service of ctx.model.servicesIn(ctx.file)) {
      const ref = service.enableClientCertificate.ref;
      if (service.existing || service.enableClientCertificate.value !== true || !ref) continue;
      const tier = skuCertainty(service.skus, (s) => s === 'Consumption');
      if (tier === 'none') continue;
      const skus = matchingSkusText(service.skus, (s) => s === 'Consumption');
      ctx.report({
        span: keySpanAt(ctx.text, ref.span.start),
        message:
          `On ${skus}, enableClientCertificate: true makes the gateway require a client certificate on every request to every ` +
          'API of this service, not only those whose policies check it. Put APIs without mutual TLS in another service.',
        certain: tier === 'all',
        related: service.skus.origins,
      });
    }
  },
};
