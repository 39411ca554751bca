import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigResolver, DEFAULT_CONFIG } from '../../../server/src/engine/config';
import { Workspace, type LintResult } from '../../../server/src/engine/workspace';
import { allRules } from '../../../server/src/rules';
import type { Sku } from '../../../server/src/model/sku';
import { fixturesDir, makeTempDir, removeTempDir, repoRoot } from '../../helpers';
import { parsePolicy } from '../../../server/src/parsers/policy/parse';
import type { PolicyDocument, PolicyElement } from '../../../server/src/parsers/policy/types';
import { unguardedUses } from '../../../server/src/rules/util/certificate-flow';
import { policyThumbprints } from '../../../server/src/rules/util/certificate-references';
import { thumbprintCase } from '../../../server/src/rules/thumbprint-case';
import { thumbprintFormat } from '../../../server/src/rules/thumbprint-format';
import { thumbprintComparisons } from '../../../server/src/rules/util/thumbprints';
import type { PolicyRuleContext } from '../../../server/src/rules/types';
import { expressionsPinOrVerifyForEveryRequest } from '../../../server/src/rules/util/certificate-names';
import { hasPlaceholder } from '../../../server/src/rules/util/placeholder';
import { deepGuardedChooses, deepReads, fuzzCount, fuzzSeed, hostileIdentities, hostilePolicies, hostileWorkspace, manyWhenGuards, NORMAL_POLICY } from './hostile';

/** Generous: this catches hangs and runaway work, not speed (the benchmark measures speed). */
const BUDGET_MS = 5000;
const ROOT = path.resolve('/fuzz-ws');

function normalFindings(ws: Workspace): string[] {
  return ws.lint(path.join(ROOT, 'normal', 'normal.policy.xml')).findings.map((f) => `${f.ruleId}@${f.span.start}-${f.span.end}`);
}

test('fuzz: Workspace.lint answers every hostile file within budget, and a normal file keeps its findings', () => {
  const config = new ConfigResolver();
  const clean = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  clean.set(path.join(ROOT, 'normal', 'normal.policy.xml'), { text: NORMAL_POLICY });
  const expected = normalFindings(clean);
  assert.ok(expected.length > 0, 'the normal policy has a finding to compare');

  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  ws.set(path.join(ROOT, 'normal', 'normal.policy.xml'), { text: NORMAL_POLICY });
  for (const [name, bytes] of hostileWorkspace(fuzzSeed(11), fuzzCount(150))) ws.set(path.join(ROOT, name), { bytes });
  // The normal policy first: the workspace-wide indexes (the Bicep model, every certificate file) are built on the way,
  // outside its budget, and it keeps its findings (charged to it, they silenced it).
  const indexStart = performance.now();
  assert.deepEqual(normalFindings(ws), expected);
  const indexMs = performance.now() - indexStart;
  assert.ok(indexMs < BUDGET_MS * 2, `indexing the hostile workspace took ${Math.round(indexMs)} ms`);
  for (const file of ws.files()) {
    const start = performance.now();
    let result;
    try {
      result = ws.lint(file, { certificateRules: true });
    } catch (e) {
      assert.fail(`${file} (seed ${fuzzSeed(11)}): lint threw ${(e as Error)?.stack}`);
    }
    const ms = performance.now() - start;
    assert.ok(ms < BUDGET_MS, `${file}: ${Math.round(ms)} ms (budget ${BUDGET_MS} ms)`);
    for (const n of result.notices) assert.ok(!/failed on this file/.test(n) || /rule /.test(n), n);
    const failed = result.notices.filter((n) => /^rule .* failed on this file/.test(n));
    if (failed.length) console.log(`# rule failures (report to the rule owners) on ${path.basename(file)}: ${failed.join(' | ').slice(0, 300)}`);
  }
  assert.deepEqual(normalFindings(ws), expected);
});

/**
 * Lints one of `hostilePolicies()` alone (with the others named in `context`), with every rule, in a fresh workspace;
 * `skus`: the tiers to assume.
 */
function lintHostile(name: string, ...context: (string | { skus: Sku[] })[]): LintResult {
  const config = new ConfigResolver();
  const skus = context.find((c) => typeof c !== 'string')?.skus;
  const configFor = skus ? () => ({ config: { ...DEFAULT_CONFIG, skus }, problems: [] }) : (f: string) => config.forFile(f);
  const ws = new Workspace({ configFor, rules: allRules });
  for (const n of [name, ...context.filter((c) => typeof c === 'string')]) {
    const policy = hostilePolicies().find((p) => p.name === n);
    assert.ok(policy, n);
    ws.set(path.join(ROOT, n), { text: policy.text });
  }
  return ws.lint(path.join(ROOT, name));
}

/** Lints a policy alone with every rule, in a fresh workspace (as `lintHostile`, for a text made by the test). */
function lintText(name: string, text: string): LintResult {
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  ws.set(path.join(ROOT, name), { text });
  return ws.lint(path.join(ROOT, name));
}

