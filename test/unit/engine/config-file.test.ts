import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONFIG_FILE_NAME, ConfigResolver, readConfigFile } from '../../../server/src/engine/config';
import { makeTempDir } from '../../helpers';

/** Each problem as `placed text: message` (the text its span covers). */
const placed = (text: string) => readConfigFile(text, '/ws').problems.map((p) => `${p.span ? text.slice(p.span.start, p.span.end) : '-'}: ${p.message}`);

test('a configuration file: its problems in the order of the file, each on the key or the value it is about', () => {
  const text = '{ "sku": ["Premium", "StandardV3"], "rulez": {}, "rules": { "policy-section": "loud", "policy-sections": "off" }, "context": 7 }';
  assert.deepEqual(placed(text), [
    '["Premium", "StandardV3"]: "sku": "StandardV3" is not an APIM SKU (did you mean StandardV2?)',
    '"rulez": unknown setting "rulez" (did you mean "rules"?)',
    '"loud": rule "policy-section": level must be one of off, hint, info, warning, error',
    '"policy-sections": no rule "policy-sections" (did you mean policy-section?); `apim-mtls rules` lists them',
    '7: "context" must be a path or a list of paths, relative to the configuration file',
  ]);
});

test('a byte order mark keeps the places right; a duplicate key is placed on the one JSON.parse keeps; the valid settings apply', () => {
  const text = '\uFEFF{ "rules": { "policy-section": "off", "nope": "off" }, "sku": "x", "sku": "y" }';
  assert.deepEqual(placed(text), ['"nope": no rule "nope"; `apim-mtls rules` lists them', '"y": "sku": "y" is not an APIM SKU (the SKUs are Consumption, Developer, Basic, Standard, Premium, Isolated, BasicV2, StandardV2, PremiumV2)']);
  assert.deepEqual(readConfigFile(text, '/ws').config.rules, { 'policy-section': 'off' });
});

test('broken JSON is placed where it breaks, and nothing of the file applies', () => {
  const text = '{\n  "sku": "Premium",\n  "rules": { "policy-section": off }\n}\n';
  const read = readConfigFile(text, '/ws');
  assert.deepEqual(read.config, {});
  assert.equal(read.problems.length, 1);
  assert.equal(text.slice(read.problems[0]!.span!.start, read.problems[0]!.span!.end), 'o');
  assert.match(read.problems[0]!.message, /^not valid JSON/);
});

// (The fuzz tests hold such a file to a time budget: placing each problem used to look through every key.)
test('a file of thousands of mistakes gives the first hundred, then how many more', () => {
  const text = `{"rules": {${Array.from({ length: 5000 }, (_, i) => `"no-such-rule-${i}": "off"`).join(', ')}}}`;
  const problems = readConfigFile(text, '/ws').problems;
  assert.equal(problems.length, 101);
  assert.equal(text.slice(problems[0]!.span!.start, problems[0]!.span!.end), '"no-such-rule-0"');
  assert.deepEqual(problems[100], { message: '… and 4900 more problems in this configuration' });
});

test('a path under a file (opened in an editor) takes the configuration of the folders above it, not "cannot read: ENOTDIR"', () => {
  const dir = makeTempDir('config-under-file');
  fs.writeFileSync(path.join(dir, CONFIG_FILE_NAME), '{ "sku": "Premium" }');
  const file = path.join(dir, 'policy.xml');
  fs.writeFileSync(file, '<policies />');
  const loaded = new ConfigResolver().forFile(path.join(file, 'inner.xml'));
  assert.deepEqual(loaded.problems, []);
  assert.equal(loaded.file, path.join(dir, CONFIG_FILE_NAME));
  assert.deepEqual(loaded.config.skus, ['Premium']);
});
