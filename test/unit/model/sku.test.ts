import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFixture } from '../../helpers';
import { abs, workspace } from './workspace-helper';

const svc = (sku: string, extra = ''): string =>
  `${extra}\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim-x'\n  location: 'westeurope'\n  sku: {\n    name: ${sku}\n    capacity: 1\n  }\n  properties: {\n    publisherName: 'p'\n  }\n}\n`;

function skusOf(text: string): { values: string[]; unknown: boolean; origins: string[] } {
  const model = workspace({ 'main.bicep': text });
  const s = model.servicesIn(abs('main.bicep'))[0];
  assert.ok(s);
  return { values: [...s.skus.values].sort(), unknown: s.skus.unknown, origins: s.skus.origins.map((o) => o.message) };
}

test('literal SKU, any casing', () => {
  assert.deepEqual(skusOf(svc("'premium'")).values, ['Premium']);
  assert.equal(skusOf(svc("'premium'")).unknown, false);
});

test('@allowed gives exactly the allowed values', () => {
  const r = skusOf(svc('skuName', "@allowed([\n  'Developer'\n  'StandardV2'\n])\nparam skuName string = 'Developer'"));
  assert.deepEqual(r.values, ['Developer', 'StandardV2']);
  assert.equal(r.unknown, false);
  assert.ok(r.origins.some((o) => o.includes('@allowed on parameter skuName')));
});

test('a plain default is the likely value, but another may be passed: default plus unknown', () => {
  const r = skusOf(svc('skuName', "param skuName string = 'Consumption'"));
  assert.deepEqual(r.values, ['Consumption']);
  assert.equal(r.unknown, true);
  assert.ok(r.origins.some((o) => o.includes('default of parameter skuName')));
});

test('a param without default or constraint is unknown', () => {
  const r = skusOf(svc('skuName', 'param skuName string'));
  assert.deepEqual(r.values, []);
  assert.equal(r.unknown, true);
});

test('local string-literal union type', () => {
  const r = skusOf(svc('skuName', "type t = 'BasicV2' | 'StandardV2'\nparam skuName t"));
  assert.deepEqual(r.values, ['BasicV2', 'StandardV2']);
  assert.equal(r.unknown, false);
  assert.ok(r.origins.some((o) => o === 'SKU from the union type t'));
});

test('ternary, var and toLower', () => {
  const r = skusOf(svc("isProd ? 'Premium' : devSku", "param isProd bool\nvar devSku = toLower('DEVELOPER')"));
  assert.deepEqual(r.values, ['Developer', 'Premium']);
  assert.equal(r.unknown, false);
  const decided = skusOf(svc("isProd ? 'Premium' : 'Developer'", 'var isProd = false'));
  assert.deepEqual(decided.values, ['Developer']);
});

test('a lookup table indexed by a parameter: the entries of its possible keys; any entry when the key is unknown', () => {
  const table = `var skuConfig = {
  dev: { apim: { name: 'Developer', capacity: 1 } }
  test: { apim: { name: 'BasicV2', capacity: 1 } }
  prod: { apim: { name: 'StandardV2', capacity: 1 } }
}`;
  // A public repository's pattern: var sku = skuConfig[skuTier], then sku.apim.name.
  const allowed = skusOf(svc('sku.apim.name', `@allowed([\n  'dev'\n  'prod'\n])\nparam skuTier string = 'dev'\n${table}\nvar sku = skuConfig[skuTier]`));
  assert.deepEqual(allowed.values, ['Developer', 'StandardV2']);
  assert.equal(allowed.unknown, false);
  assert.ok(allowed.origins.some((o) => o.includes('@allowed on parameter skuTier')));
  // Indexed in place, by a literal.
  assert.deepEqual(skusOf(svc("skuConfig['test'].apim.name", table)).values, ['BasicV2']);
  // A key that may be anything: every entry of the table.
  const any = skusOf(svc('skuConfig[environment].apim.name', `param environment string\n${table}`));
  assert.deepEqual(any.values, ['BasicV2', 'Developer', 'StandardV2']);
  // Not an object literal: unknown, as before.
  assert.equal(skusOf(svc('tiers[environment]', 'param environment string\nparam tiers object')).unknown, true);
});

test('SKU from a typed, imported object parameter (facts §5)', () => {
  const model = workspace({
    'shared/settings.bicep': readFixture('bicep', 'settings.bicep'),
    'platform/apim.bicep': readFixture('bicep', 'apim-module.bicep').replace("'./settings.bicep'", "'../shared/settings.bicep'"),
  });
  const [service] = model.servicesIn(abs('platform/apim.bicep'));
  assert.ok(service && !service.existing);
  assert.equal(service.skus.unknown, false);
  assert.deepEqual([...service.skus.values].sort(), ['Basic', 'BasicV2', 'Consumption', 'Developer', 'Premium', 'PremiumV2', 'Standard', 'StandardV2']);
  const union = service.skus.origins.find((o) => o.message === 'SKU from the union type apimSkuType');
  assert.ok(union);
  assert.equal(union.file, abs('shared/settings.bicep'));
});

test('import * as alias reaches the type too', () => {
  const model = workspace({
    'settings.bicep': "@export()\ntype skuT = 'Developer' | 'Premium'\n",
    'main.bicep': svc('skuName', "import * as s from './settings.bicep'\nparam skuName s.skuT"),
  });
  assert.deepEqual([...model.servicesIn(abs('main.bicep'))[0]!.skus.values].sort(), ['Developer', 'Premium']);
});

/** A service whose `sku` is an expression, not an object written in place (`sku: sku`). */
const svcWholeSku = (sku: string, extra: string): string =>
  `${extra}\nresource apim 'Microsoft.ApiManagement/service@2024-05-01' = {\n  name: 'apim-x'\n  location: 'westeurope'\n  sku: ${sku}\n  properties: {\n    publisherName: 'p'\n  }\n}\n`;

test('the SKU as a whole object (sku: sku): an object parameter’s default, a typed one’s union, a variable', () => {
  // Seen in public repositories: `param apimSku object = { name: …, capacity: … }` and `sku: apimSku`.
  const untyped = skusOf(svcWholeSku('sku', "param sku object = {\n  name: 'StandardV2'\n  capacity: 1\n}"));
  assert.deepEqual(untyped.values, ['StandardV2']);
  assert.equal(untyped.unknown, true);
  const typed = skusOf(svcWholeSku('sku', "type skuType = {\n  name: 'BasicV2' | 'Premium'\n  capacity: int\n}\nparam sku skuType"));
  assert.deepEqual(typed.values, ['BasicV2', 'Premium']);
  assert.equal(typed.unknown, false);
  const variable = skusOf(svcWholeSku('skuSettings', "var skuSettings = {\n  name: 'Consumption'\n  capacity: 0\n}"));
  assert.deepEqual(variable.values, ['Consumption']);
  assert.equal(variable.unknown, false);
  const member = skusOf(svcWholeSku('settings.sku', "param settings {\n  sku: {\n    name: 'Developer' | 'StandardV2'\n    capacity: int\n  }\n}"));
  assert.deepEqual(member.values, ['Developer', 'StandardV2']);
  assert.equal(member.unknown, false);
});
