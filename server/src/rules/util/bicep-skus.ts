import * as path from 'node:path';
import { describeSkus, type Sku, type SkuSet } from '../../model/sku';

/**
 * The possible SKUs for which `pred` holds, with where they come from: `BasicV2, StandardV2 (from settings.bicep)`, or,
 * when only some are, `Consumption (among the possible SKUs Consumption, Developer; from main.bicep)`.
 */
export function matchingSkusText(set: SkuSet, pred: (sku: Sku) => boolean): string {
  const list = [...set.values].filter(pred).join(', ');
  const files = [...new Set(set.origins.map((o) => path.basename(o.file)))].join(', ');
  const all = !set.unknown && [...set.values].every(pred);
  if (all) return files ? `${list} (from ${files})` : list;
  return `${list} (among the possible SKUs ${describeSkus(set)}${files ? `; from ${files}` : ''})`;
}
