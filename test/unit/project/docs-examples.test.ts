// The Bad and Good examples of every rule page, linted with the real CLI: the page's rule reports the Bad examples
// (in the example's own lines) and nothing on the Good ones. How a page says what an example needs (a tier, the
// certificate files, a Bicep that deploys it…) is described in test/docs-examples.ts.
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ruleCatalog } from '../../../server/src/rules';
import { makeTempDir, repoRoot } from '../../helpers';
import { type Example, applyPatch, completePolicy, expandElisions, parseDirective, readExamples, workspaceFor, writeWorkspace } from '../../docs-examples';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

interface Message {
  ruleId: string | null;
  line: number;
  endLine: number;
  message: string;
}
interface Entry {
  filePath: string;
  messages: Message[];
}

interface Outcome {
  dir: string;
  exampleFile: string;
  exampleLines: [number, number];
  /** Every finding, with its workspace-relative file. */
  findings: (Message & { file: string })[];
}

function lint(dir: string, args: string[]): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'lint', dir, '--format', 'json', ...args], { cwd: dir });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 && code !== 1) return reject(new Error(`apim-mtls lint ${dir} exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out) as Entry[]);
      } catch (e) {
        reject(new Error(`apim-mtls lint ${dir}: no JSON (${(e as Error).message}): ${out}${err}`));
      }
    });
  });
}

const where = (e: Example) => `docs/rules/${e.rule}.md:${e.line}`;
const show = (f: Outcome['findings'][number]) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`;

const pages = ruleCatalog.map((rule) => ({ rule, examples: readExamples(path.join(repoRoot, 'docs', 'rules', `${rule.id}.md`)) }));
// A rule that is off by default (unused-suppression) is turned on in the workspace's .apim-mtls.json.
const linted = pages.flatMap(({ rule, examples }) =>
  examples
    .filter((e) => !e.directive.context && !e.directive.skip)
    .map((example) => ({ example, page: examples, turnOn: rule.defaultLevel === 'off' ? rule.id : undefined })),
);

describe('rule pages: the Bad examples are reported by their rule, the Good ones are not', () => {
  const outcomes = new Map<Example, Outcome | Error>();

  before(async () => {
    const queue = [...linted];
    await Promise.all(
      Array.from({ length: os.availableParallelism() }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { example, page, turnOn } = next;
          try {
            const ws = workspaceFor(example, page, repoRoot);
            const dir = makeTempDir(`docs-${example.rule}`);
            writeWorkspace(ws, dir, repoRoot, turnOn);
            const entries = await lint(dir, ws.args);
            const findings = entries.flatMap((e) => e.messages.map((m) => ({ ...m, file: path.relative(dir, e.filePath).split(path.sep).join('/') })));
            outcomes.set(example, { dir, exampleFile: ws.exampleFile, exampleLines: ws.exampleLines, findings });
          } catch (error) {
            outcomes.set(example, error as Error);
          }
        }
      }),
    );
  });

  for (const { rule, examples } of pages) {
    it(`${rule.id}: the page has a Bad example that is linted`, () => {
      assert.ok(
        examples.some((e) => e.section === 'Bad' && !e.directive.context && !e.directive.skip),
        `docs/rules/${rule.id}.md has no Bad example to lint`,
      );
    });
  }

  for (const { example } of linted) {
    it(`${where(example)}: ${example.section} ${example.lang} example`, (t) => {
      const o = outcomes.get(example)!;
      if (o instanceof Error) throw o;
      const own = o.findings.filter((f) => f.ruleId === example.rule);
      if (example.section === 'Bad') {
        const [from, to] = o.exampleLines;
        const inExample = own.filter((f) => f.file === o.exampleFile && f.line <= to && f.endLine >= from);
        assert.ok(
          inExample.length > 0,
          `${example.rule} reports nothing in the Bad example (${o.exampleFile}:${from}-${to} of ${o.dir}: APIM_MTLS_KEEP_TEST_DIRS=1 keeps it); findings:\n${o.findings.map(show).join('\n') || '(none)'}`,
        );
      } else {
        assert.deepEqual(own.map(show), [], `${example.rule} reports the Good example (${o.dir}: APIM_MTLS_KEEP_TEST_DIRS=1 keeps it)`);
        const others = o.findings.filter((f) => f.ruleId !== example.rule);
        // A Good example should be clean, but only its own rule is asserted: the others are listed.
        if (others.length) t.diagnostic(`other rules on this Good example: ${others.map((f) => `${f.file}:${f.line} ${f.ruleId}`).join(', ')}`);
      }
    });
  }
});

describe('the examples harness', () => {
  it('reads the directives, and refuses an unknown word or a skip without a reason', () => {
    assert.deepEqual(parseDirective(' sku=StandardV2 with=examples/certs with=a/b ', 'x'), { sku: 'StandardV2', with: ['examples/certs', 'a/b'], expand: false, context: false, withBad: false });
    assert.equal(parseDirective('with=examples/certs skip (the chain is elided)', 'x').skip, 'the chain is elided');
    assert.equal(parseDirective('patch=before', 'x').patch, 'before');
    assert.throws(() => parseDirective('sku=Premium tier=Premium', 'x'), /unknown lint directive "tier=Premium"/);
    assert.throws(() => parseDirective('skip', 'x'), /needs a reason/);
  });

  it('completes fragments into policies, and the lines of the example are where it landed', () => {
    const { text, firstLine } = completePolicy('<identity thumbprint="{{t}}" />\n');
    assert.match(text, /<inbound>\s*<base \/>\s*<validate-client-certificate>\s*<identities>\s*<identity thumbprint="\{\{t\}\}" \/>\s*<\/identities>\s*<\/validate-client-certificate>\s*<\/inbound>/);
    assert.equal(text.split('\n')[firstLine - 1]!.trim(), '<identity thumbprint="{{t}}" />');
    const open = completePolicy('<when condition="@(true)">\n');
    assert.match(open.text, /<choose>\s*<when condition="@\(true\)">\s*<\/when>\s*<\/choose>/);
    const outbound = completePolicy('<outbound>\n    <base />\n</outbound>\n');
    assert.deepEqual([...outbound.text.matchAll(/<(inbound|backend|outbound|on-error)>/g)].map((m) => m[1]), ['inbound', 'backend', 'outbound', 'on-error']);
    assert.equal(outbound.text.split('\n')[outbound.firstLine - 1], '    <outbound>');
  });

  it('expands an elision and patches a Bad example with the lines of a Good one', () => {
    assert.equal(expandElisions('<i t="{{p-08}}" />\n<!-- … one per partner … -->\n<i t="{{p-11}}" />'), '<i t="{{p-08}}" />\n<i t="{{p-09}}" />\n<i t="{{p-10}}" />\n<i t="{{p-11}}" />');
    const bad = "resource x 'y' = {\n  properties: {\n    a: 1\n  }\n  data: 2 // old\n}\n";
    assert.equal(applyPatch(bad, 'data: 3\n'), "resource x 'y' = {\n  properties: {\n    a: 1\n  }\n  data: 3\n}\n");
    assert.equal(applyPatch(bad, '  properties: {\n    b: 1\n  }\n'), "resource x 'y' = {\n  properties: {\n    b: 1\n  }\n  data: 2 // old\n}\n");
    assert.throws(() => applyPatch(bad, 'sku: 1\n'), /0 lines of the Bad example match/);
  });

  it('reads every page', () => {
    assert.ok(fs.existsSync(CLI), 'dist/cli.js is built');
    assert.ok(linted.length >= ruleCatalog.length * 2, `${linted.length} examples linted`);
  });
});
