import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type LintConfig } from '../../../server/src/engine/config';
import { within } from '../../../server/src/engine/watchdog';
import { Workspace } from '../../../server/src/engine/workspace';
import type { PolicyRule } from '../../../server/src/rules/types';

const ROOT = path.resolve('/budget-ws');

/** Reports once per file, then is busy for `ms` on files named slow*. */
function rule(id: string, ms: number): PolicyRule {
  return {
    id,
    target: 'policy',
    defaultLevel: 'warning',
    description: id,
    check(ctx) {
      ctx.report({ span: { start: 0, end: 1 }, message: id });
      if (path.basename(ctx.file).startsWith('slow')) {
        const until = performance.now() + ms;
        while (performance.now() < until) {
          // busy: a rule that takes long
        }
      }
    },
  };
}

function workspace(config: Partial<LintConfig>): Workspace {
  const ws = new Workspace({
    configFor: () => ({ config: { ...DEFAULT_CONFIG, ...config }, problems: [] }),
    rules: [rule('first', 40), rule('second', 0), rule('third', 0)],
  });
  for (const name of ['slow.policy.xml', 'fast.policy.xml']) ws.set(path.join(ROOT, name), { text: '<policies><inbound /></policies>' });
  return ws;
}

test('a rule still running when the file budget is spent is stopped, and the rules after it are not run: a notice names them', () => {
  const ws = workspace({ fileTimeBudgetMs: 20 });
  const slow = ws.lint(path.join(ROOT, 'slow.policy.xml'));
  assert.deepEqual(slow.findings.map((f) => f.ruleId), ['first'], 'the findings made before the budget ran out are kept');
  assert.equal(slow.notices.length, 1);
  assert.match(slow.notices[0]!, /time budget \(20 ms; \d+ ms so far\), so rule first was stopped before it finished, and 2 rules were not run on it: second, third\./);
  const fast = ws.lint(path.join(ROOT, 'fast.policy.xml'));
  assert.deepEqual(fast.findings.map((f) => f.ruleId).sort(), ['first', 'second', 'third'], 'each file has its own budget');
  assert.deepEqual(fast.notices, []);
});

test('within the budget every rule runs and there is no notice', () => {
  const ws = workspace({ fileTimeBudgetMs: 10_000 });
  const slow = ws.lint(path.join(ROOT, 'slow.policy.xml'));
  assert.deepEqual(slow.findings.map((f) => f.ruleId).sort(), ['first', 'second', 'third']);
  assert.deepEqual(slow.notices, []);
});

test('rules turned off are not counted as skipped', () => {
  const ws = workspace({ fileTimeBudgetMs: 20, rules: { third: 'off' } });
  const slow = ws.lint(path.join(ROOT, 'slow.policy.xml'));
  assert.match(slow.notices[0]!, /so rule first was stopped before it finished, and 1 rule was not run on it: second\./);
});

test('a budget longer than the watchdog can time (over 49 days: the budget as good as off) lints every rule, in lintAll too', () => {
  const ws = workspace({ fileTimeBudgetMs: 1e10 });
  const slow = path.join(ROOT, 'slow.policy.xml');
  assert.deepEqual(ws.lint(slow).findings.map((f) => f.ruleId).sort(), ['first', 'second', 'third']);
  ws.set(slow, { text: '<policies><inbound /> </policies>' }, 1);
  let linted: string[] = [];
  ws.lintAll(() => {
    linted = ws.lint(slow).findings.map((f) => f.ruleId).sort();
    return false;
  });
  assert.deepEqual(linted, ['first', 'second', 'third']);
  assert.ok(within(() => undefined, 2 ** 40));
});
