/** Names shared by the language server and the VS Code client (keep this file free of imports). */

/** Custom request: what the server read from a certificate file (`{ uri }` → `CertificateInfoResult | null`). */
export const CERTIFICATE_INFO_REQUEST = 'apim-mtls/certificateInfo';

/**
 * The answer to `CERTIFICATE_INFO_REQUEST` (null when the file isn't a certificate file): what the client reads of each
 * certificate (the server sends all of its `CertificateInfo`). `Time` is `Date` as the server builds it, `string` (ISO)
 * as the client receives it over JSON.
 */
export interface CertificateInfoResult<Time = string> {
  certificates: { subject: string; thumbprint: string; notAfter: Time }[];
  problems: string[];
}

/**
 * Custom request: the tiers a policy is linted for (`{ uri }` → `PolicyTier | null`, null for other files), what the
 * VS Code client's status bar shows for the active policy.
 */
export const POLICY_TIER_REQUEST = 'apim-mtls/policyTier';

export interface PolicyTier {
  /** The possible SKUs, as the linter reads them. */
  skus: string[];
  /** Whether some deployment's SKU can't be read (then the tier rules are silent where it matters). */
  unknown: boolean;
  /** How many resources deploy the policy (0: no Bicep of the workspace does; `apimMtls.sku` then applies). */
  deployments: number;
  /** Where the SKUs come from: a Bicep or parameters file and line (0-based), and what it says. */
  origins: { uri: string; line: number; message: string }[];
  /** The setting that set the SKUs when no file did (`apimMtls.sku`). */
  setBy?: string;
}

/** The server's command behind "Show documentation for <rule>" (arguments: the rule id); VS Code's client runs its own. */
export const OPEN_DOCS_COMMAND = 'apim-mtls.openRuleDocs';

/**
 * The code action kind of "Fix all safe problems" (`Fix.autofix`), for `editor.codeActionsOnSave` and the Source
 * Action menu: LSP's `source.fixAll` (`CodeActionKind.SourceFixAll`), refined with our name.
 */
export const FIX_ALL_KIND = 'source.fixAll.apim-mtls';

/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'apim-mtls';

/** The client command a certificate code lens runs, with the SHA-1 thumbprint as its only argument. */
export const COPY_THUMBPRINT_COMMAND = 'apimMtls.copyCertificateThumbprint';

/**
 * The client command of the "pinned in N policies" lens: the file's URI, the lens position and the pins (LSP
 * locations), which the VS Code client shows in the references view (`editor.action.showReferences`).
 */
export const SHOW_PINS_COMMAND = 'apimMtls.showCertificatePins';

/** A SHA-1 thumbprint written in full: 40 hex digits, either case, nothing else. */
export const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;
