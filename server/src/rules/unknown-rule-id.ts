import type { Fix } from '../core/finding';
import { suppressionIds } from '../engine/suppress';
import type { BicepRule, PolicyRule, Report, RuleMeta } from './types';
import { nearestWithin } from '../core/nearest';

/**
 * A suppression comment naming an id one typo away from an apim-mtls rule: it suppresses nothing, and the finding it
 * was written for stays (or comes back later, for a region). Only near misses are reported: the words of a comment
 * that are far from every rule id may be a reason written after the ids, or, in Bicep, Bicep's own diagnostic codes.
 * One id, two targets: register with `...unknownRuleId(ids)`, where `ids` gives the registered rule ids when called.
 */
export function unknownRuleId(ruleIds: () => readonly string[]): [PolicyRule, BicepRule] {
  const meta: RuleMeta = {
    id: 'unknown-rule-id',
    defaultLevel: 'warning',
    description: 'A suppression comment names an id one typo away from an apim-mtls rule id: it suppresses nothing.',
  };
  const check = (ctx: { file: string; text: string; report(r: Report): void }, kind: 'policy' | 'bicep'): void => {
    if (!ctx.text.includes(kind === 'policy' ? 'apim-mtls-' : '#')) return;
    const ids = ruleIds();
    // Each distinct id judged once in a file.
    const judged = new Map<string, string | undefined>();
    for (const named of suppressionIds(ctx.text, kind)) {
      if (ids.includes(named.id)) continue;
      let meant = judged.get(named.id);
      if (!judged.has(named.id)) judged.set(named.id, (meant = typoOf(named.id, ids)));
      if (!meant) continue;
      const fix: Fix = { title: `Change to '${meant}'`, edits: [{ file: ctx.file, span: named.span, newText: meant }], preferred: true };
      ctx.report({
        span: named.span,
        message:
          `'${named.id}' is not an apim-mtls rule id, so this ${named.directive} comment ` +
          `${named.disables ? 'suppresses nothing' : 'turns nothing back on'}: did you mean '${meant}'?`,
        fixes: [fix],
      });
    }
  };
  return [
    { ...meta, target: 'policy', check: (ctx) => check(ctx, 'policy') },
    { ...meta, target: 'bicep', check: (ctx) => check(ctx, 'bicep') },
  ];
}

/**
 * The rule id `word` is a typo of: a hyphenated word (as every rule id is) within a few edits of one, case aside.
 * A rule id written in another case is a typo too (ids are matched exactly).
 */
function typoOf(word: string, ids: readonly string[]): string | undefined {
  if (!word.includes('-')) return undefined;
  // Only distances up to `allowed` are worked out (a file of 20,000 hyphenated words took 2.6 s with whole tables).
  return nearestWithin(word, ids, Math.min(3, Math.floor(word.length / 5)));
}
