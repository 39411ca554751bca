import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parsePolicy } from '../../../server/src/parsers/policy';
import { scan } from '../../../server/src/parsers/policy/scanner';
import { certainlyWellFormed, maskExpressions, xmlProblems } from '../../../server/src/parsers/policy/wellformed';
import { parseBicep, parseBicepConfig, parseParametersJson, resolveModuleAlias } from '../../../server/src/parsers/bicep';
import { readConfigFile } from '../../../server/src/engine/config';
import { readCertificateFile, readPfx } from '../../../server/src/certificates/read';
import { brokenCertificates, fuzzCount, fuzzSeed, hostileBicep, hostilePolicies, int, mutate, prng, randomBytes, realBicep, realPolicies } from './hostile';

/** Generous: this catches hangs and runaway work under a loaded CI machine, not speed (the benchmark measures speed). */
const BUDGET_MS = 5000;
const ITERATIONS = fuzzCount(400);

function within<T>(what: string, f: () => T): T {
  const start = performance.now();
  let result: T;
  try {
    result = f();
  } catch (e) {
    assert.fail(`${what} (seed offset ${fuzzSeed(0)}): threw ${(e as Error)?.stack ?? String(e)}`);
  }
  const ms = performance.now() - start;
  assert.ok(ms < BUDGET_MS, `${what} (seed offset ${fuzzSeed(0)}): took ${Math.round(ms)} ms (budget ${BUDGET_MS} ms)`);
  return result;
}

test('fuzz: parsePolicy survives truncated and noisy real policies', () => {
  const rand = prng(fuzzSeed(1));
  const corpus = realPolicies();
  for (let i = 0; i < ITERATIONS; i++) {
    const src = corpus[int(rand, corpus.length)]!;
    const text = mutate(rand, src.text);
    const doc = within(`parsePolicy(mutated ${src.name}, #${i})`, () => parsePolicy(text));
    for (const p of doc.problems) assert.ok(p.span.start >= 0 && p.span.end <= text.length && p.span.start <= p.span.end, `span out of range in #${i}`);
  }
});

test('fuzz: parsePolicy survives deep, huge and unterminated input', () => {
  for (const { name, text } of hostilePolicies()) within(`parsePolicy(${name})`, () => parsePolicy(text));
});

test('fuzz: the fast well-formedness check never vouches for text xmldom rejects', () => {
  const rand = prng(fuzzSeed(2));
  const corpus = realPolicies();
  let vouched = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const src = corpus[int(rand, corpus.length)]!;
    const text = i % 4 === 0 ? src.text : mutate(rand, src.text);
    const { doc, masks } = scan(text);
    if (doc.problems.length > 0) continue;
    const masked = maskExpressions(text, masks);
    if (!certainlyWellFormed(masked)) continue;
    vouched++;
    assert.deepEqual(xmlProblems(masked), [], `#${i} (${src.name}, seed ${fuzzSeed(2)}) passed the fast check but xmldom complains`);
  }
  assert.ok(vouched > 20, `the fast check vouched for only ${vouched} documents`);
});

test('fuzz: parseBicep survives truncated and noisy real Bicep', () => {
  const rand = prng(fuzzSeed(3));
  const corpus = realBicep();
  for (let i = 0; i < ITERATIONS; i++) {
    const src = corpus[int(rand, corpus.length)]!;
    const text = mutate(rand, src.text);
    within(`parseBicep(mutated ${src.name}, #${i})`, () => parseBicep(text));
  }
});

test('fuzz: parseBicep survives deep, huge and unterminated input', () => {
  for (const { name, text } of hostileBicep()) within(`parseBicep(${name})`, () => parseBicep(text));
});

test('fuzz: JSON parameters files: truncated, noisy and deep input gives a result, never an exception', () => {
  const rand = prng(fuzzSeed(9));
  const source = JSON.stringify(
    { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { skuName: { value: 'StandardV2' }, tags: { value: { env: 'prod', list: [1, true, null, '${X=y}'] } }, secret: { reference: { keyVault: { id: '/x' }, secretName: 's' } } } },
    null,
    2,
  );
  for (let i = 0; i < ITERATIONS; i++) {
    const text = mutate(rand, source);
    const file = within(`parseParametersJson(mutated, #${i})`, () => parseParametersJson(text, 'main.parameters.json'));
    for (const p of file.problems) assert.ok(p.span.start >= 0 && p.span.end <= text.length, `span out of range in #${i}`);
  }
  for (const text of ['{"parameters":'.repeat(50_000), '['.repeat(1_000_000), `{"parameters": {"a": {"value": "${'\\'.repeat(1_000_000)}`]) {
    within('parseParametersJson(hostile)', () => parseParametersJson(text, 'main.parameters.json'));
  }
});

