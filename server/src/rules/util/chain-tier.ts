import { CHAIN_UNSUPPORTED_SKUS, skuCertainty, type Certainty, type Sku, type SkuSet } from '../../model/sku';
import { skusText } from './bicep-skus';

/** Which of a policy's possible SKUs can't validate certificate chains (Consumption, v2) [facts §3]. */
export interface ChainTier {
  /** `all`: every possible SKU can't; `some`: some can't (or the set is partly unknown); `none`. */
  certainty: Certainty;
  unsupported: Sku[];
  /** `StandardV2 (from main.bicep)`, or `BasicV2 (among the possible SKUs Developer, BasicV2; from main.bicep)`. */
  text: string;
}

/** The chain-validation view of a SKU set, with the files the SKUs come from in words. */
export function chainTier(skus: SkuSet): ChainTier {
  const certainty = skuCertainty(skus, (s) => CHAIN_UNSUPPORTED_SKUS.has(s));
  const unsupported = [...skus.values].filter((s) => CHAIN_UNSUPPORTED_SKUS.has(s));
  return { certainty, unsupported, text: skusText(skus, unsupported, certainty === 'all') };
}