test('regression: a condition of 40,000 `&&` parts, and 64,000 certificate reads before 64,000 null tests: certificate-null-check answers within the budget', () => {
  const C = 'context.Request.Certificate';
  const n = 40_000;
  const conjunction = `<policies><inbound><choose><when condition="@{ var c = ${C}; return (${Array(n).fill('c != null').join(' || ')}) ${'&amp;&amp; a '.repeat(n)}; }"><set-variable name="a" value="b" /></when><otherwise><return-response><set-status code="401" /></return-response></otherwise></choose><set-variable name="s" value="@(${C}.Subject)" /></inbound></policies>`;
  const m = 64_000;
  const late = `<policies><inbound><validate-client-certificate /><set-variable name="s" value="@{ var c = ${C}; var s = ${'c.Subject + '.repeat(m)}&quot;&quot;; return s + ${'(c == null) + '.repeat(m)}&quot;&quot;; }" /></inbound></policies>`;
  // Before: each `&&` part looked for among all the null tests (5 s), each read asked about every null test (10 s).
  const [a, b] = [lintText('many-parts.policy.xml', conjunction), lintText('late-tests.policy.xml', late)];
  assert.deepEqual([a.notices, b.notices], [[], []]);
  // A disjunction is not taken to test the certificate: the read after the <choose> is reported. After the validation,
  // the reads are not.
  assert.equal(a.findings.filter((f) => f.ruleId === 'certificate-null-check').length, 1);
  assert.equal(b.findings.filter((f) => f.ruleId === 'certificate-null-check').length, 0);
});

test('regression: a guard 50,000 brackets or 20,000 `&&` deep is judged whole: no rule fails, no rule is skipped', () => {
  for (const name of ['deep-guard-0.policy.xml', 'deep-guard-1.policy.xml']) {
    const r = lintHostile(name);
    // Before: the rule overflowed the stack (a notice), or took 9 s and the rules after it were skipped (a notice).
    assert.deepEqual(r.notices, [], name);
    // `!= null` under its brackets, with the <otherwise> answering 401: the read after the <choose> is guarded.
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'certificate-null-check'), [], name);
  }
});

test('regression: 5,000 expressions after 250,000 `&`s, and 8,000 set-headers before 8,000 header reads: forwarded-certificate-header is not skipped', () => {
  for (const name of ['many-expressions-after-ampersands.policy.xml', 'many-set-headers-and-reads.policy.xml']) {
    const r = lintHostile(name);
    // Before: the text searched for `&#` once per expression (9 s), every set-header searched once per read (5 s): the
    // 14 rules after it were skipped for the time budget (a notice).
    assert.deepEqual(r.notices, [], name);
    // The read of X-ARR-ClientCert, with nothing that checks the caller: one finding, at the first read.
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'forwarded-certificate-header').length, 1, name);
  }
});

test('regression: <choose> nested 3,000 deep is judged whole by certificate-null-check (it overflowed the stack)', () => {
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  const deep = deepGuardedChooses(3000);
  assert.equal(deep.length, 2);
  for (const { name, text } of deep) {
    const file = path.join(ROOT, name);
    ws.set(file, { text });
    const r = ws.lint(file);
    // Before: 'rule certificate-null-check failed on this file: Maximum call stack size exceeded'.
    assert.deepEqual(r.notices, [], name);
    // Every branch but the `!= null` one answers 401 at every level: no read is unguarded.
    assert.deepEqual(r.findings.filter((f) => f.ruleId === 'certificate-null-check'), [], name);
  }
});

/** The document, with every read of an element's name, parent or span counted in `reads.n`. */
function countedPolicy(text: string, reads: { n: number }): PolicyDocument {
  const doc = parsePolicy(text);
  const stack: PolicyElement[] = doc.root ? [doc.root] : [];
  while (stack.length > 0) {
    const el = stack.pop()!;
    stack.push(...el.children);
    for (const key of ['name', 'parent', 'span'] as const) {
      const value = el[key];
      Object.defineProperty(el, key, { get: () => (reads.n++, value) });
    }
  }
  return doc;
}

test('regression: the certificate guards of a policy are looked up in work linear in its <when>s and reads', () => {
  // Counted, not timed. Before: each `<when>` null test was a closure asked about every read (reads × whens), and each
  // `<when>` of a "go on with a certificate, else 401" <choose> looked at all its siblings (whens²): millions of reads.
  const n = 2000;
  const unguarded = { n: 0 };
  const many = countedPolicy(manyWhenGuards(n)[0]!.text, unguarded);
  assert.equal(unguardedUses(many).length, n);
  assert.ok(unguarded.n < 100 * n, `${unguarded.n} element reads for ${n} <when> null tests and ${n} reads`);

  const siblings = { n: 0 };
  const returning = '<return-response><set-status code="401" /></return-response>';
  const whens = Array.from({ length: n }, (_, i) => `<when condition="@(context.Request.Certificate != null &amp;&amp; ${i} == 1)">${returning}</when>`).join('');
  const guarded = countedPolicy(
    `<policies><inbound><choose>${whens}<when condition="@(context.Request.Certificate != null)"><set-variable name="a" value="b" /></when><otherwise>${returning}</otherwise></choose><set-variable name="s" value="@(context.Request.Certificate.Subject)" /></inbound></policies>`,
    siblings,
  );
  assert.deepEqual(unguardedUses(guarded), []);
  assert.ok(siblings.n < 100 * n, `${siblings.n} element reads for ${n + 2} sibling branches`);
});

