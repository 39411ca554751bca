import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configSchema, rulesSchema, SCHEMA_URL } from '../../../server/src/engine/config-schema';
import { ruleCatalog } from '../../../server/src/rules';
import { repoRoot } from '../../helpers';

// The committed schema and the manifest's apimMtls.rules follow the rule registry. After adding or changing a rule:
// APIM_MTLS_UPDATE_SCHEMA=1 node scripts/run-tests.mjs config-schema
const UPDATE = process.env.APIM_MTLS_UPDATE_SCHEMA === '1';
const SCHEMA_FILE = path.join(repoRoot, 'schemas', 'apim-mtls.schema.json');
const MANIFEST = path.join(repoRoot, 'package.json');
/** The schema's JSON: two-space indents, arrays of strings on one line. */
const schemaJson = (value: unknown) =>
  JSON.stringify(value, null, 2).replace(/\[\n\s+("[^"\n]*"(?:,\n\s+"[^"\n]*")*)\n\s+\]/g, (_, items: string) => `[${items.split(/,\n\s+/).join(', ')}]`) + '\n';

test('schemas/apim-mtls.schema.json is the schema the rule registry gives (a rule added is a property of "rules")', () => {
  const expected = configSchema(ruleCatalog);
  if (UPDATE) fs.writeFileSync(SCHEMA_FILE, schemaJson(expected));
  const committed = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
  assert.deepEqual(committed, expected, 'stale: regenerate with APIM_MTLS_UPDATE_SCHEMA=1 node scripts/run-tests.mjs config-schema');
  const rules = (committed.properties as Record<string, { properties: Record<string, unknown> }>).rules.properties;
  assert.deepEqual(Object.keys(rules).sort(), ruleCatalog.map((r) => r.id).sort());
  assert.equal(committed.$id, SCHEMA_URL);
});

test('the manifest applies the schema to .apim-mtls.json, ships it, and lists every rule under apimMtls.rules', () => {
  const manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')) as { contributes: Record<string, any> };
  const property = manifest.contributes.configuration.properties['apimMtls.rules'];
  const expected = rulesSchema(ruleCatalog);
  if (UPDATE) {
    Object.assign(property, expected);
    fs.writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n'); // as npm writes it
  }
  assert.deepEqual({ type: property.type, additionalProperties: property.additionalProperties, properties: property.properties }, expected, 'stale: regenerate with APIM_MTLS_UPDATE_SCHEMA=1');
  assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '.apim-mtls.json', url: './schemas/apim-mtls.schema.json' }]);
  assert.match(fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8'), /^!schemas\/\*\.json$/m, 'the .vsix holds the schema');
});

test('the schema says what the configuration reader accepts: every SKU in any casing, the levels, the settings', () => {
  const schema = configSchema(ruleCatalog) as { properties: Record<string, any>; additionalProperties: boolean };
  assert.deepEqual(Object.keys(schema.properties).sort(), ['$schema', 'certificateExpiryWarningDays', 'context', 'fileTimeBudgetMs', 'ignore', 'rules', 'sku']);
  assert.equal(schema.additionalProperties, false);
  const pattern = new RegExp(schema.properties.sku.anyOf[0].anyOf[1].pattern);
  for (const sku of ['StandardV2', 'standardv2', 'PREMIUM', 'Consumption']) assert.match(sku, pattern);
  for (const wrong of ['StandardV3', 'Standard V2', 'Premium ']) assert.doesNotMatch(wrong, pattern);
});
