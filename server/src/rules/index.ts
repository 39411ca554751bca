import type { Rule } from './types';
import { nearest } from '../core/nearest';
import { policyXmlSyntax } from './policy-xml-syntax';
import { validateTrustUnsupportedTier } from './validate-trust-unsupported-tier';
import { identityWithoutThumbprint } from './identity-without-thumbprint';
import { anyCertificateAccepted } from './any-certificate-accepted';
import { ignoreErrorEnabled } from './ignore-error-enabled';
import { validityCheckDisabled } from './validity-check-disabled';
import { policySection } from './policy-section';
import { policyAttributes } from './policy-attributes';
import { identitiesLimit } from './identities-limit';
import { pemMarkersInCertificate } from './pem-markers-in-certificate';
import { clientCertificateNotEnabled } from './client-certificate-not-enabled';
import { caCertificatesUnsupportedTier } from './ca-certificates-unsupported-tier';
import { caCertificatesLimit } from './ca-certificates-limit';
import { invalidCertificateStore } from './invalid-certificate-store';
import { certificateStoreMismatch } from './certificate-store-mismatch';
import { policyValueNotLoaded } from './policy-value-not-loaded';
import { policyFormatMismatch } from './policy-format-mismatch';
import { consumptionClientCertificateRequired } from './consumption-client-certificate-required';
import { clientCertificateHttp2NotNegotiated } from './client-certificate-http2-not-negotiated';
import { selfHostedGatewayCaCertificates } from './self-hosted-gateway-ca-certificates';
import { privateCaNotUploaded } from './private-ca-not-uploaded';
import { chainVerifyUnsupportedTier } from './chain-verify-unsupported-tier';
import { utcnowCertificateValidity } from './utcnow-certificate-validity';
import { certificateNullCheck } from './certificate-null-check';
import { thumbprintFormat } from './thumbprint-format';
import { thumbprintCase } from './thumbprint-case';
import { expressionSyntax } from './expression-syntax';
import { expressionMixedWithText } from './expression-mixed-with-text';
import { contextCertificateNotVerified } from './context-certificate-not-verified';
import { identityClaimsMismatch } from './identity-claims-mismatch';
import { identityDnFormat } from './identity-dn-format';
import { unknownThumbprint } from './unknown-thumbprint';
import { thumbprintRoleMismatch } from './thumbprint-role-mismatch';
import { unknownCertificateId } from './unknown-certificate-id';
import { certificateKeyNotThumbprint } from './certificate-key-not-thumbprint';
import { certificateExpired } from './certificate-expired';
import { certificateExpiring } from './certificate-expiring';
import { certificateNotYetValid } from './certificate-not-yet-valid';
import { unknownRuleId } from './unknown-rule-id';
import { indexerNullCheck } from './indexer-null-check';
import { headerReadAfterDelete } from './header-read-after-delete';
import { unusedSuppression } from './unused-suppression';
import { forwardedCertificateHeader } from './forwarded-certificate-header';
import { baseOmitted } from './base-omitted';

/**
 * Every rule, in the order the docs list them. Ids are fixed: the CLI, settings and docs use them.
 * A rule that checks several kinds of file (the certificate expiry rules) has one entry per target, sharing its id.
 */
export const allRules: readonly Rule[] = [
  // The mission rules
  validateTrustUnsupportedTier,
  chainVerifyUnsupportedTier,
  identityWithoutThumbprint,
  utcnowCertificateValidity,
  pemMarkersInCertificate,
  clientCertificateNotEnabled,
  policyXmlSyntax,
  // validate-client-certificate
  anyCertificateAccepted,
  ignoreErrorEnabled,
  validityCheckDisabled,
  policySection,
  baseOmitted,
  policyAttributes,
  identitiesLimit,
  // C# expressions over context.Request.Certificate
  certificateNullCheck,
  indexerNullCheck,
  headerReadAfterDelete,
  forwardedCertificateHeader,
  thumbprintFormat,
  thumbprintCase,
  expressionSyntax,
  expressionMixedWithText,
  contextCertificateNotVerified,
  // Certificates in the workspace: pinned thumbprints and loaded files
  identityClaimsMismatch,
  identityDnFormat,
  unknownThumbprint,
  thumbprintRoleMismatch,
  unknownCertificateId,
  certificateKeyNotThumbprint,
  privateCaNotUploaded,
  ...certificateExpired,
  ...certificateExpiring,
  ...certificateNotYetValid,
  // Bicep: the service, its CA certificates, policy resources
  caCertificatesUnsupportedTier,
  caCertificatesLimit,
  invalidCertificateStore,
  certificateStoreMismatch,
  policyValueNotLoaded,
  policyFormatMismatch,
  consumptionClientCertificateRequired,
  clientCertificateHttp2NotNegotiated,
  selfHostedGatewayCaCertificates,
  // Suppression comments
  ...unknownRuleId(() => ruleIds()),
  ...unusedSuppression,
];

let ids: readonly string[] | undefined;
/** Every rule id (read when rules run: the registry is complete by then). */
export function ruleIds(): readonly string[] {
  return (ids ??= ruleCatalog.map((r) => r.id));
}

/** The rule id closest to a mistyped one, when it is close enough to suggest. */
export function similarRuleId(id: string): string | undefined {
  const near = nearest(id, ruleIds());
  return near && near.distance <= 4 ? near.value : undefined;
}

export function ruleById(id: string): Rule | undefined {
  return allRules.find((r) => r.id === id);
}

/** One entry per rule id (the first target's metadata): for rule tables, SARIF and documentation. */
export const ruleCatalog: readonly Rule[] = allRules.filter((r, i) => allRules.findIndex((x) => x.id === r.id) === i);