test('regression: an allow-list in a local read at every check: its literals are looked at once, not reads × items', () => {
  // Counted, not timed. Before: each read carried the list's literals again and every consumer went over them (2,000
  // reads of 2,000 items: identity-claims-mismatch 12 s, certificate-expired 9 s, certificate-expiring 8 s).
  const n = 2000;
  const tp = (i: number): string => i.toString(16).padStart(40, 'a');
  const list = Array.from({ length: n }, (_, i) => `&quot;${tp(i)}&quot;`).join(', ');
  const checks = 'if (allowed.Contains(context.Request.Certificate?.Thumbprint)) { return true; } '.repeat(n);
  const doc = parsePolicy(`<policies><inbound><set-variable name="v" value="@{ var allowed = new[] { ${list} }; ${checks} return false; }" /></inbound></policies>`);
  const reads = { n: 0 };
  for (const expression of doc.expressions) {
    for (const token of expression.tokens) {
      if (token.kind !== 'string') continue;
      const value = token.value;
      Object.defineProperty(token, 'value', { get: () => (reads.n++, value) });
    }
  }
  const findings: string[] = [];
  const ctx = { doc, text: doc.text, file: path.join(ROOT, 'allowed.policy.xml'), report: (r: { message: string }) => void findings.push(r.message) } as unknown as PolicyRuleContext;
  // The lower-case hex (a…) never matches an upper-case Thumbprint: every item once, from its first check.
  thumbprintCase.check(ctx);
  assert.equal(findings.length, n);
  thumbprintFormat.check(ctx);
  assert.equal(policyThumbprints(doc).length, n);
  assert.ok(reads.n < 20 * n, `${reads.n} reads of the literals' values for ${n} items read ${n} times`);
});

