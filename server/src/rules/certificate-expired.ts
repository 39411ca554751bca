import { expiryRules, type ExpiryRules } from './util/certificate-expiry';

/**
 * An expired certificate: pinned by a policy thumbprint, loaded by Bicep (`encodedCertificate` / `data`), or held by a
 * certificate file. One id, three targets: register with `...certificateExpired`.
 */
export const certificateExpired: ExpiryRules = expiryRules(
  {
    id: 'certificate-expired',
    defaultLevel: 'error',
    description: 'A certificate that a policy pins by thumbprint, that Bicep uploads, or that a workspace certificate file holds has expired.',
  },
  'expired',
);
