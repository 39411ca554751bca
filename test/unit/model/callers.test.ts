import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { abs, serviceTemplate, workspace } from './workspace-helper';

/** A service module whose tier is a parameter without a default, deploying one API policy. */
const APIM = serviceTemplate('../policies/global.xml');

const main = (params: string, header = 'param skuName string'): string => `${header}
module apim './modules/apim.bicep' = {
  name: 'apim'
  params: ${params}
}
`;

function skus(files: Record<string, string>): { values: string[]; unknown: boolean; origins: string[] } {
  const model = workspace({ 'modules/apim.bicep': APIM, 'policies/global.xml': '', ...files });
  const s = model.servicesIn(abs('modules/apim.bicep'))[0];
  assert.ok(s);
  return { values: [...s.skus.values].sort(), unknown: s.skus.unknown, origins: s.skus.origins.map((o) => o.message) };
}

test('a module parameter takes the value its caller passes', () => {
  const r = skus({ 'main.bicep': main("{\n    skuName: 'StandardV2'\n  }") });
  assert.deepEqual(r.values, ['StandardV2']);
  assert.equal(r.unknown, false);
  assert.ok(r.origins.some((o) => o === 'SKU passed to parameter skuName by module apim in main.bicep'), r.origins.join(' | '));
});

test('without callers the parameter stays unknown (as before)', () => {
  const r = skus({});
  assert.deepEqual(r.values, []);
  assert.equal(r.unknown, true);
});

test('.bicepparam files set the template parameter, which a module passes on: the union of the environments', () => {
  const r = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'prod.bicepparam': "using './main.bicep'\n\nparam skuName = 'PremiumV2'\n",
    'dev.bicepparam': "using './main.bicep'\nparam skuName = 'Developer'\n",
  });
  assert.deepEqual(r.values, ['Developer', 'PremiumV2']);
  assert.equal(r.unknown, false);
  assert.ok(r.origins.some((o) => o === 'SKU passed to parameter skuName by prod.bicepparam'), r.origins.join(' | '));
});

test('in a .bicepparam file a parameter set from another one takes its value exactly (an assignment, not a default)', () => {
  const r = skus({
    'main.bicep': main('{\n    skuName: otherSku\n  }', 'param skuName string\nparam otherSku string'),
    'prod.bicepparam': "using './main.bicep'\nparam skuName = 'PremiumV2'\nparam otherSku = skuName\n",
  });
  assert.deepEqual(r.values, ['PremiumV2']);
  assert.equal(r.unknown, false);
});

test('readEnvironmentVariable with a default in a .bicepparam file: that default, or another value', () => {
  const r = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'ci.bicepparam': "using './main.bicep'\nparam skuName = readEnvironmentVariable('APIM_SKU', 'StandardV2')\n",
  });
  assert.deepEqual(r.values, ['StandardV2']);
  assert.equal(r.unknown, true);
  const without = skus({ 'main.bicep': main('{\n    skuName: skuName\n  }'), 'ci.bicepparam': "using './main.bicep'\nparam skuName = readEnvironmentVariable('APIM_SKU')\n" });
  assert.deepEqual(without.values, []);
  assert.equal(without.unknown, true);
});

test('a caller that leaves the parameter out gives the module’s default, exactly (not "the default or another value")', () => {
  const r = skus({
    'modules/apim.bicep': APIM.replace('param skuName string', "param skuName string = 'Basic'"),
    'a.bicep': main("{\n    skuName: 'BasicV2'\n  }", ''),
    'b.bicep': main('{}', ''),
  });
  assert.deepEqual(r.values, ['Basic', 'BasicV2']);
  assert.equal(r.unknown, false, 'a module call that leaves the parameter out deploys its default');
  // Without a default, a call that leaves it out can't deploy: the parameter's own domain stands for it.
  const required = skus({
    'modules/apim.bicep': APIM,
    'a.bicep': main("{\n    skuName: 'BasicV2'\n  }", ''),
    'b.bicep': main('{}', ''),
  });
  assert.equal(required.unknown, true);
});

