import { expiryRules, type ExpiryRules } from './util/certificate-expiry';

/**
 * A certificate that expires within `certificateExpiryWarningDays` (default 30): pinned by a policy thumbprint, loaded
 * by Bicep, or held by a certificate file. One id, three targets: register with `...certificateExpiring`.
 */
export const certificateExpiring: ExpiryRules = expiryRules(
  {
    id: 'certificate-expiring',
    defaultLevel: 'warning',
    description: 'A certificate that a policy pins by thumbprint, that Bicep uploads, or that a workspace certificate file holds expires within the warning window.',
  },
  'expiring',
);