test('regression: calls nested or chained thousands deep are read in work linear in their tokens', () => {
  // Counted, not timed. Before: each call looked for its brackets' pairs again, over all the levels inside it (2,000
  // nested `.Any(c => …)` took 0.6 s, 10,000 took 16 s; 8,000 nested `.Equals(`: 10 s, and 1.2 s in the null-check's
  // `?.` analysis), and each call of an 8,000-link chain took the whole chain before it as its receiver (7 s).
  const T = 'context.Request.Certificate?.Thumbprint';
  const tp = 'a'.repeat(40);
  const n = 2000;
  const shapes: [string, string][] = [
    ['nested Any', `${`new[] { &quot;${tp}&quot; }.Any(c =&gt; `.repeat(n)}c == ${T}${')'.repeat(n)}`],
    ['nested initializers', `${'new[] { '.repeat(n)}&quot;${tp}&quot;${` }.Contains(${T})`.repeat(n)}`],
    ['nested Equals', `${`${T}.Equals(`.repeat(n)}&quot;x&quot;${')'.repeat(n)}`],
    ['a chain of Equals', `${T}${'.Equals(&quot;x&quot;)'.repeat(n)}`],
  ];
  for (const [name, code] of shapes) {
    const doc = parsePolicy(`<policies><inbound><set-variable name="v" value="@(${code})" /></inbound></policies>`);
    const reads = { n: 0 };
    let tokens = 0;
    for (const expression of doc.expressions) {
      for (const token of expression.tokens) {
        tokens++;
        const text = token.text;
        Object.defineProperty(token, 'text', { get: () => (reads.n++, text) });
      }
    }
    thumbprintComparisons(doc);
    unguardedUses(doc);
    // 15 to 80 reads a token now (a chain's receivers are read back 512 links at most); before, over 2,000.
    assert.ok(reads.n < 200 * tokens, `${name}: ${reads.n} reads of ${tokens} tokens`);
  }
});

test('regression: the guards above certificate reads nested deep are looked up in work linear in the depth', () => {
  // Counted, not timed. Before: each read walked all its ancestors looking for a guarding <when> (depth² element reads:
  // 16,000 reads 16,000 `<choose><when>` deep took 2.4–3.5 s in certificate-null-check).
  const n = 2000;
  const [unguarded, guarded] = deepReads(n).map(({ name, text }) => ({ name, reads: { n: 0 }, text }));
  for (const [c, expected] of [[unguarded!, n], [guarded!, 0]] as const) {
    const doc = countedPolicy(c.text, c.reads);
    assert.equal(unguardedUses(doc).length, expected, c.name);
    // About 140 per read (the short walk of 32 ancestors before the memo, and the rest of the analysis); before, 14 million.
    assert.ok(c.reads.n < 500 * n, `${c.name}: ${c.reads.n} element reads for ${n} reads ${n} levels deep`);
  }
});

test('regression: identity attributes of runs of spaces or of template openings are judged whole: no rule is skipped', () => {
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  const found: Record<string, string[]> = {};
  for (const { name, text } of hostileIdentities()) {
    const file = path.join(ROOT, name);
    ws.set(file, { text });
    const r = ws.lint(file);
    // Before: 'Linting this file took longer than its time budget …, so 8 rules were not run on it' (33 s and 10 s).
    assert.deepEqual(r.notices, [], name);
    found[name] = r.findings.filter((f) => f.ruleId === 'identity-dn-format').map((f) => f.fixes?.[0]?.title.replace(/ {2,}/, ' … ') ?? '');
  }
  assert.deepEqual(found, { 'common-name-spaces.policy.xml': ['Write common-name="a … b"'], 'many-template-openings.policy.xml': [] });
  // A template's `${…}` is a placeholder wherever its `}` comes; an opening never closed is none.
  assert.equal(hasPlaceholder('${'.repeat(40000)), false);
  assert.equal(hasPlaceholder(`${'${'.repeat(40000)}}`), true);
  assert.equal(hasPlaceholder('a}b${c'), false);
  assert.equal(hasPlaceholder('CN=${cn}, O=x'), true);
  assert.equal(hasPlaceholder('#{Token}#'), true);
  assert.equal(hasPlaceholder('%{ a'), false);
});

test('regression: whether a pin is met by every request asks each <choose> once, not again for each of its <when>s', () => {
  // Counted, not timed. Before: each `<when>` condition looked at all the `<when>`s before it (whens²): 4,000 of them
  // took 3.8 s and 24 rules were skipped.
  const n = 2000;
  const reads = { n: 0 };
  const whens = Array.from({ length: n }, (_, i) => `<when condition="@(context.Request.Headers.GetValueOrDefault(&quot;x&quot;, &quot;&quot;) == &quot;${i}&quot;)"><return-response><set-status code="403" /></return-response></when>`).join('');
  const doc = countedPolicy(`<policies><inbound><choose>${whens}</choose></inbound></policies>`, reads);
  assert.equal(expressionsPinOrVerifyForEveryRequest(doc), false);
  assert.ok(reads.n < 100 * n, `${reads.n} element reads for ${n} <when>s`);
});

/** A service, `n` inline policies of its API 'orders' (by path) and `n` operation policies under it that read the certificate after <base />. */
function manyPoliciesOfOneApi(n: number): string {
  const policy = (inbound: string): string => `'<policies><inbound><base />${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>'`;
  const resources = [
    "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim-x'\n  location: 'westeurope'\n  sku: { name: 'Developer', capacity: 1 }\n  properties: { publisherEmail: 'a@b.c', publisherName: 'x' }\n}",
    ...Array.from({ length: n }, (_, i) => `resource p${i} 'Microsoft.ApiManagement/service/apis/policies@2024-05-01' = {\n  name: 'apim-x/orders/policy'\n  properties: { format: 'rawxml', value: ${policy(`<set-header name="a${i}" exists-action="override"><value>x</value></set-header>`)} }\n}`),
    ...Array.from({ length: n }, (_, i) => `resource o${i} 'Microsoft.ApiManagement/service/apis/operations/policies@2024-05-01' = {\n  name: 'apim-x/orders/op${i}/policy'\n  properties: { format: 'rawxml', value: ${policy('<set-header name="s" exists-action="override"><value>@(context.Request.Certificate.Subject)</value></set-header>')} }\n}`),
  ];
  return `${resources.join('\n')}\n`;
}

test('regression: 400 policies of one API above each of 400 operations are gathered without comparing each with the others', () => {
  // Counted, not timed: the elements Array.prototype.includes scans while the file is linted. Each operation's API
  // policies were deduplicated by includes (n² per operation: 1,000 of each took 5 s and 30 rules were skipped).
  const n = 400;
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  const file = path.join(ROOT, 'infra', 'many-api-policies.bicep');
  ws.set(file, { text: manyPoliciesOfOneApi(n) });
  const includes = Array.prototype.includes;
  let scanned = 0;
  Array.prototype.includes = function (this: unknown[], ...args: [unknown, number?]) {
    scanned += this.length;
    return includes.apply(this, args);
  };
  let r;
  try {
    r = ws.lint(file);
  } finally {
    Array.prototype.includes = includes;
  }
  assert.deepEqual(r.notices, []);
  // Every operation reads the certificate with no check above it.
  assert.equal(r.findings.filter((f) => f.ruleId === 'certificate-null-check').length, n);
  assert.ok(scanned < 100 * n, `includes scanned ${scanned} elements for ${n} API and ${n} operation policies`);
});

/**
 * Hostile policies that once held one rule past the file's time budget (so the rules after it were skipped, with a
 * notice), each linted alone with what it needs: no notice now, and the rule still reports what it should.
 */
const WITHIN_BUDGET: { title: string; lint: Parameters<typeof lintHostile>; before: string; rule: string; findings: number; why: string }[] = [
  {
    title: '1,000 header deletes before 1,000 reads: header-read-after-delete answers within the budget',
    lint: ['many-deletes-and-reads.policy.xml'],
    before: 'Before: every later expression and every set-header searched per delete (16 s): rules skipped (a notice).',
    rule: 'header-read-after-delete',
    findings: 1000,
    why: 'Each header is read after its delete: one finding per read.',
  },
  {
    title: '10,000 validate-client-certificate ignore-error="true" among 10,000 expressions: ignore-error-enabled answers within the budget',
    lint: ['many-ignored-validations.policy.xml'],
    before: 'Before: the text and every expression searched per element (8 s): rules skipped (a notice).',
    rule: 'ignore-error-enabled',
    findings: 1,
    why: 'context.LastError is read after all but the last one: that one is reported.',
  },
  {
    title: 'one expression of 4,000 `Headers["x"] == null` tests: indexer-null-check answers within the budget',
    lint: ['many-indexer-null-tests.policy.xml'],
    before: 'Before: the expression searched for ContainsKey once per test (26 s): rules skipped (a notice).',
    rule: 'indexer-null-check',
    findings: 4000,
    why: 'Every test is reported.',
  },
  {
    title: '5,000 certificate uses before 5,000 `<when>` null tests: certificate-null-check answers within the budget',
    lint: ['many-uses-before-null-tests.policy.xml'],
    before: 'Before: every guard asked of every expression, and each <when> going through its 10,000 siblings: rules skipped (a notice).',
    rule: 'certificate-null-check',
    findings: 5000,
    why: 'The null tests come after the uses: every use is reported.',
  },
  {
    title: '10,000 unknown attributes on validate-client-certificate: policy-attributes answers within the budget',
    lint: ['many-unknown-attributes.policy.xml'],
    before: 'Before: the element\'s attributes listed again per unknown one (over 10 s): rules skipped (a notice).',
    rule: 'policy-attributes',
    findings: 10000,
    why: 'Every unknown attribute is reported.',
  },
  {
    title: '20,000 validate-client-certificate under 20,000 nested elements in <outbound>: policy-section answers within the budget',
    lint: ['many-checks-in-deep-outbound.policy.xml'],
    before: 'Before: each element\'s section found through all its ancestors (5 s): rules skipped (a notice).',
    rule: 'policy-section',
    findings: 20000,
    why: 'Every one is outside <inbound>.',
  },
  {
    title: 'an operation policy without <base /> under an API policy of 16,000 validate-client-certificate 16,000 deep in <outbound>: base-omitted answers within the budget',
    lint: ['apis/deep/operations/op/policy.xml', 'apis/deep/policy.xml'],
    before: 'Before: each element asked whether it is in <inbound> through all its ancestors (17 s): rules skipped (a notice).',
    rule: 'base-omitted',
    findings: 1,
    why: 'The API policy\'s <when> on the certificate is skipped for this operation.',
  },
  {
    title: 'an operation policy deciding on dates after <base /> under that API policy: context-certificate-not-verified answers within the budget',
    lint: ['apis/deep/operations/dates/policy.xml', 'apis/deep/policy.xml'],
    before: 'Before: each element of the API policy asked whether it is in <inbound> through all its ancestors (18 s): rules skipped (a notice).',
    rule: 'context-certificate-not-verified',
    findings: 1,
    why: 'The API policy\'s inbound neither validates nor pins the certificate: the dates-only decision is reported.',
  },
  {
    title: '16,000 validate-client-certificate ignore-error="true" under 16,000 nested elements: ignore-error-enabled answers within the budget',
    lint: ['many-ignored-validations-deep.policy.xml'],
    before: 'Before: each element\'s section looked for through all its ancestors (39 s): rules skipped (a notice).',
    rule: 'ignore-error-enabled',
    findings: 16000,
    why: 'Nothing reads context.LastError: every one is reported.',
  },
  {
    title: '32,000 set-headers under 32,000 nested elements: forwarded-certificate-header answers within the budget',
    lint: ['many-set-headers-deep.policy.xml'],
    before: 'Before: each set-header walked up to the root to see whether it is in a <when> (7 s): rules skipped (a notice).',
    rule: 'forwarded-certificate-header',
    findings: 1,
    why: 'The read of X-ARR-ClientCert, with nothing that checks the caller.',
  },
  {
    title: '16,000 Verify() calls under 16,000 nested elements on Consumption: chain-verify-unsupported-tier answers within the budget',
    lint: ['many-verify-calls-deep.policy.xml', { skus: ['Consumption'] }],
    before: 'Before: each call walked up to the root twice (a <when> with a named value, a <trace>): 38 s, rules skipped (a notice).',
    rule: 'chain-verify-unsupported-tier',
    findings: 16000,
    why: 'Every call fails on Consumption: each is reported.',
  },
  {
    title: '20,000 unknown rule ids in suppression comments: unknown-rule-id answers within the budget',
    lint: ['many-unknown-rule-ids.policy.xml'],
    before: 'Before: a whole edit-distance table per word and rule id (11 s): rules skipped (a notice).',
    rule: 'unknown-rule-id',
    findings: 10,
    why: '`thumbprint-formt-0` … `-9` are three edits from thumbprint-format (a typo); the longer ones are too far to say.',
  },
  {
    title: '3,000 local variables compared with the thumbprint in one block: thumbprint-case answers within the budget',
    lint: ['many-thumbprint-locals.policy.xml'],
    before: 'Each declaration and each read is looked at twice, in two walks over the block.',
    rule: 'thumbprint-case',
    findings: 3000,
    why: 'Every variable holds a lower-case literal compared with ==: each is reported.',
  },
  {
    title: '3,000 switch statements on the thumbprint nested in each other: thumbprint-case answers within the budget',
    lint: ['deep-thumbprint-switches.policy.xml'],
    before: 'The labels are given to their switch in one walk with a stack of brackets, not by a search of each body.',
    rule: 'thumbprint-case',
    findings: 3000,
    why: 'Every switch has one lower-case label.',
  },
  {
    title: '3,000 switch expressions on the thumbprint nested in each other: thumbprint-case answers within the budget',
    lint: ['deep-thumbprint-switch-expressions.policy.xml'],
    before: 'The arms are given to their switch in one walk with a stack of brackets, not by a search of each body.',
    rule: 'thumbprint-case',
    findings: 3000,
    why: 'Every switch expression has one lower-case arm.',
  },
  {
    title: '3,000 allow-lists searched with Any(c => c == ….Thumbprint) in one condition: thumbprint-case answers within the budget',
    lint: ['many-thumbprint-allow-lists.policy.xml'],
    before: 'Before: each Any call read every comparison of the expression again (4,000: 37 s): the rule was stopped (a notice).',
    rule: 'thumbprint-case',
    findings: 3000,
    why: 'Every list holds a lower-case literal.',
  },
];

for (const c of WITHIN_BUDGET) {
  test(`regression: ${c.title}`, () => {
    const r = lintHostile(...c.lint);
    assert.deepEqual(r.notices, [], c.before);
    assert.equal(r.findings.filter((f) => f.ruleId === c.rule).length, c.findings, c.why);
  });
}

test('regression: 2,000 pairs of a delete and a read of one header: header-read-after-delete reports each read once', () => {
  const r = lintHostile('many-deletes-of-one-header.policy.xml');
  assert.deepEqual(r.notices, []);
  // Before: each read once per delete above it, 2,001,000 findings.
  assert.equal(r.findings.filter((f) => f.ruleId === 'header-read-after-delete').length, 2000);
});

test('regression: one expression of 4,000 Verify() calls on Consumption, guarded by a named value or not: chain-verify-unsupported-tier answers within the budget', () => {
  const ws = new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG, skus: ['Consumption'] }, problems: [] }), rules: allRules });
  for (const name of ['many-verify-calls.policy.xml', 'many-guarded-verify-calls.policy.xml']) {
    const file = path.join(ROOT, name);
    ws.set(file, { text: hostilePolicies().find((p) => p.name === name)!.text });
    const r = ws.lint(file);
    // Before: the tokens before each call and the whole expression read again per call (10 s; guarded, 5 s): rules
    // skipped (a notice).
    assert.deepEqual(r.notices, [], name);
    // Every call fails on Consumption: each is reported.
    assert.equal(r.findings.filter((f) => f.ruleId === 'chain-verify-unsupported-tier').length, 4000, name);
  }
});

