import type { Position } from '../core/text';
import { SKUS, type Sku } from '../model/sku';
import type { Workspace } from './workspace';

/** The tiers a policy is judged against and where they come from: what `apim-mtls tier` and the status bar show. */
export interface PolicyTierInfo {
  /** The possible SKUs, in the order of the SKU list (Consumption, Developer, … PremiumV2). */
  skus: Sku[];
  /** Some deployment's SKU can't be read: the tier rules stay silent where that matters. */
  unknown: boolean;
  /** How many Bicep resources deploy the policy. */
  deployments: number;
  /** Where the SKUs come from, after where the policy was linked to a service by a guess (0-based positions). */
  origins: { file: string; position: Position; message: string }[];
  /** The setting that set the SKUs when no file did (`--sku`, `apimMtls.sku`). */
  setBy?: string;
}

/** A policy file's tier; undefined for other files. */
export function policyTier(ws: Workspace, file: string): PolicyTierInfo | undefined {
  if (ws.kindOf(file) !== 'policy') return undefined;
  const { skus, deployments } = ws.policyContext(file);
  const info: PolicyTierInfo = {
    skus: SKUS.filter((s) => skus.values.has(s)),
    unknown: skus.unknown,
    deployments: deployments.length,
    origins: [...(skus.links ?? []), ...skus.origins].map((o) => ({ file: o.file, position: ws.lineIndex(o.file)?.positionAt(o.span.start) ?? { line: 0, character: 0 }, message: o.message })),
  };
  if (skus.setBy) info.setBy = skus.setBy;
  return info;
}
