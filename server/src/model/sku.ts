import type { RelatedInfo } from '../core/finding';
import { probablyMeant } from '../core/nearest';

/** `Microsoft.ApiManagement/service` `sku.name` values (facts §4). */
export const SKUS = [
  'Consumption',
  'Developer',
  'Basic',
  'Standard',
  'Premium',
  'Isolated',
  'BasicV2',
  'StandardV2',
  'PremiumV2',
] as const;
export type Sku = (typeof SKUS)[number];

/** Tiers where the gateway can't validate a client certificate's chain and can't hold CA certificates (facts §3). */
export const CHAIN_UNSUPPORTED_SKUS: ReadonlySet<Sku> = new Set<Sku>(['Consumption', 'BasicV2', 'StandardV2', 'PremiumV2']);

/**
 * The classic tiers: every other one. They validate chains, hold CA certificates and negotiate client certificates
 * per host name. `Isolated` is among them (facts §3: little documented, treated as classic, uncertain).
 */
export const CLASSIC_SKUS: readonly Sku[] = SKUS.filter((s) => !CHAIN_UNSUPPORTED_SKUS.has(s));

/** Case-insensitive lookup: Bicep and ARM accept any casing of a SKU name. */
export function toSku(value: string): Sku | undefined {
  const lower = value.toLowerCase();
  return SKUS.find((s) => s.toLowerCase() === lower);
}

/** Why `value` is not a SKU, for a message: the SKU it was probably meant to be, or the list. */
export function notASku(value: string): string {
  const meant = probablyMeant(value, SKUS);
  return meant ? `did you mean ${meant}?` : `the SKUs are ${SKUS.join(', ')}`;
}

/**
 * What is known of the SKUs a service (or a policy's services) may have.
 * `unknown: true` means nothing pins it down: any SKU is possible besides those listed.
 */
export interface SkuSet {
  values: ReadonlySet<Sku>;
  unknown: boolean;
  /** Where the knowledge comes from (the Bicep line with the SKU, the param's @allowed, the configuration file). */
  origins: RelatedInfo[];
  /** The setting that set it, when it was not a file: `--sku`, `apimMtls.sku`. */
  setBy?: string;
  /**
   * Where the policy was linked to the service these SKUs are from, when that was taken rather than read (an
   * `existing` service whose name can't be read): shown by `tier` and hovers, not named in messages' "from".
   */
  links?: RelatedInfo[];
}

export const UNKNOWN_SKUS: SkuSet = { values: new Set(), unknown: true, origins: [] };

export type Certainty = 'all' | 'some' | 'none';

/** Does `pred` hold for every possible SKU, some of them, or none? An unknown set can only give `some` or `none`. */
export function skuCertainty(set: SkuSet, pred: (sku: Sku) => boolean): Certainty {
  let hits = 0;
  for (const s of set.values) if (pred(s)) hits++;
  if (set.unknown) return hits > 0 ? 'some' : 'none';
  if (set.values.size === 0) return 'none';
  if (hits === set.values.size) return 'all';
  return hits > 0 ? 'some' : 'none';
}

export function describeSkus(set: SkuSet): string {
  const list = [...set.values].join(', ');
  if (set.unknown) return list ? `${list} or an unknown SKU` : 'an unknown SKU';
  return list;
}
