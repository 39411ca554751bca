import type { BicepRule, PolicyRule, RuleMeta } from './types';

export const UNUSED_SUPPRESSION = 'unused-suppression';

/**
 * A suppression comment that suppresses nothing, like ESLint's unused disable directives: the problem it was written
 * for is gone (or never was), and the comment would hide the next one. Which comments suppressed something is known
 * only after every other rule has run on the file, so the engine reports these (`Workspace.lint`, from
 * `unusedSuppressions`); the entries here give the rule its id, level and documentation. One id, two targets.
 */
const meta: RuleMeta = {
  id: UNUSED_SUPPRESSION,
  // Off unless asked for (`--report-unused-suppressions`, or a level in .apim-mtls.json): whether a comment
  // suppresses anything depends on what the run has read, and a hook that lints one file has less than CI.
  defaultLevel: 'off',
  description: 'A suppression comment names a rule that reports nothing where the comment works: it can go.',
};

export const unusedSuppression: [PolicyRule, BicepRule] = [
  { ...meta, target: 'policy', check: () => {} },
  { ...meta, target: 'bicep', check: () => {} },
];
