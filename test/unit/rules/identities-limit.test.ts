import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { testRule } from '../../rule-tester';
import { MAX_IDENTITIES, identitiesLimit } from '../../../server/src/rules/identities-limit';
import { Workspace } from '../../../server/src/engine/workspace';
import { DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { policy } from './validation-policy.fixtures';

/** `count` partner identities, each pinned by its own thumbprint. */
const identities = (count: number, attrs = ''): string =>
  Array.from({ length: count }, (_, i) => `    <identity thumbprint="${(i + 1).toString(16).toUpperCase().padStart(40, 'A')}"${attrs} />`).join('\n');

const validate = (count: number): string => `<validate-client-certificate validate-trust="false">\n  <identities>\n${identities(count)}\n  </identities>\n</validate-client-certificate>`;

testRule(identitiesLimit, {
  valid: [
    { name: `${MAX_IDENTITIES} identities`, code: policy(validate(MAX_IDENTITIES)) },
    { name: 'no identities', code: policy('<validate-client-certificate validate-trust="true" />') },
    { name: 'two policies of 6 each (in two sections of a choose)', code: policy(`<choose>\n  <when condition="@(true)">\n${validate(6)}\n  </when>\n  <otherwise>\n${validate(6)}\n  </otherwise>\n</choose>`) },
    { name: 'comments are not identities', code: policy(validate(10).replace('  </identities>', '    <!-- <identity thumbprint="…" /> -->\n  </identities>')) },
  ],
  invalid: [
    {
      name: '12 identities: reported at the 11th, the others related',
      code: policy(validate(12)),
      findings: [
        {
          line: 16,
          level: 'warning',
          text: 'identity',
          message: /^<identities> holds 12 identities, but validate-client-certificate takes at most 10: this is identity 11\./,
        },
      ],
    },
  ],
});

test('identities-limit: the finding relates the <identities> element and each identity past the limit', () => {
  const ws = new Workspace({ configFor: () => ({ config: DEFAULT_CONFIG, problems: [] }), rules: [identitiesLimit] });
  const file = '/ws/partners.policy.xml';
  const text = policy(validate(13));
  ws.set(file, { text });
  const [finding, ...more] = ws.lint(file).findings;
  assert.ok(finding);
  assert.equal(more.length, 0);
  const lines = finding.related.map((r) => `${text.slice(0, r.span.start).split('\n').length}: ${r.message}`);
  assert.deepEqual(lines, ['5: 13 identities', '17: identity 12', '18: identity 13']);
});
