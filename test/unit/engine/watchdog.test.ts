import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_CONFIG, type LintConfig } from '../../../server/src/engine/config';
import { Workspace } from '../../../server/src/engine/workspace';
import { allRules } from '../../../server/src/rules';
import type { PolicyRule, Rule } from '../../../server/src/rules/types';
import { INLINE_POLICY, inlinePolicyBicep } from '../rules/bicep-service.fixtures';
import { TestClient } from '../../lsp/client';
import { hangRule } from './hang-rule';
import { apimServiceBicep, makeTempDir, repoRoot, VALIDATING_POLICY } from '../../helpers';

// A rule that never returns stands for one that is quadratic on an input nobody foresaw: the budget checked between
// rules can't end it; V8's watchdog must (server/src/engine/watchdog.ts). Each test here would hang (and time out)
// without it.

const ROOT = path.resolve('/watchdog-ws');
const HANG_POLICY = '<policies><inbound><base /><!-- HANG --></inbound></policies>';

/** Reports once, then never returns on a text holding HANG. */
const hang = hangRule('hang', 'before the hang');

/** Reports once per policy (for the rules around the hanging one). */
const once = (id: string): PolicyRule => ({
  id,
  target: 'policy',
  defaultLevel: 'warning',
  description: id,
  check: (ctx) => ctx.report({ span: { start: 0, end: 1 }, message: id }),
});

function workspace(config: Partial<LintConfig>, rules: Rule[] = [once('before'), hang, once('after')]): Workspace {
  return new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG, ...config }, problems: [] }), rules });
}

const cli = path.join(repoRoot, 'out', 'server', 'src', 'cli', 'main.js');
/** Adds the rule `test-hang` to the CLI or server it is preloaded into (not imported here: it would add it to this process). */
const preload = path.join(__dirname, 'hang-rule-preload.js');
const HANG_RULE_ID = 'test-hang';

