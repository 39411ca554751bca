// Loaded with `node --require` before the CLI or the language server runs from `out/`: adds a policy rule that never
// returns on a policy holding the word HANG (after reporting once), as a rule quadratic on some unforeseen input would
// seem to. Only the watchdog (`server/src/engine/watchdog.ts`) can end it.
import { allRules } from '../../../server/src/rules';
import type { PolicyRule, Rule } from '../../../server/src/rules/types';

export const HANG_RULE_ID = 'test-hang';

const hang: PolicyRule = {
  id: HANG_RULE_ID,
  target: 'policy',
  defaultLevel: 'warning',
  description: 'Never returns on a policy holding HANG.',
  check(ctx) {
    const at = ctx.text.indexOf('HANG');
    if (at < 0) return;
    ctx.report({ span: { start: at, end: at + 4 }, message: 'about to hang' });
    for (;;) {
      // never returns
    }
  },
};

// First, so that the rules after it are the ones the budget leaves out.
(allRules as Rule[]).unshift(hang);