test('params that can\'t be read (a variable, a spread) keep what is known and flag the rest unknown', () => {
  const r = skus({
    'a.bicep': main("{\n    skuName: 'Premium'\n  }", ''),
    'b.bicep': main('settings', 'param settings object'),
  });
  assert.deepEqual(r.values, ['Premium']);
  assert.equal(r.unknown, true);
});

test('registry modules and ARM JSON templates are not followed', () => {
  const r = skus({ 'main.bicep': "module a 'br:contoso.azurecr.io/apim:v1' = {\n  name: 'a'\n  params: {\n    skuName: 'Premium'\n  }\n}\nmodule b './modules/apim.json' = {\n  name: 'b'\n  params: {\n    skuName: 'Premium'\n  }\n}\n" });
  assert.equal(r.unknown, true);
  assert.deepEqual(r.values, []);
});

test('editing a parameters file re-lints the policies of the service it sets the tier of', () => {
  const model = workspace({
    'modules/apim.bicep': APIM,
    'policies/global.xml': '',
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'prod.bicepparam': "using './main.bicep'\nparam skuName = 'StandardV2'\n",
  });
  assert.ok(model.dependents(abs('prod.bicepparam')).includes(abs('policies/global.xml')), model.dependents(abs('prod.bicepparam')).join(', '));
  assert.ok(model.dependents(abs('main.bicep')).includes(abs('modules/apim.bicep')));
  const context = model.policyContext(abs('policies/global.xml'));
  assert.deepEqual([...context.skus.values], ['StandardV2']);
});

test('a module that deploys itself, and diamonds of modules, end quickly', () => {
  // x.bicep deploys itself twice, passing its own parameter on: invalid Bicep, but it must not hang.
  const self = `param skuName string
module a './x.bicep' = {
  name: 'a'
  params: {
    skuName: skuName
  }
}
module b './x.bicep' = {
  name: 'b'
  params: {
    skuName: skuName
  }
}
${APIM.split('\n').slice(1, 12).join('\n')}
`;
  const started = performance.now();
  const model = workspace({ 'x.bicep': self });
  const s = model.servicesIn(abs('x.bicep'))[0]!;
  assert.equal(s.skus.unknown, true);
  // 30 files, each deploying the next twice: 2^30 paths without memoisation.
  const files: Record<string, string> = { 'modules/apim.bicep': APIM, 'policies/global.xml': '' };
  for (let i = 0; i < 30; i++) {
    const next = i === 29 ? './modules/apim.bicep' : `./f${i + 1}.bicep`;
    files[`f${i}.bicep`] = `param skuName string\nmodule a '${next}' = {\n  name: 'a'\n  params: {\n    skuName: skuName\n  }\n}\nmodule b '${next}' = {\n  name: 'b'\n  params: {\n    skuName: skuName\n  }\n}\n`;
  }
  files['env.bicepparam'] = "using './f0.bicep'\nparam skuName = 'BasicV2'\n";
  const deep = workspace(files).servicesIn(abs('modules/apim.bicep'))[0]!;
  assert.deepEqual([...deep.skus.values], ['BasicV2']);
  assert.ok(performance.now() - started < 5000, 'bounded');
});

test("a policy value behind a ternary (a module's object parameter, a public repository): either branch is deployed", () => {
  const api = `param policy object = {}
resource service 'Microsoft.ApiManagement/service@2024-05-01' existing = {
  name: 'apim-x'
}
resource api_policy 'Microsoft.ApiManagement/service/policies@2024-05-01' = {
  name: 'policy'
  parent: service
  properties: {
    format: 'rawxml'
    value: !contains(policy, 'params') ? policy.value : loadTextContent('fallback.xml')
  }
}
`;
  const caller = `module api 'api.bicep' = {
  name: 'api'
  params: {
    policy: {
      value: loadTextContent('p.xml')
    }
  }
}
`;
  const model = workspace({ 'api.bicep': api, 'main.bicep': caller, 'p.xml': '', 'fallback.xml': '' });
  assert.equal(model.policyContext(abs('p.xml')).deployments.length, 1);
  assert.equal(model.policyContext(abs('fallback.xml')).deployments.length, 1);
});