test('regression: 10,000 findings after 10,000 suppression regions: each suppressed without going through every comment', () => {
  // Suppressions are applied after the rules, past the time budget's checks: the comments looked at are counted.
  const findIndex = Array.prototype.findIndex;
  let calls = 0;
  Array.prototype.findIndex = function (this: unknown[], ...args: Parameters<typeof findIndex>) {
    calls++;
    return findIndex.apply(this, args);
  };
  let r: LintResult;
  try {
    r = lintHostile('many-suppression-regions.policy.xml');
  } finally {
    Array.prototype.findIndex = findIndex;
  }
  // Before: each finding went through every comment before it, searching its ids (100 million searches, 6 s).
  assert.ok(calls < 1_000_000, `${calls} id searches`);
  assert.deepEqual(r.notices, []);
  // Every thumbprint-format finding is in a region that turns it off.
  assert.equal(r.findings.filter((f) => f.ruleId === 'thumbprint-format').length, 0);
});

test('regression: 2,000 unknown thumbprints and 300 workspace certificates: unknown-thumbprint answers within the budget', () => {
  const config = new ConfigResolver();
  const ws = new Workspace({ configFor: (f) => config.forFile(f), rules: allRules });
  // 300 certificates of distinct thumbprints: one real certificate, the last two bytes of its signature changed.
  const pem = fs.readFileSync(path.join(fixturesDir, 'docs-examples', 'certificate-expiring', 'partner-client-2130.cer'), 'utf8');
  const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  for (let i = 0; i < 300; i++) {
    const bytes = Uint8Array.from(der);
    bytes[bytes.length - 1] = i & 255;
    bytes[bytes.length - 2] = i >> 8;
    ws.set(path.join(ROOT, 'certs', `c${i}.cer`), { bytes });
  }
  const file = path.join(ROOT, 'many-unknown-thumbprints.policy.xml');
  ws.set(file, { text: hostilePolicies().find((p) => p.name === 'many-unknown-thumbprints.policy.xml')!.text });
  const r = ws.lint(file);
  // Before: each thumbprint's edit distance to every certificate (8 s): rules skipped (a notice).
  assert.deepEqual(r.notices, []);
  // None is a workspace certificate's: each is reported.
  assert.equal(r.findings.filter((f) => f.ruleId === 'unknown-thumbprint').length, 2000);
});

