import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { allRules, ruleCatalog } from '../../../server/src/rules';
import { repoRoot } from '../../helpers';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };

test('rule ids are kebab-case; one entry per id and target, sharing level and description', () => {
  const keys = allRules.map((r) => `${r.id}/${r.target}`);
  assert.equal(new Set(keys).size, keys.length);
  for (const rule of allRules) {
    assert.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    const first = ruleCatalog.find((r) => r.id === rule.id)!;
    assert.equal(rule.defaultLevel, first.defaultLevel, rule.id);
    assert.equal(rule.description, first.description, rule.id);
  }
});

for (const rule of ruleCatalog) {
  test(`${rule.id}: docs page with what, why, examples, fix and source`, () => {
    const page = path.join(repoRoot, 'docs', 'rules', `${rule.id}.md`);
    assert.ok(fs.existsSync(page), `missing ${page}`);
    const text = fs.readFileSync(page, 'utf8');
    assert.match(text, new RegExp(`^# ${rule.id}\\b`, 'm'), 'title is the rule id');
    for (const heading of ['## Why', '## Bad', '## Good', '## Fix', '## Rests on']) {
      assert.ok(text.includes(heading), `${rule.id}.md lacks "${heading}"`);
    }
    assert.ok(text.includes(`Default level: **${rule.defaultLevel}**`), `${rule.id}.md states the default level ${rule.defaultLevel}`);
  });

  test(`${rule.id}: README row`, () => {
    assert.match(readme, new RegExp(`\\| \\[\`${rule.id}\`\\]\\(docs/rules/${rule.id}\\.md\\) \\| ${rule.defaultLevel} \\|`), `README rule table row for ${rule.id}`);
  });
}

test('every rule has an example in examples/ that triggers it', () => {
  // The demo's JSON output is checked by the CLI tests; here: every rule id appears in examples/EXPECTED.md.
  const expected = fs.readFileSync(path.join(repoRoot, 'examples', 'README.md'), 'utf8');
  for (const rule of ruleCatalog) assert.ok(expected.includes(`\`${rule.id}\``), `examples/README.md names ${rule.id}`);
});

test('manifest settings exist for the config the server reads', () => {
  for (const key of ['apimMtls.sku', 'apimMtls.rules', 'apimMtls.certificateExpiryWarningDays']) {
    assert.ok(manifest.contributes.configuration.properties[key], key);
  }
});