test('a .bicepparam that extends a base file takes the base value of a parameter it does not set (Bicep 0.44.1)', () => {
  const r = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'shared.bicepparam': "using none\nvar tier = 'StandardV2'\nparam skuName = tier\n",
    'prod.bicepparam': "using './main.bicep'\nextends './shared.bicepparam'\nparam other = 'x'\n",
  });
  assert.deepEqual(r.values, ['StandardV2'], 'the base value, evaluated in the base file (its own variable)');
  assert.equal(r.unknown, false);
  assert.ok(r.origins.some((o) => o === 'SKU passed to parameter skuName by shared.bicepparam, which prod.bicepparam extends'), r.origins.join(' | '));
});

test('a value set in the extending file overrides the base; a chain of bases is followed, nearest first, and a cycle ends it', () => {
  const own = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'shared.bicepparam': "using none\nparam skuName = 'StandardV2'\n",
    'prod.bicepparam': "using './main.bicep'\nextends './shared.bicepparam'\nparam skuName = 'Premium'\n",
  });
  assert.deepEqual(own.values, ['Premium']);
  const chain = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'org.bicepparam': "using none\nparam skuName = 'Developer'\n",
    'team.bicepparam': "using none\nextends './org.bicepparam'\nparam location = 'westeurope'\n",
    'prod.bicepparam': "using './main.bicep'\nextends './team.bicepparam'\n",
  });
  assert.deepEqual(chain.values, ['Developer']);
  assert.equal(chain.unknown, false);
  assert.ok(chain.origins.includes('SKU passed to parameter skuName by org.bicepparam, a base file that prod.bicepparam extends'), chain.origins.join(' | '));
  const cycle = skus({
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'a.bicepparam': "using none\nextends './b.bicepparam'\nparam skuName = 'BasicV2'\n",
    'b.bicepparam': "using none\nextends './a.bicepparam'\n",
    'prod.bicepparam': "using './main.bicep'\nextends './b.bicepparam'\n",
  });
  assert.deepEqual(cycle.values, ['BasicV2']);
  // A base file that isn't there: the parameter is not set, so the template's own domain (unknown here) stands.
  const missing = skus({ 'main.bicep': main('{\n    skuName: skuName\n  }'), 'prod.bicepparam': "using './main.bicep'\nextends './gone.bicepparam'\n" });
  assert.equal(missing.unknown, true);
});

test('editing the base parameters file re-lints the policies of the service whose tier it sets', () => {
  const model = workspace({
    'modules/apim.bicep': APIM,
    'policies/global.xml': '',
    'main.bicep': main('{\n    skuName: skuName\n  }'),
    'shared.bicepparam': "using none\nparam skuName = 'BasicV2'\n",
    'prod.bicepparam': "using './main.bicep'\nextends 'shared.bicepparam'\n",
  });
  assert.ok(model.dependents(abs('shared.bicepparam')).includes(abs('policies/global.xml')), model.dependents(abs('shared.bicepparam')).join(', '));
  assert.deepEqual([...model.policyContext(abs('policies/global.xml')).skus.values], ['BasicV2']);
});

test('a chain of 2,000 parameters files, each deploying and extending the next, is read in bounded time (32 bases deep)', () => {
  const files: Record<string, string> = { 'main.bicep': main('{\n    skuName: skuName\n  }') };
  for (let i = 0; i < 2000; i++) files[`p${i}.bicepparam`] = `using './main.bicep'\nextends './p${i + 1}.bicepparam'\nparam x${i} = 'v'\n`;
  files['p2000.bicepparam'] = "using none\nparam skuName = 'StandardV2'\n";
  files['p1990.bicepparam'] = "using './main.bicep'\nextends './p1991.bicepparam'\n";
  const started = performance.now();
  const r = skus(files);
  assert.ok(performance.now() - started < 20_000, 'not quadratic in the chain');
  // Files within 32 bases of p2000 see its SKU; those further up don't, and the template's own domain stands for them.
  assert.deepEqual(r.values, ['StandardV2']);
  assert.equal(r.unknown, true);
});