test('regression: 4,000 unknown issuer-certificate-ids and 4,000 uploaded certificates: unknown-certificate-id answers within the budget', () => {
  const n = 4000;
  const ws = new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG }, problems: [] }), rules: allRules });
  const bicep =
    "resource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim'\n  location: 'westeurope'\n  sku: { name: 'Developer', capacity: 1 }\n  properties: { publisherEmail: 'a@example.com', publisherName: 'a' }\n}\n" +
    "resource policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {\n  parent: apim\n  name: 'policy'\n  properties: { format: 'rawxml', value: loadTextContent('global.policy.xml') }\n}\n" +
    Array.from({ length: n }, (_, i) => `resource c${i} 'Microsoft.ApiManagement/service/certificates@2024-05-01' = {\n  parent: apim\n  name: 'upload-${i}'\n  properties: { data: 'MAA=', password: '' }\n}\n`).join('');
  const identities = Array.from({ length: n }, (_, i) => `<identity issuer-certificate-id="unknown-${i}" />`).join('');
  ws.set(path.join(ROOT, 'uploads', 'main.bicep'), { text: bicep });
  const policy = path.join(ROOT, 'uploads', 'global.policy.xml');
  ws.set(policy, { text: `<policies><inbound><validate-client-certificate><identities>${identities}</identities></validate-client-certificate></inbound></policies>` });
  const r = ws.lint(policy);
  // Before: each unknown id measured against every upload with a whole edit-distance table (13 s): rules skipped (a notice).
  assert.deepEqual(r.notices, []);
  assert.equal(r.findings.filter((f) => f.ruleId === 'unknown-certificate-id').length, n);
});

