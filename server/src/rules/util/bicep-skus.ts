import * as path from 'node:path';
import { describeSkus, type Sku, type SkuSet } from '../../model/sku';

/**
 * The possible SKUs for which `pred` holds, with where they come from: `BasicV2, StandardV2 (from settings.bicep)`, or,
 * when only some are, `Consumption (among the possible SKUs Consumption, Developer; from main.bicep)`.
 */
export function matchingSkusText(set: SkuSet, pred: (sku: Sku) => boolean): string {
  return skusText(set, [...set.values].filter(pred), !set.unknown && [...set.values].every(pred));
}

/** `matching` (some of the set's SKUs) in words with the files they come from; `all`: they are every possible SKU. */
export function skusText(set: SkuSet, matching: readonly Sku[], all: boolean): string {
  const list = matching.join(', ');
  const files = set.setBy ?? [...new Set(set.origins.map((o) => path.basename(o.file)))].join(', ');
  if (all) return files ? `${list} (from ${files})` : list;
  return `${list} (among the possible SKUs ${describeSkus(set)}${files ? `; from ${files}` : ''})`;
}
