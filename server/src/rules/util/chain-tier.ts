import * as path from 'node:path';
import { CHAIN_UNSUPPORTED_SKUS, describeSkus, skuCertainty, type Certainty, type Sku, type SkuSet } from '../../model/sku';

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
  const files = [...new Set(skus.origins.map((o) => path.basename(o.file)))].join(', ');
  const list = unsupported.join(', ');
  const text = certainty === 'all' ? (files ? `${list} (from ${files})` : list) : `${list} (among the possible SKUs ${describeSkus(skus)}${files ? `; from ${files}` : ''})`;
  return { certainty, unsupported, text };
}