test('regression: more than 300 PEM blocks in a certificate file is a notice, not a long stall', () => {
  const ws = new Workspace({ configFor: () => ({ config: { ...DEFAULT_CONFIG }, problems: [] }) });
  const file = path.join(ROOT, 'certs', 'bundle.pem');
  ws.set(file, { text: '-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n'.repeat(50_000) });
  const r = ws.lint(file, { certificateRules: true });
  // Refused before any is read (50,000 blocks took seconds): said so.
  assert.match(r.notices.join('\n'), /too many to read/);
});

test('fuzz: the CLI lints a folder of hostile files, answers each and exits normally', () => {
  const dir = makeTempDir('fuzz-cli');
  try {
    for (const [name, bytes] of hostileWorkspace(fuzzSeed(12), fuzzCount(60))) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), bytes);
    }
    fs.mkdirSync(path.join(dir, 'normal'));
    fs.writeFileSync(path.join(dir, 'normal', 'normal.policy.xml'), NORMAL_POLICY);
    fs.writeFileSync(path.join(dir, 'policies', 'too-big.policy.xml'), Buffer.alloc(5 * 1024 * 1024, 0x20));
    const start = performance.now();
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', dir, '--format', 'json'], { encoding: 'utf8', timeout: 50_000, maxBuffer: 256 * 1024 * 1024 });
    assert.equal(r.error, undefined, `the CLI did not finish: ${r.error}`);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr.slice(0, 2000)}`);
    assert.doesNotMatch(r.stderr, /internal error/);
    const reports = JSON.parse(r.stdout) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
    const normal = reports.find((x) => x.filePath.endsWith('normal.policy.xml'));
    assert.ok(normal?.messages.some((m) => m.ruleId === 'policy-xml-syntax'), 'the normal file is still linted');
    const big = reports.find((x) => x.filePath.endsWith('too-big.policy.xml'));
    assert.match(JSON.stringify(big), /too large/);
    console.log(`# CLI over ${reports.length} hostile files: ${Math.round(performance.now() - start)} ms`);
  } finally {
    removeTempDir(dir);
  }
});

test('hostile: a FIFO or /dev/zero as .apim-mtls.json, as the --cache file or given to certs inspect is a problem of that file, read at once', { skip: process.platform === 'win32' }, () => {
  const dir = makeTempDir('fuzz-special');
  const cli = (args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  try {
    fs.writeFileSync(path.join(dir, 'orders.policy.xml'), '<policies><inbound><set-header name="a" exists-action="override"><value>a & b</value></set-header></inbound></policies>');
    const fifo = path.join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    for (const target of [fifo, '/dev/zero']) {
      fs.rmSync(path.join(dir, '.apim-mtls.json'), { force: true });
      fs.symlinkSync(target, path.join(dir, '.apim-mtls.json'));
      // The cache: another FIFO (the run writes its cache over it), or a link to /dev/zero.
      const cache = path.join(dir, 'cache-fifo');
      fs.rmSync(cache, { force: true });
      if (target === fifo) assert.equal(spawnSync('mkfifo', [cache]).status, 0);
      else fs.symlinkSync('/dev/zero', cache);
      const r = cli(['lint', '.', '--cache-location', 'cache-fifo']);
      assert.equal(r.error, undefined, `${target}: the CLI did not finish`);
      assert.equal(r.status, 1, `${target}: the policy's error still counts`);
      assert.match(r.stdout, /\.apim-mtls\.json:1:1 {2}warning {2}cannot read: not a regular file; the defaults apply/);
      assert.match(r.stdout, /orders\.policy\.xml:1:\d+ {2}error .*policy-xml-syntax/);
      assert.match(r.stderr, /ignoring .*cache-fifo: not a regular file/);
    }
    // A device named as the cache itself is never replaced (run as root, a rename over /dev/zero would replace it).
    if (process.getuid?.() === 0) {
      const before = fs.statSync('/dev/null');
      const r = cli(['lint', '.', '--cache-location', '/dev/null']);
      assert.match(r.stderr, /not writing the cache to \/dev\/null: it is not a regular file/);
      const after = fs.statSync('/dev/null');
      assert.ok(after.isCharacterDevice() && after.rdev === before.rdev, '/dev/null is still the device');
    }
    fs.rmSync(path.join(dir, '.apim-mtls.json'));
    fs.writeFileSync(path.join(dir, '.apim-mtls.json'), Buffer.alloc(2 * 1024 * 1024, 0x20));
    assert.match(cli(['lint', '.']).stdout, /\.apim-mtls\.json:1:1 {2}warning {2}cannot read: 2\.0 MB is too large for a configuration file \(the limit is 1 MB\)/);
    // certs inspect: the FIFO is a problem; the certificate after it is still read.
    fs.copyFileSync(path.join(repoRoot, 'examples', 'certs', 'root-ca.cer'), path.join(dir, 'root-ca.cer'));
    const inspect = cli(['certs', 'inspect', fifo, 'root-ca.cer', '--format', 'json']);
    assert.equal(inspect.error, undefined);
    const files = JSON.parse(inspect.stdout) as { file: string; problems: string[]; certificates: unknown[] }[];
    assert.deepEqual(files[0]!.problems, ['cannot read: not a regular file']);
    assert.equal(files[1]!.certificates.length, 1);
  } finally {
    removeTempDir(dir);
  }
});

test('hostile: a FIFO named like a policy in a linted folder, or named as a path, is a line in the report (it was skipped, or said "not a directory")', { skip: process.platform === 'win32' }, () => {
  const dir = makeTempDir('fuzz-fifo');
  try {
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'orders.policy.xml')]).status, 0);
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe')]).status, 0);
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '.', 'pipe'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.error, undefined);
    assert.match(r.stdout, /^orders\.policy\.xml:1:1 {2}warning {2}cannot read: not a regular file$/m);
    assert.match(r.stdout, /^pipe:1:1 {2}warning {2}cannot read: not a regular file$/m);
  } finally {
    removeTempDir(dir);
  }
});

