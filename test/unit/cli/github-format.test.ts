import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { formatGithub } from '../../../server/src/cli/format/github';

test('--format github escapes what would end a workflow command or one of its properties', () => {
  const cwd = path.resolve('/repo');
  const out = formatGithub(
    [
      {
        file: path.join(cwd, 'a,b:c', '100%.policy.xml'),
        messages: [
          { ruleId: 'r', level: 'hint', message: '50% done\r\nnext line', line: 2, column: 3, endLine: 2, endColumn: 9 },
          { ruleId: null, level: 'warning', message: 'cannot read: permission denied', line: 1, column: 1, endLine: 1, endColumn: 1 },
        ],
      },
    ],
    cwd,
  );
  assert.deepEqual(out.split('\n').slice(0, 2), [
    '::notice file=a%2Cb%3Ac/100%25.policy.xml,line=2,col=3,endLine=2,endColumn=9,title=apim-mtls r::50%25 done%0D%0Anext line',
    '::warning file=a%2Cb%3Ac/100%25.policy.xml,line=1,col=1,endLine=1,endColumn=1,title=apim-mtls::cannot read: permission denied',
  ]);
  assert.match(out, /\n2 problems \(0 errors, 1 warning, 1 hint\) in 1 file of 1 linted\.\n$/);
});
