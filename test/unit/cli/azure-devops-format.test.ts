import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { formatAzureDevOps } from '../../../server/src/cli/format/azure-devops';
import { repoRoot } from '../../helpers';

/**
 * A logging command read back the way the Azure Pipelines agent reads it (azure-pipelines-task-lib `commandFromString`):
 * after `##vso[`, up to the first `]`; the area.event, then `;`-separated `key=value` properties, unescaped; the message.
 */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } | undefined {
  const start = line.indexOf('##vso[');
  const end = line.indexOf(']', start);
  if (start < 0 || end < 0) return undefined;
  const inside = line.slice(start + 6, end);
  const space = inside.indexOf(' ');
  const command = space < 0 ? inside : inside.slice(0, space);
  const properties: Record<string, string> = {};
  for (const pair of (space < 0 ? '' : inside.slice(space + 1)).split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { command, properties, message: unescapeData(line.slice(end + 1)) };
}
const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');
const unescape = (s: string) => unescapeData(s).replace(/%5D/g, ']').replace(/%3B/g, ';');

test('--format azure-devops escapes what would end a logging command or a property; info stays a log line', () => {
  const cwd = path.resolve('/repo');
  const file = path.join(cwd, 'a;b]c', '100%.policy.xml');
  const out = formatAzureDevOps(
    [
      {
        file,
        messages: [
          { ruleId: 'r', level: 'error', message: '50% done]\r\nnext; line', line: 2, column: 3, endLine: 2, endColumn: 9 },
          { ruleId: null, level: 'warning', message: 'cannot read: permission denied', line: 1, column: 1, endLine: 1, endColumn: 1 },
          { ruleId: 'i', level: 'info', message: 'for your information', line: 4, column: 1, endLine: 4, endColumn: 2 },
        ],
      },
    ],
    cwd,
  );
  const lines = out.split('\n');
  assert.equal(lines[0], '##vso[task.logissue type=error;sourcepath=a%3Bb%5Dc/100%AZP25.policy.xml;linenumber=2;columnnumber=3;code=r]50%AZP25 done]%0D%0Anext; line');
  assert.deepEqual(parseCommand(lines[0]!), {
    command: 'task.logissue',
    properties: { type: 'error', sourcepath: 'a;b]c/100%.policy.xml', linenumber: '2', columnnumber: '3', code: 'r' },
    message: '50% done]\r\nnext; line',
  });
  assert.equal(lines[1], '##vso[task.logissue type=warning;sourcepath=a%3Bb%5Dc/100%AZP25.policy.xml;linenumber=1;columnnumber=1]cannot read: permission denied');
  assert.equal(lines[2], 'a;b]c/100%.policy.xml:4:1  info  for your information  i');
  assert.match(out, /\n3 problems \(1 error, 1 warning, 1 info\) in 1 file of 1 linted\.\n$/);
});

test('apim-mtls lint --format azure-devops on the examples: one issue per error and warning of the JSON report', () => {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const run = (format: string) => spawnSync(process.execPath, [cli, 'lint', 'examples', '--format', format], { cwd: repoRoot, encoding: 'utf8' });
  const json = JSON.parse(run('json').stdout) as { filePath: string; messages: { ruleId: string | null; level: string; message: string; line: number; column: number }[] }[];
  const want = json
    .flatMap((e) => e.messages.map((m) => ({ ...m, file: path.relative(repoRoot, e.filePath).split(path.sep).join('/') })))
    .filter((m) => m.level === 'error' || m.level === 'warning')
    .map((m) => `${m.level} ${m.file}:${m.line}:${m.column} ${m.ruleId} ${m.message}`);
  const r = run('azure-devops');
  assert.equal(r.status, 1, 'the examples have errors');
  const got = r.stdout
    .split('\n')
    .map(parseCommand)
    .filter((c) => c !== undefined)
    .map((c) => `${c.properties.type} ${c.properties.sourcepath}:${c.properties.linenumber}:${c.properties.columnnumber} ${c.properties.code} ${c.message}`);
  assert.ok(want.length > 30);
  assert.deepEqual(got, want);
});
