import type { RelatedInfo } from '../../core/finding';
import type { Certainty, Sku, SkuSet } from '../../model/sku';
import type { PolicyElement } from '../../parsers/policy/types';
import { readBoolAttribute, type BoolAttribute } from './bool-attribute';
import { chainTier } from './chain-tier';

/**
 * Can a `validate-client-certificate` element validate the client certificate's chain?
 * `yes`: validate-trust is true (or omitted) and every possible SKU can validate chains.
 * `no`: validate-trust is false, or no possible SKU can (where `true` fails every request, so it must be false).
 * `maybe`: a `{{named value}}` decides, or only some possible SKUs can.
 */
export interface TrustAnalysis {
  validates: 'yes' | 'no' | 'maybe';
  /** The validate-trust attribute as written. */
  setting: Extract<BoolAttribute, { kind: 'absent' | 'literal' | 'named' }>;
  /** Its value with the default (true) applied. */
  value: boolean | 'named';
  /** How many possible SKUs can't validate chains. `none` when the SKU set is unknown and nothing points at such a tier. */
  tier: Certainty;
  /** The possible SKUs that can't validate chains. */
  unsupported: Sku[];
  /** Those SKUs in words, with the files they come from: `StandardV2 (from main.bicep)`. */
  tierText: string;
  /** Where the SKUs come from (for `related`). */
  origins: RelatedInfo[];
}

/** Analyses `validate-trust` of a `validate-client-certificate` element against the SKUs the policy may run on. Undefined when the attribute's value is not valid. */
export function analyzeTrust(el: PolicyElement, skus: SkuSet): TrustAnalysis | undefined {
  const setting = readBoolAttribute(el, 'validate-trust');
  if (setting.kind !== 'absent' && setting.kind !== 'literal' && setting.kind !== 'named') return undefined;
  const value = setting.kind === 'absent' ? true : setting.kind === 'literal' ? setting.value : 'named';
  const tier = chainTier(skus);
  const validates = value === false || tier.certainty === 'all' ? 'no' : value === true && tier.certainty === 'none' ? 'yes' : 'maybe';
  return { validates, setting, value, tier: tier.certainty, unsupported: tier.unsupported, tierText: tier.text, origins: skus.origins };
}

/** Why trust is not (or may not be) validated, as a clause: `validate-trust is "false"`, `StandardV2 (from main.bicep) can't validate certificate chains`. */
export function untrustedReason(a: TrustAnalysis): string {
  if (a.value === false) return 'validate-trust is "false"';
  const tier = `${a.tierText} can't validate certificate chains`;
  if (a.setting.kind !== 'named' || a.tier === 'all') return tier;
  const named = `validate-trust comes from {{${a.setting.name}}} and may be false`;
  return a.tier === 'some' ? `${named}, and ${tier}` : named;
}

/** The SKU origins when the tier is part of the reason (for `related`), else none. */
export function reasonOrigins(a: TrustAnalysis): RelatedInfo[] {
  return a.value !== false && a.tier !== 'none' ? a.origins : [];
}