test('hostile: a file or folder whose name is not valid UTF-8 says so (it was "no such file or directory"); the rest is linted', { skip: process.platform !== 'linux' }, () => {
  const dir = makeTempDir('fuzz-name');
  try {
    const raw = (name: string, bad: number): Buffer => Buffer.concat([Buffer.from(`${dir}/${name}`), Buffer.from([bad]), Buffer.from('.policy.xml')]);
    fs.writeFileSync(raw('a', 0xff), '<policies />');
    fs.mkdirSync(raw('d', 0xfe));
    fs.writeFileSync(path.join(dir, 'ok.policy.xml'), '<policies><inbound><set-header name="a" exists-action="override"><value>a & b</value></set-header></inbound></policies>');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.error, undefined);
    assert.equal(r.status, 1, r.stdout);
    const notUtf8 = r.stdout.split('\n').filter((l) => /warning {2}cannot read: its name is not valid UTF-8, which Node\.js cannot open: rename it$/.test(l));
    assert.equal(notUtf8.length, 2, r.stdout);
    assert.match(r.stdout, /^ok\.policy\.xml:1:\d+ {2}error .*policy-xml-syntax/m);
    // Named on the command line (the shell passes the bytes; Node.js decodes them with U+FFFD).
    const named = spawnSync('sh', ['-c', `"$0" "${path.join(repoRoot, 'dist', 'cli.js')}" lint "$(printf 'a\\377.policy.xml')"`, process.execPath], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(named.status, 2, named.stderr);
    assert.match(named.stderr, /no such file or directory: a\uFFFD\.policy\.xml \(its name is not valid UTF-8/);
  } finally {
    removeTempDir(dir);
  }
});

test('hostile: a .apim-mtls.json whose "sku" nests 20,000 arrays, or is 512 KB long, is a warning quoting it briefly (it ended the run with exit 3)', () => {
  const dir = makeTempDir('fuzz-config-sku');
  try {
    fs.writeFileSync(path.join(dir, 'orders.policy.xml'), '<policies><inbound><set-header name="a" exists-action="override"><value>a & b</value></set-header></inbound></policies>');
    for (const [sku, quoted] of [
      [`${'['.repeat(20000)}${']'.repeat(20000)}`, /"sku": an array is not an APIM SKU/],
      [JSON.stringify('x'.repeat(512 * 1024)), /"sku": "x{60}…" \(524288 characters\) is not an APIM SKU/],
    ] as const) {
      fs.writeFileSync(path.join(dir, '.apim-mtls.json'), `{"sku":${sku}}`);
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, quoted);
      assert.ok(r.stdout.length < 2000, `a short report (${r.stdout.length} characters)`);
      assert.match(r.stdout, /orders\.policy\.xml:1:\d+ {2}error .*policy-xml-syntax/);
    }
  } finally {
    removeTempDir(dir);
  }
});

test('hostile: a .apim-mtls.json "ignore" pattern of 20,000 * (or 1 MB) is a warning, and the files are linted (exit 3 and a stack trace; 1 MB took seconds per 300 files)', () => {
  const dir = makeTempDir('fuzz-config-ignore');
  try {
    fs.writeFileSync(path.join(dir, 'orders.policy.xml'), '<policies><inbound><set-header name="a" exists-action="override"><value>a & b</value></set-header></inbound></policies>');
    for (const pattern of ['*'.repeat(20000), 'a'.repeat(1024 * 1024 - 20)]) {
      fs.writeFileSync(path.join(dir, '.apim-mtls.json'), JSON.stringify({ ignore: [pattern] }));
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', '.'], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /\.apim-mtls\.json:1:\d+ {2}warning {2}"ignore": "[*a]{60}…" \(\d+ characters\): longer than a path may be \(4096 characters\)/);
      assert.match(r.stdout, /orders\.policy\.xml:1:\d+ {2}error .*policy-xml-syntax/);
    }
  } finally {
    removeTempDir(dir);
  }
});

test('regression: 100,000 `@(` left open, or nested, inside a text or a value: expression-mixed-with-text reads each once, and no rule is skipped', () => {
  const texts = {
    'open in text': `<policies><inbound><set-body>x ${'@(context.Request '.repeat(100_000)}</set-body></inbound></policies>`,
    'open in a value': `<policies><inbound><set-header name="a" value="x ${'@(context.Request '.repeat(100_000)}" /></inbound></policies>`,
    'nested in text': `<policies><inbound><set-body>x ${'@('.repeat(100_000)}${')'.repeat(100_000)}</set-body></inbound></policies>`,
  };
  for (const [name, text] of Object.entries(texts)) {
    // Before: each `@(` was read to the end of the text again (seconds), the time budget stopped the rule, and the 12
    // rules after it were skipped (a notice).
    const r = lintText(`${name.replace(/ /g, '-')}.policy.xml`, text);
    assert.deepEqual(r.notices, [], name);
  }
});
