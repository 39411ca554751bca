import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classify, isCandidate } from '../../../server/src/engine/files';
import { parametersTemplates, parseParametersJson } from '../../../server/src/parsers/bicep/parameters-json';
import { abs, serviceTemplate, workspace } from './workspace-helper';

/** A template whose tier is a parameter (with a default, or without), deploying the global policy. */
const template = (header?: string): string => serviceTemplate('policies/global.xml', header);

/** An ARM deployment parameters file setting skuName to `value` (JSON text of the parameter's object). */
const params = (skuEntry: string, extra = ''): string => `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": {
    "skuName": ${skuEntry}${extra}
  }
}
`;

function skus(files: Record<string, string>, templateFile = 'main.bicep') {
  const model = workspace({ 'policies/global.xml': '', ...files });
  const s = model.servicesIn(abs(templateFile))[0];
  assert.ok(s, `a service in ${templateFile}`);
  return { values: [...s.skus.values].sort(), unknown: s.skus.unknown, origins: s.skus.origins.map((o) => o.message), model };
}

test('JSON parameters files are found by name, as azd and Microsoft Learn name them', () => {
  assert.deepEqual(parametersTemplates('main.parameters.json'), ['./main.bicep']);
  assert.deepEqual(parametersTemplates('main.parameters.prod.json'), ['./main.bicep']);
  assert.deepEqual(parametersTemplates('main.parameters.prod.westeurope.json'), ['./main.bicep']);
  assert.deepEqual(parametersTemplates('main.prod.parameters.json'), ['./main.prod.bicep', './main.bicep']);
  assert.deepEqual(parametersTemplates('settings.json'), []);
  assert.deepEqual(parametersTemplates('parameters.json'), []);
  assert.equal(classify('/w/infra/main.parameters.prod.json'), 'bicep');
  assert.equal(isCandidate('/w/infra/main.parameters.json'), true);
  assert.equal(classify('/w/.apim-mtls.json'), 'other');
  assert.equal(isCandidate('/w/package.json'), false);
});

test('one JSON parameters file per environment: the tier set is their union, each value traced to its file', () => {
  const r = skus({
    'main.bicep': template(),
    'main.parameters.prod.json': params('{ "value": "StandardV2" }'),
    'main.parameters.dev.json': params('{ "value": "Developer" }'),
  });
  assert.deepEqual(r.values, ['Developer', 'StandardV2']);
  assert.equal(r.unknown, false);
  assert.ok(r.origins.includes('SKU passed to parameter skuName by main.parameters.prod.json'), r.origins.join(' | '));
});

test('main.prod.parameters.json is for main.prod.bicep when there is one, else for main.bicep', () => {
  const files = { 'main.bicep': template(), 'main.prod.parameters.json': params('{ "value": "PremiumV2" }') };
  assert.deepEqual(skus(files).values, ['PremiumV2']);
  const both = skus({ ...files, 'main.prod.bicep': template().replace("'apim-x'", "'apim-y'") });
  assert.deepEqual(both.values, [], 'main.bicep no longer gets the prod values');
  assert.equal(both.unknown, true);
  assert.deepEqual(skus({ ...files, 'main.prod.bicep': template().replace("'apim-x'", "'apim-y'") }, 'main.prod.bicep').values, ['PremiumV2']);
});

test('azd substitutions: ${VAR=default} is the default or another value; ${VAR} is unknown', () => {
  const withDefault = skus({ 'main.bicep': template(), 'main.parameters.json': params('{ "value": "${APIM_SKU=Developer}" }') });
  assert.deepEqual(withDefault.values, ['Developer']);
  assert.equal(withDefault.unknown, true);
  const bare = skus({ 'main.bicep': template(), 'main.parameters.json': params('{ "value": "${APIM_SKU}" }') });
  assert.deepEqual(bare.values, []);
  assert.equal(bare.unknown, true);
});

test('a Key Vault reference is unknown; a parameter left out takes the template default', () => {
  const ref = skus({
    'main.bicep': template(),
    'main.parameters.json': params('{ "reference": { "keyVault": { "id": "/subscriptions/x" }, "secretName": "sku" } }'),
  });
  assert.equal(ref.unknown, true);
  assert.deepEqual(ref.values, []);
  const omitted = skus({
    'main.bicep': template("param skuName string = 'Premium'"),
    'main.parameters.json': '{ "parameters": { "location": { "value": "westeurope" } } }',
  });
  assert.deepEqual(omitted.values, ['Premium']);
});

test('comments and trailing commas are read, as Azure tooling accepts them', () => {
  const r = skus({
    'main.bicep': template(),
    'main.parameters.json': `// prod\n{\n  /* the tier */\n  "parameters": {\n    "skuName": { "value": "BasicV2", },\n  },\n}\n`,
  });
  assert.deepEqual(r.values, ['BasicV2']);
  assert.equal(r.unknown, false);
});

test('a parameters file that cannot be read makes the tier unknown instead of dropping an environment', () => {
  const r = skus({
    'main.bicep': template(),
    'main.parameters.prod.json': params('{ "value": "StandardV2" }'),
    'main.parameters.dev.json': params('{ "value": "Developer" '),
  });
  assert.deepEqual(r.values, ['StandardV2']);
  assert.equal(r.unknown, true);
});

test('a JSON file named like a parameters file that holds no "parameters" object is not a caller', () => {
  const r = skus({ 'main.bicep': template("param skuName string = 'Premium'"), 'main.parameters.json': '{ "something": [1, 2, 3] }' });
  assert.deepEqual(r.values, ['Premium']);
});

test('editing a JSON parameters file re-lints the policies of the service whose tier it sets', () => {
  const { model } = skus({ 'main.bicep': template(), 'main.parameters.json': params('{ "value": "StandardV2" }') });
  assert.ok(model.dependents(abs('main.parameters.json')).includes(abs('policies/global.xml')));
  assert.deepEqual([...model.policyContext(abs('policies/global.xml')).skus.values], ['StandardV2']);
});

test('the reader keeps spans (for the origins) and never throws on hostile text', () => {
  const text = params('{ "value": "StandardV2" }');
  const file = parseParametersJson(text, 'main.parameters.json');
  const param = file.declarations.find((d) => d.kind === 'param');
  assert.ok(param && param.kind === 'param' && param.defaultValue);
  assert.equal(text.slice(param.defaultValue.span.start, param.defaultValue.span.end), '"StandardV2"');
  assert.equal(text.slice(param.nameSpan.start, param.nameSpan.end), '"skuName"');
  for (const hostile of ['['.repeat(100_000), '{"parameters": {"a": {"value": "' + 'x'.repeat(2_000_000), '\u0000\uffff', '', '/*', '"\\u12', '{"a" 1}']) {
    const parsed = parseParametersJson(hostile, 'main.parameters.json');
    const using = parsed.declarations.find((d) => d.kind === 'using');
    assert.ok(using && using.kind === 'using' && using.opaque, `opaque for ${JSON.stringify(hostile.slice(0, 20))}`);
    assert.ok(parsed.problems.length === 1 && parsed.problems[0]!.message.startsWith('JSON parameters file: '));
  }
});
