import type { PolicyRule } from '../../../server/src/rules/types';

/**
 * A policy rule that reports once, then never returns, on a policy holding the word HANG: what a rule quadratic on some
 * unforeseen input would seem to do. Only the watchdog (`server/src/engine/watchdog.ts`) can end it.
 */
export function hangRule(id: string, message = 'about to hang'): PolicyRule {
  return {
    id,
    target: 'policy',
    defaultLevel: 'warning',
    description: 'Never returns on a policy holding HANG.',
    check(ctx) {
      const at = ctx.text.indexOf('HANG');
      if (at < 0) return;
      ctx.report({ span: { start: at, end: at + 4 }, message });
      for (;;) {
        // never returns
      }
    },
  };
}
