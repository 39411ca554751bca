import { describe, it, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { compiledPatternCount, ignorePatternProblem, isIgnored } from '../../../server/src/engine/ignore';

describe('"ignore" patterns of .apim-mtls.json', () => {
  const dir = path.resolve('/repo');
  const at = (rel: string) => path.join(dir, ...rel.split('/'));
  const ignored = (patterns: string[], rel: string, isDir = false) => isIgnored({ dir, patterns }, at(rel), isDir);

  it('a name without a slash matches at any depth; with a slash, from the configuration folder', () => {
    assert.equal(ignored(['generated'], 'generated', true), true);
    assert.equal(ignored(['generated'], 'apis/generated/policy.xml'), true, 'under a folder of that name, at any depth');
    assert.equal(ignored(['out/generated'], 'apis/out/generated/policy.xml'), false, 'anchored');
    assert.equal(ignored(['out/generated'], 'out/generated/policy.xml'), true);
    assert.equal(ignored(['/policy.xml'], 'policy.xml'), true);
    assert.equal(ignored(['/policy.xml'], 'apis/a/policy.xml'), false, 'a leading slash anchors too');
  });

  it('*, ? and ** as in .gitignore; a trailing slash matches folders only', () => {
    assert.equal(ignored(['*.sample.xml'], 'apis/orders/get.sample.xml'), true);
    assert.equal(ignored(['*.sample.xml'], 'apis/orders/get.xml'), false);
    assert.equal(ignored(['apis/*/legacy.xml'], 'apis/orders/legacy.xml'), true);
    assert.equal(ignored(['apis/*/legacy.xml'], 'apis/orders/v1/legacy.xml'), false, '* stays within a name');
    assert.equal(ignored(['apis/**/legacy.xml'], 'apis/orders/v1/legacy.xml'), true);
    assert.equal(ignored(['apis/**/legacy.xml'], 'apis/legacy.xml'), true, '**/ may match no folder');
    assert.equal(ignored(['op-?.xml'], 'op-1.xml'), true);
    assert.equal(ignored(['op-?.xml'], 'op-12.xml'), false);
    assert.equal(ignored(['build/'], 'build', true), true);
    assert.equal(ignored(['build/'], 'build', false), false, 'a file named build is not a folder');
    assert.equal(ignored(['build/'], 'build/main.bicep'), true, 'what lies in an ignored folder is ignored');
    assert.equal(ignored(['docs/**'], 'docs/a/b.xml'), true);
  });

  it('never reaches outside the configuration folder; a pattern with a dot is literal', () => {
    assert.equal(isIgnored({ dir, patterns: ['**'] }, path.resolve('/elsewhere/x.xml'), false), false);
    assert.equal(ignored(['a.xml'], 'abxml'), false);
  });

  it('says why a pattern is refused', () => {
    assert.match(ignorePatternProblem('!keep.xml')!, /negation/);
    assert.match(ignorePatternProblem(' ')!, /empty/);
    assert.equal(ignorePatternProblem('generated/'), undefined);
  });
});

it('a pattern of many * is matched without backtracking (a regular expression took minutes: the test would time out)', () => {
  // `*a*a*…*b` against a name of 40 a's: exponential for a regular expression (seconds at 30, minutes at 35).
  const rules = { dir: '/ws', patterns: [`${'*a'.repeat(12)}*b`, '**/x/**/y/**/z'] };
  const name = `/ws/${'a'.repeat(40)}.policy.xml`;
  assert.equal(isIgnored(rules, name, false), false);
  assert.equal(isIgnored(rules, `/ws/${'a'.repeat(40)}b`, false), true);
  assert.equal(isIgnored(rules, `/ws/${'x/'.repeat(30)}q/${'y/'.repeat(30)}z`, false), true);
});

it('a pattern of thousands of * is matched without recursion (20,000 * overflowed the stack: exit 3 and a stack trace); one longer than a path is refused', () => {
  const stars = '*'.repeat(20000);
  assert.equal(isIgnored({ dir: '/ws', patterns: [stars] }, '/ws/a.policy.xml', false), true);
  assert.equal(isIgnored({ dir: '/ws', patterns: [`${stars}b`] }, `/ws/${'a/'.repeat(50)}a.policy.xml`, false), false);
  assert.equal(isIgnored({ dir: '/ws', patterns: [`${'*a'.repeat(2000)}`] }, `/ws/${'a'.repeat(200)}/${'a'.repeat(2000)}`, false), true);
  assert.equal(isIgnored({ dir: '/ws', patterns: [`${'x/**/'.repeat(100)}y`] }, `/ws/${'x/'.repeat(100)}y`, false), true);
  assert.match(ignorePatternProblem(stars)!, /^longer than a path may be \(4096 characters\)$/);
  assert.equal(ignorePatternProblem('*'.repeat(4096)), undefined);
});

it('a tree 1,500 folders deep is judged folder by folder, each once (each folder judged every folder above it again: 38 s for one lint)', () => {
  // Counted, not timed: how often the patterns are matched against a path (once per folder and file asked, give or take;
  // judging every folder above each path again was 1,500² / 2 = 1.1 million times here).
  let matched = 0;
  const patterns = new Proxy(['**/zz/**', 'generated/'], {
    get: (target, key, receiver) => (key === Symbol.iterator && matched++, Reflect.get(target, key, receiver)),
  });
  const rules = { dir: '/ws', patterns };
  // As discovery asks: each folder on the way down, then the file at the bottom.
  for (let depth = 1; depth <= 1500; depth++) assert.equal(isIgnored(rules, `/ws/${'d/'.repeat(depth)}`, true), false);
  assert.equal(isIgnored(rules, `/ws/${'d/'.repeat(1500)}p.policy.xml`, false), false);
  assert.equal(isIgnored(rules, `/ws/${'d/'.repeat(700)}zz/${'d/'.repeat(700)}p.policy.xml`, false), true);
  assert.equal(isIgnored(rules, `/ws/${'d/'.repeat(10)}generated/p.policy.xml`, false), true, 'a file under an ignored folder, asked first');
  assert.equal(isIgnored(rules, `/ws/${'d/'.repeat(10)}generated`, false), false, 'a file named generated is not a folder');
  assert.ok(matched < 5 * 3000, `patterns matched ${matched} times`);
});

test('the compiled patterns are kept up to a bound: a configuration saved again and again with new patterns no longer piles them up', () => {
  const dir = path.resolve('/ignore-cache');
  // Twenty saves of 240 new patterns each (a long-lived language server): 73 MB a save stayed in memory.
  for (let save = 0; save < 20; save++) {
    const patterns = Array.from({ length: 240 }, (_, i) => `s${save}p${i}/**`);
    assert.equal(isIgnored({ dir, patterns }, path.join(dir, `s${save}p7`, 'x.xml'), false), true);
    assert.equal(isIgnored({ dir, patterns }, path.join(dir, 'kept', 'x.xml'), false), false);
  }
  assert.ok(compiledPatternCount() <= 1000, `${compiledPatternCount()} compiled patterns kept`);
  // A pattern compiled again after the cache started over still matches.
  assert.equal(isIgnored({ dir, patterns: ['s0p7/**'] }, path.join(dir, 's0p7', 'x.xml'), false), true);
});

test('a configuration of more patterns than the shared cache keeps compiles each once, not again for every path', () => {
  const dir = path.resolve('/many-patterns');
  // 20,000 patterns over 1,000 files took 29 s in the CLI (the shared cache started over for every path), 2 s now.
  const patterns = Array.from({ length: 5000 }, (_, i) => `generated-${i}/`);
  const rules = { dir, patterns };
  const start = performance.now();
  for (let i = 0; i < 400; i++) assert.equal(isIgnored(rules, path.join(dir, `d${i}`, 'p.policy.xml'), false), false);
  assert.equal(isIgnored(rules, path.join(dir, 'generated-4999', 'p.policy.xml'), false), true);
  const ms = performance.now() - start;
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
  assert.ok(compiledPatternCount() <= 1000, `${compiledPatternCount()} compiled patterns kept in the shared cache`);
});