describe('a rule still running when its file is out of time is stopped', { timeout: 60_000 }, () => {
  it('the file keeps what was found before, says which rule was stopped and which did not run; the next file is linted in full', () => {
    const ws = workspace({ fileTimeBudgetMs: 200 });
    const stuck = path.join(ROOT, 'stuck.xml');
    const fine = path.join(ROOT, 'fine.xml');
    ws.set(stuck, { text: HANG_POLICY });
    ws.set(fine, { text: '<policies><inbound><base /></inbound></policies>' });
    const result = ws.lint(stuck);
    assert.deepEqual(result.findings.map((f) => `${f.ruleId}: ${f.message}`), ['before: before', 'hang: before the hang']);
    assert.equal(result.notices.length, 1);
    assert.match(result.notices[0]!, /time budget \(200 ms; \d+ ms so far\), so rule hang was stopped before it finished, and 1 rule was not run on it: after\./);
    assert.deepEqual(ws.lint(fine).findings.map((f) => f.ruleId), ['after', 'before'], 'every rule runs on the next file');
    // Stopped again (not a half-made lint kept from the first time).
    assert.match(ws.lint(stuck).notices[0]!, /rule hang was stopped/);
  });

  it('stopped between two rules, before the next had started: that rule and those after it are told as not run', () => {
    // The stop lands in the loop between rules (its budget check), not in a rule: \`performance.now()\` never returns once.
    let hangNextClock = false;
    const now = performance.now.bind(performance);
    const first: PolicyRule = { ...once('first'), check: (ctx) => (once('first').check(ctx), (hangNextClock = true)) };
    const ws = workspace({ fileTimeBudgetMs: 200 }, [first, once('second'), once('third')]);
    const file = path.join(ROOT, 'between.xml');
    ws.set(file, { text: '<policies><inbound><base /></inbound></policies>' });
    performance.now = () => {
      if (hangNextClock) {
        hangNextClock = false;
        for (;;) {
          // never returns
        }
      }
      return now();
    };
    let result;
    try {
      result = ws.lint(file);
    } finally {
      performance.now = now;
    }
    assert.deepEqual(result.findings.map((f) => f.ruleId), ['first']);
    assert.equal(result.notices.length, 1);
    assert.match(result.notices[0]!, /, so 2 rules were not run on it: second, third\./);
  });

  it('after a stop, what the rules share is made again: the findings of a real workspace are those of a fresh one', () => {
    const files: [string, string][] = [
      [path.join(ROOT, 'infra', 'main.bicep'), apimServiceBicep("'StandardV2'", '../policies/global.xml')],
      [path.join(ROOT, 'policies', 'global.xml'), VALIDATING_POLICY],
      [path.join(ROOT, 'policies', 'stuck.xml'), HANG_POLICY],
    ];
    const linted = (rules: Rule[]) => {
      const ws = workspace({ fileTimeBudgetMs: 300 }, rules);
      for (const [file, text] of files) ws.set(file, { text });
      ws.lint(files[2]![0]);
      return files.slice(0, 2).map(([file]) => ws.lint(file).findings.map((f) => `${f.ruleId} ${f.span.start}`));
    };
    const withStop = linted([hang, ...allRules]);
    const fresh = linted([...allRules]);
    assert.ok(withStop[1]!.some((f) => f.startsWith('validate-trust-unsupported-tier')), 'the tier still comes from the Bicep');
    assert.deepEqual(withStop, fresh);
  });

  it("a policy in a Bicep string: the stopped rule's findings in the string are dropped, not misplaced", () => {
    const ws = workspace({ fileTimeBudgetMs: 200 }, [hang, ...allRules]);
    const bicep = path.join(ROOT, 'inline.bicep');
    const text = inlinePolicyBicep(`'''\n${INLINE_POLICY.replace('<inbound>', '<inbound><!-- HANG -->')}'''`);
    ws.set(bicep, { text });
    const result = ws.lint(bicep);
    assert.ok(!result.findings.some((f) => f.ruleId === 'hang'), 'its finding was placed in the string, not yet in the file');
    for (const f of result.findings) assert.ok(f.span.end <= text.length);
    assert.match(result.notices.join('\n'), /rule hang was stopped before it finished/);
  });

  it("a policy in a Bicep string: stopped while its findings are moved into the Bicep file, they are dropped, not left in the string's offsets", () => {
    // A finding whose span can't be read once its rule has returned: the budget runs out while the engine moves the
    // findings of the string into the file, as it may with many findings or suppression comments there.
    let returned = false;
    let hung = false;
    const late: PolicyRule = {
      ...once('late'),
      check(ctx) {
        const start = ctx.text.indexOf('<inbound>');
        const span = {
          get start(): number {
            if (returned && !hung) {
              hung = true;
              for (;;) {
                // never returns
              }
            }
            return start;
          },
          end: start + 9,
        };
        ctx.report({ span, message: 'in the string' });
        returned = true;
      },
    };
    const ws = workspace({ fileTimeBudgetMs: 200 }, [late]);
    const bicep = path.join(ROOT, 'inline-late.bicep');
    ws.set(bicep, { text: inlinePolicyBicep(`'''\n${INLINE_POLICY}'''`) });
    const result = ws.lint(bicep);
    assert.ok(hung, 'stopped while the findings were moved');
    assert.deepEqual(result.findings.map((f) => f.ruleId), [], 'its finding, still in the offsets of the string, is dropped');
    assert.match(result.notices.join('\n'), /time budget \(200 ms/);
  });
});

describe('Workspace.lintAll: one time limit around many lints (the CLI, a language-server slice)', { timeout: 60_000 }, () => {
  it('a file starts only with its whole budget left under the limit, or under a new one; still running at the limit, it is stopped; the others are linted once', () => {
    // The limit is the default budget (3 s) and a quarter: after the 1.5 s of the first file, the stuck one waits for
    // a new limit, under which it has its whole budget.
    const busyOnA: PolicyRule = {
      ...once('busy'),
      check(ctx) {
        if (path.basename(ctx.file) !== 'a.xml') return;
        const until = performance.now() + 1500;
        while (performance.now() < until) {
          // busy
        }
      },
    };
    const ws = workspace({}, [once('before'), busyOnA, hang, once('after')]);
    const files = ['a.xml', 'b-stuck.xml', 'c.xml'].map((n) => path.join(ROOT, n));
    for (const f of files) ws.set(f, { text: f.includes('stuck') ? HANG_POLICY : '<policies><inbound><base /></inbound></policies>' });
    const results = new Map<string, string[]>();
    const linted: string[] = [];
    const cuts: (string | undefined)[] = [];
    let i = 0;
    ws.lintAll(
      () => {
        if (i >= files.length) return false;
        const file = files[i]!;
        linted.push(path.basename(file));
        const r = ws.lint(file);
        results.set(path.basename(file), [...r.findings.map((f) => f.ruleId), ...r.notices]);
        i++;
        return true;
      },
      (file) => cuts.push(file && path.basename(file)),
    );
    assert.deepEqual(cuts, [undefined, 'b-stuck.xml'], 'a new limit for the stuck file, then the cut that stops it');
    assert.deepEqual(linted, ['a.xml', 'b-stuck.xml', 'b-stuck.xml', 'b-stuck.xml', 'c.xml'], 'asked for again after each; the last time its stopped lint is given');
    const notice = results.get('b-stuck.xml')!.at(-1)!;
    assert.match(notice, /time budget \(3000 ms; (\d+) ms so far\), so rule hang was stopped before it finished, and 1 rule was not run on it: after\./);
    assert.ok(Number(/; (\d+) ms so far/.exec(notice)![1]) >= 3000, 'it had its whole budget');
    assert.deepEqual(results.get('c.xml'), ['after', 'before']);
  });

  it('cut between lints (work that is no file\'s), it goes on under a limit twice as long', () => {
    const ws = workspace({});
    const file = path.join(ROOT, 'a.xml');
    ws.set(file, { text: '<policies><inbound><base /></inbound></policies>' });
    const cuts: (string | undefined)[] = [];
    let calls = 0;
    let result: string[] = [];
    ws.lintAll(
      () => {
        calls++;
        if (calls === 1) for (;;) {
          // held outside any lint
        }
        result = ws.lint(file).findings.map((f) => f.ruleId);
        return false;
      },
      (f) => cuts.push(f),
    );
    // One cut; the lint then runs under a limit twice as long (and one of its own, for its budget).
    assert.deepEqual(cuts, [undefined]);
    assert.equal(calls, 2);
    assert.deepEqual(result, ['after', 'before']);
  });
});

describe('through the CLI and the language server, with a rule that never returns', { timeout: 120_000 }, () => {
  const dir = makeTempDir('watchdog');
  fs.mkdirSync(path.join(dir, 'policies'));
  fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ fileTimeBudgetMs: 300 }));
  fs.writeFileSync(path.join(dir, 'policies', 'a-stuck.xml'), HANG_POLICY);
  // Linted after the stuck one: with a finding of its own (PEM markers are not needed: a v2 tier and validate-trust).
  fs.writeFileSync(path.join(dir, 'main.bicep'), apimServiceBicep("'BasicV2'", 'policies/z-fine.xml'));
  fs.writeFileSync(path.join(dir, 'policies', 'z-fine.xml'), VALIDATING_POLICY);

  it('apim-mtls lint ends, reports the stop as a notice on that file, and lints the rest', () => {
    const run = spawnSync(process.execPath, ['--require', preload, cli, 'lint', dir, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.signal, null, `the CLI was killed (timed out): ${run.stderr}`);
    // ESLint's JSON shape: a notice is a message without a rule id.
    const reports = JSON.parse(run.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
    const messages = (name: string) => reports.find((r) => path.basename(r.filePath) === name)?.messages ?? [];
    assert.ok(messages('a-stuck.xml').some((m) => m.ruleId === null && m.message.includes(`rule ${HANG_RULE_ID} was stopped before it finished`)), run.stdout);
    assert.ok(messages('z-fine.xml').some((m) => m.ruleId === 'validate-trust-unsupported-tier'), run.stdout);
    assert.equal(run.status, 1, 'the errors found are still counted');
  });

  it('the language server publishes the stop, and keeps answering for the other files', async () => {
    const client = await TestClient.start(dir, { preload });
    try {
      const stuck = path.join(dir, 'policies', 'a-stuck.xml');
      const fine = path.join(dir, 'policies', 'z-fine.xml');
      client.open(stuck, HANG_POLICY);
      const diagnostics = await client.waitFor(stuck, (d) => d.some((x) => /was stopped before it finished/.test(String(x.message))), 30_000);
      assert.ok(diagnostics.some((d) => d.code === HANG_RULE_ID), 'the finding made before the stop is kept');
      client.open(fine, VALIDATING_POLICY);
      await client.waitFor(fine, (d) => d.some((x) => x.code === 'validate-trust-unsupported-tier'), 30_000);
      client.change(stuck, HANG_POLICY.replace('<base />', '<base /> '));
      // Linted again after an edit (the finding moves with the text), and stopped again.
      await client.waitFor(stuck, (d) => d.some((x) => /was stopped before it finished/.test(String(x.message))) && d.some((x) => x.code === HANG_RULE_ID && x.range.start.character === HANG_POLICY.indexOf('HANG') + 1), 30_000);
    } finally {
      await client.stop();
    }
  });

  it("the language server, cut while it publishes a configuration file's problems, publishes them when it goes on", async () => {
    // Turning them into diagnostics never ends the first time (hang-config-diagnostics.ts): the limit around the slice
    // cuts it there, and the file being published is published again.
    const plain = makeTempDir('watchdog-config');
    const config = path.join(plain, '.apim-mtls.json');
    fs.writeFileSync(config, JSON.stringify({ fileTimeBudgetMs: -1 }));
    fs.writeFileSync(path.join(plain, 'a.xml'), '<policies><inbound><base /></inbound></policies>');
    const client = await TestClient.start(plain, { preload: path.join(__dirname, 'hang-config-diagnostics.js') });
    try {
      await client.waitFor(config, (d) => d.some((x) => /fileTimeBudgetMs/.test(String(x.message))), 30_000);
    } finally {
      await client.stop();
    }
  });

  it('with the default budget, the limit around a slice of the server cuts the stuck file: it goes back to its queue, is published with the stop, and the next file is linted', async () => {
    const plain = makeTempDir('watchdog-default');
    const stuck = path.join(plain, 'a-stuck.xml');
    const fine = path.join(plain, 'b-fine.xml');
    fs.writeFileSync(stuck, HANG_POLICY);
    fs.writeFileSync(fine, VALIDATING_POLICY.replace('{{t}}', '12AB'));
    const client = await TestClient.start(plain, { preload });
    try {
      // Both files are linted from disk when the server starts: the stuck one first, in the same slice as the other.
      const diagnostics = await client.waitFor(stuck, (d) => d.some((x) => /time budget \(3000 ms/.test(String(x.message))), 60_000);
      assert.ok(diagnostics.some((d) => d.code === HANG_RULE_ID));
      await client.waitFor(fine, (d) => d.some((x) => x.code === 'thumbprint-format'), 30_000);
    } finally {
      await client.stop();
    }
  });
});
