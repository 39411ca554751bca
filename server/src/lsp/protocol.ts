/** Names shared by the language server and the VS Code client (keep this file free of imports). */

/** Custom request: what the server read from a certificate file (`{ uri }` → `{ certificates, problems } | null`). */
export const CERTIFICATE_INFO_REQUEST = 'apim-mtls/certificateInfo';

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