test('fuzz: bicepconfig.json: truncated, noisy and deep input gives aliases (at least the built-in one), never an exception', () => {
  const rand = prng(fuzzSeed(10));
  const source = JSON.stringify({ analyzers: { core: { enabled: true } }, moduleAliases: { br: { avm: { registry: 'contoso.azurecr.io', modulePath: 'bicep/avm' }, acr: { registry: 'x' } }, ts: { s: { subscription: 'x' } } } }, null, 2);
  for (let i = 0; i < ITERATIONS; i++) {
    const text = mutate(rand, source);
    const file = within(`parseBicepConfig(mutated, #${i})`, () => parseBicepConfig(text));
    assert.ok(file.moduleAliases?.has('public'), `#${i}`);
    for (const alias of file.moduleAliases!.keys()) within(`resolveModuleAlias(#${i})`, () => resolveModuleAlias(`br/${alias}:a/b:1`, file.moduleAliases));
  }
  for (const text of ['{"moduleAliases":'.repeat(50_000), '['.repeat(1_000_000), `{"moduleAliases": {"br": {"a": {"registry": "${'\\'.repeat(1_000_000)}`]) {
    within('parseBicepConfig(hostile)', () => parseBicepConfig(text));
  }
});

test('fuzz: .apim-mtls.json: truncated, noisy and deep input gives problems placed inside the text, never an exception', () => {
  const rand = prng(fuzzSeed(11));
  const source = JSON.stringify({ $schema: 'x', sku: ['Premium', 'standardv2'], rules: { 'policy-section': 'off', 'identity-without-thumbprint': 'error' }, certificateExpiryWarningDays: 45, fileTimeBudgetMs: 2000, context: ['infra'] }, null, 2);
  const inputs = [
    ...Array.from({ length: ITERATIONS }, () => mutate(rand, source)),
    '{"rules":'.repeat(50_000),
    '['.repeat(1_000_000),
    `\uFEFF{"sku": "${'\\'.repeat(1_000_000)}`,
    `{"rules": {${Array.from({ length: 20_000 }, (_, i) => `"r${i}": "off"`).join(',')}}}`,
  ];
  for (const [i, text] of inputs.entries()) {
    const read = within(`readConfigFile(#${i})`, () => readConfigFile(text, '/ws'));
    for (const p of read.problems) {
      assert.ok(typeof p.message === 'string' && p.message.length > 0, `#${i}`);
      if (p.span) assert.ok(p.span.start >= 0 && p.span.start <= p.span.end && p.span.end <= text.length, `span out of range in #${i}`);
    }
  }
});

test('fuzz: readCertificateFile never throws on broken certificates', () => {
  const rand = prng(fuzzSeed(4));
  const valid = readCertificateFile(
    '-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIUUTTXBnqqUTSm9SRpIiHwCcPaLqAwCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJZnV6ei10ZXN0MB4XDTI0MDEwMTAwMDAwMFoXDTM0MDEwMTAwMDAwMFowFDESMBAGA1UEAwwJZnV6ei10ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END CERTIFICATE-----\n',
  );
  assert.ok(valid.problems.length + valid.certificates.length > 0);
  for (const { name, bytes } of brokenCertificates(rand)) {
    const r = within(`readCertificateFile(${name})`, () => readCertificateFile(bytes));
    assert.ok(Array.isArray(r.problems));
    within(`readCertificateFile(${name} as text)`, () => readCertificateFile(new TextDecoder().decode(bytes)));
  }
  for (let i = 0; i < fuzzCount(200); i++) within(`readCertificateFile(random #${i})`, () => readCertificateFile(randomBytes(rand, 1 + int(rand, 3000))));
});

test('fuzz: readPfx rejects garbage and wrong passwords with an error, never a hang', async () => {
  const rand = prng(fuzzSeed(5));
  const inputs = [...brokenCertificates(rand).map((c) => c.bytes), randomBytes(rand, 5000), Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x03])];
  for (const [i, bytes] of inputs.entries()) {
    const start = performance.now();
    await assert.rejects(() => readPfx(bytes, 'wrong-password'), Error, `input #${i}`);
    assert.ok(performance.now() - start < BUDGET_MS, `readPfx input #${i} took too long`);
  }
});
