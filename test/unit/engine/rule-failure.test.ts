import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import type { PolicyRule } from '../../../server/src/rules/types';

const FILE = path.resolve('/failing-ws/api.policy.xml');

function rule(id: string, check: PolicyRule['check']): PolicyRule {
  return { id, target: 'policy', defaultLevel: 'warning', description: id, check };
}

const thrown: [string, unknown, RegExp][] = [
  ['an Error', new Error('boom'), /^rule throws failed on this file: boom$/],
  ['null', null, /^rule throws failed on this file: null$/],
  ['undefined', undefined, /^rule throws failed on this file: undefined$/],
  ['a string', 'a string', /^rule throws failed on this file: a string$/],
  ['an object whose message is not text', { message: 42 }, /^rule throws failed on this file: \[object Object\]$/],
];

for (const [what, value, expected] of thrown) {
  test(`a rule that throws ${what} becomes a notice; the other rules still run`, () => {
    const ws = new Workspace({
      configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }),
      rules: [
        rule('throws', () => {
          throw value;
        }),
        rule('reports', (ctx) => ctx.report({ span: { start: 0, end: 1 }, message: 'still here' })),
      ],
    });
    ws.set(FILE, { text: '<policies><inbound /></policies>' });
    const result = ws.lint(FILE);
    assert.deepEqual(result.notices.length, 1);
    assert.match(result.notices[0]!, expected);
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['reports']);
  });
}
