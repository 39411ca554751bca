import type { RelatedInfo } from '../../core/finding';
import * as path from 'node:path';
import { CHAIN_UNSUPPORTED_SKUS, type Certainty, type Sku } from '../../model/sku';
import type { NamedValueInfo, PolicyContext } from '../../model/types';
import type { PolicyElement } from '../../parsers/policy/types';
import { readBoolAttribute, type BoolAttribute } from './bool-attribute';
import { chainTier, type ChainTier } from './chain-tier';

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
  certainty: Certainty;
  /** The possible SKUs that can't validate chains. */
  unsupported: Sku[];
  /** Those SKUs in words, with the files they come from: `StandardV2 (from main.bicep)`. */
  tierText: string;
  /** Where the SKUs come from (for `related`). */
  origins: RelatedInfo[];
  /** For `{{name}}`: the named value as every deployment's service defines it in Bicep (see `namedValueOf`). */
  namedValues?: NamedValueInfo[];
  /** Possible SKUs that can validate chains but where that named value may be "false". */
  falseOn?: Sku[];
}

/**
 * Analyses `validate-trust` of a `validate-client-certificate` element against the SKUs the policy may run on.
 * A `{{named value}}` that the policy's deployments define in Bicep is read per SKU. Undefined when the attribute's
 * value is not valid.
 */
export function analyzeTrust(el: PolicyElement, policy: PolicyContext): TrustAnalysis | undefined {
  const skus = policy.skus;
  const setting = readBoolAttribute(el, 'validate-trust');
  if (setting.kind !== 'absent' && setting.kind !== 'literal' && setting.kind !== 'named') return undefined;
  const value = setting.kind === 'absent' ? true : setting.kind === 'literal' ? setting.value : 'named';
  const tier = chainTier(skus);
  const analysis: TrustAnalysis = { validates: 'maybe', setting, value, certainty: tier.certainty, unsupported: tier.unsupported, tierText: tier.text, origins: skus.origins };
  const named = setting.kind === 'named' && !setting.template ? namedValueOf(policy, setting.name) : undefined;
  if (named) {
    const possible = [...skus.values];
    const validatesOn = (s: Sku): boolean => !CHAIN_UNSUPPORTED_SKUS.has(s) && named.every((nv) => nv.certainlyTrue.has(s));
    const failsOn = (s: Sku): boolean => CHAIN_UNSUPPORTED_SKUS.has(s) || named.every((nv) => !nv.maybeTrue.has(s));
    analysis.namedValues = named;
    analysis.falseOn = possible.filter((s) => !CHAIN_UNSUPPORTED_SKUS.has(s) && !validatesOn(s));
    if (!skus.unknown && possible.length > 0 && possible.every(validatesOn)) analysis.validates = 'yes';
    else if (!skus.unknown && possible.length > 0 && possible.every(failsOn)) analysis.validates = 'no';
    return analysis;
  }
  analysis.validates = value === false || tier.certainty === 'all' ? 'no' : value === true && tier.certainty === 'none' ? 'yes' : 'maybe';
  return analysis;
}

/** The named value `{{name}}` as every deployment's service defines it in Bicep; undefined unless all of them do. */
export function namedValueOf(policy: PolicyContext, name: string): NamedValueInfo[] | undefined {
  const found: NamedValueInfo[] = [];
  for (const d of policy.deployments) {
    const service = d.service?.definition ?? d.service;
    const nv = service?.namedValues?.get(name.toLowerCase());
    if (!nv) return undefined;
    found.push(nv);
  }
  return found.length > 0 ? found : undefined;
}

/** Why trust is not (or may not be) validated, as a clause: `validate-trust is "false"`, `StandardV2 (from main.bicep) can't validate certificate chains`. */
export function untrustedReason(a: TrustAnalysis): string {
  if (a.value === false) return 'validate-trust is "false"';
  const tier = `${a.tierText} can't validate certificate chains`;
  if (a.setting.kind === 'named' && a.namedValues) {
    if (a.falseOn?.length) {
      const named = `validate-trust comes from ${a.setting.written}, which the named value in ${namedValueFiles(a.namedValues)} may make "false" on ${a.falseOn.join(', ')}`;
      return a.certainty !== 'none' ? `${named}, while ${tier}` : named;
    }
    if (a.certainty !== 'none') return tier;
    // "true" on every known tier, but the SKU set is partly unknown: the generic wording below.
  }
  if (a.setting.kind !== 'named' || a.certainty === 'all') return tier;
  const named = `validate-trust comes from ${a.setting.written} and may be false`;
  return a.certainty === 'some' ? `${named}, while ${tier}` : named;
}

/** The SKU origins when the tier is part of the reason (for `related`), else none. */
export function reasonOrigins(a: TrustAnalysis): RelatedInfo[] {
  return [...(a.value !== false && a.certainty !== 'none' ? a.origins : []), ...namedValueRelated(a.namedValues ?? [])];
}

/**
 * A named value that decides whether a chain check runs, on the tiers that can't validate chains: the clause saying
 * where it may be "true" (`the named value in apim.bicep is "true" on StandardV2, a tier that can't validate client
 * certificate chains`), and whether that is certain. Undefined when it is "false" on every such tier.
 */
export function namedValueOnUnsupportedTiers(named: readonly NamedValueInfo[], tier: Pick<ChainTier, 'certainty' | 'unsupported'>): { text: string; certain: boolean } | undefined {
  const failing = tier.unsupported.filter((s) => named.some((nv) => nv.maybeTrue.has(s)));
  if (failing.length === 0) return undefined;
  // Certain: one service, every possible SKU is one that can't validate chains, and the value is "true" on each.
  const certain = named.length === 1 && tier.certainty === 'all' && failing.length === tier.unsupported.length && failing.every((s) => named[0]!.certainlyTrue.has(s));
  const text =
    `the named value in ${namedValueFiles(named)} ${trueOn(named, failing) ? 'is' : 'may be'} "true" on ${failing.join(', ')}, ` +
    `${failing.length === 1 ? 'a tier that' : 'tiers that'} can't validate client certificate chains`;
  return { text, certain };
}

/** The files that define a named value, by name: `apim.bicep`. */
function namedValueFiles(named: readonly NamedValueInfo[]): string {
  return [...new Set(named.map((nv) => path.basename(nv.ref.file)))].join(', ');
}

/** The named values are certainly "true" on each of these SKUs (else they only may be: a parameter, an environment). */
function trueOn(named: readonly NamedValueInfo[], skus: readonly Sku[]): boolean {
  return skus.every((s) => named.every((nv) => nv.certainlyTrue.has(s)));
}

/** The named value resources, as related information. */
export function namedValueRelated(named: readonly NamedValueInfo[]): RelatedInfo[] {
  return named.map((nv) => ({ file: nv.ref.file, span: nv.ref.span, message: `the named value ${nv.displayName}` }));
}
