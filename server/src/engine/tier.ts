import type { Position } from '../core/text';
import { SKUS, type Sku } from '../model/sku';
import type { PolicyContext } from '../model/types';
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
  return tierOf(ws, ws.policyContext(file));
}

/** The tiers of the policies written in a Bicep file's strings (`value: '''<policies>…'''`), with their 1-based lines. */
export function inlinePolicyTiers(ws: Workspace, file: string): { line: number; info: PolicyTierInfo }[] {
  if (ws.kindOf(file) !== 'bicep') return [];
  // Each string once, with every resource that deploys it (a variable two resources use).
  return ws.getModel().inlinePoliciesIn(file).map(({ inline, context }) => ({
    line: (ws.lineIndex(file)?.positionAt(inline.offsets[0]!).line ?? 0) + 1,
    info: tierOf(ws, context),
  }));
}

function tierOf(ws: Workspace, { skus, deployments }: PolicyContext): PolicyTierInfo {
  const info: PolicyTierInfo = {
    skus: SKUS.filter((s) => skus.values.has(s)),
    unknown: skus.unknown,
    deployments: deployments.length,
    origins: [...(skus.links ?? []), ...skus.origins].map((o) => ({ file: o.file, position: ws.lineIndex(o.file)?.positionAt(o.span.start) ?? { line: 0, character: 0 }, message: o.message })),
  };
  if (skus.setBy) info.setBy = skus.setBy;
  return info;
}
